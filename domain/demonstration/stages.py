"""The steps of a selection round as one table (RULES.md program 2 "Steps"; seeds/000 三、评选程序,
四、表彰): the stages a round passes, and for each step its label, clause, the stages it may be
taken in and the roles that take it. ``round.Round.may`` asks it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.roles import Role


class Stage(StrEnum):
    RECOMMENDATION = "recommendation"
    FIRST_REVIEW = "first_review"
    COMMITTEE_VOTE = "committee_vote"
    PUBLIC_NOTICE = "public_notice"
    APPROVED = "approved"
    COMMENDED = "commended"

    @property
    def label(self) -> str:
        return {
            "recommendation": "行业推荐",
            "first_review": "初审",
            "committee_vote": "审核委员会审核",
            "public_notice": "网上公示",
            "approved": "已批准待表彰",
            "commended": "已表彰",
        }[self.value]


@dataclass(frozen=True)
class Step:
    action: str
    label: str
    clause: str
    sources: tuple[Stage, ...]
    roles: tuple[Role, ...]


# the one table of what may happen when, and who does it
STEPS: dict[str, Step] = {s.action: s for s in (
    Step("set_quotas", "调整行业推荐名额", "一、评选范围；三、(二) 协调名额",
         (Stage.RECOMMENDATION, Stage.FIRST_REVIEW), (Role.SECRETARIAT,)),
    Step("recommend", "行业推荐", "三、(一)", (Stage.RECOMMENDATION,), (Role.ASSOCIATION,)),
    Step("close_recommendation", "结束推荐、开始初审", "三、(一)", (Stage.RECOMMENDATION,), (Role.SECRETARIAT,)),
    Step("review", "初审", "三、(二)", (Stage.FIRST_REVIEW,), (Role.SECRETARIAT,)),
    Step("complete_first_review", "形成初审建议名单", "三、(二)", (Stage.FIRST_REVIEW,), (Role.SECRETARIAT,)),
    Step("record_vote", "记录审核委员会投票", "三、(三)", (Stage.COMMITTEE_VOTE,), (Role.SECRETARIAT,)),
    Step("publish_notice", "网上公示", "三、(三)", (Stage.COMMITTEE_VOTE,), (Role.SECRETARIAT,)),
    Step("record_objection", "记录公示异议", "四、经过社会监督", (Stage.PUBLIC_NOTICE,), (Role.SECRETARIAT,)),
    Step("resolve_objection", "处理公示异议", "四、经过社会监督", (Stage.PUBLIC_NOTICE,), (Role.SECRETARIAT,)),
    Step("approve", "审核批准", "四、表彰", (Stage.PUBLIC_NOTICE,), (Role.LEADER,)),
    Step("commend", "大会表彰", "四、表彰", (Stage.APPROVED,), (Role.SECRETARIAT,)),
    # 推荐材料 (the 推荐表's seals, photos, the video): the recommending association while it
    # recommends, the secretariat until the round is commended
    Step("attach", "上传推荐材料附件", "三、(一)",
         (Stage.RECOMMENDATION, Stage.FIRST_REVIEW, Stage.COMMITTEE_VOTE, Stage.PUBLIC_NOTICE, Stage.APPROVED),
         (Role.ASSOCIATION, Role.SECRETARIAT)),
)}
