"""One typed schema per step of a round (RULES.md program 2 "Steps"): the single source for
the API request bodies (OpenAPI, Chinese titles), the console's forms and the CLI's
``--data`` files. Shape and bounds only; the rules (stage, role, scope, cap, quotas,
eligibility, the 2/3 vote, objections) answer from ``domain.demonstration`` with their codes.
The 推荐表 and the publicity pack are the domain's own schemas (``domain.demonstration.forms``).
"""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError

from domain.demonstration.forms import PublicityPack, RecommendationForm
from domain.demonstration.labels import action_label
from domain.errors import DomainError
from domain.limits import LIMITS
from service.refusals import refusal  # the platform's Chinese wording of a schema's refusal

NAME = LIMITS.name_chars
TEXT = LIMITS.text_chars
ITEMS = LIMITS.list_items
MANY = LIMITS.meeting_decisions  # a round's candidates, like a meeting's decisions
KEY = r"^[A-Za-z0-9_-]{1,100}$"
EARLIEST = date(1990, 1, 1)  # before any co-built title
LATEST = date(2099, 12, 31)  # a date typed as 2999 is a typo, not a plan (the calendar ends in 2100)
ClusterKey = Annotated[str, Field(pattern=KEY, title="集群编号")]


class StepData(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Quota(StepData):
    association: str = Field(min_length=1, max_length=NAME, title="行业协（学）会、中心")
    quota: StrictInt = Field(ge=0, le=MANY, title="推荐名额（个）")


class OpenRound(StepData):
    """开始评选: the secretariat opens a round for a conference."""

    key: str = Field(pattern=KEY, title="评选编号", description="字母、数字、- 或 _，如 conf-2027")
    title: str = Field("", max_length=NAME, title="评选名称", description="不填则为“某年轻工业创新升级示范特色区域和产业集群评选”")
    conference_on: date = Field(ge=EARLIEST, le=LATEST, title="全国轻工业特色区域和产业集群大会日期")
    recommendation_deadline: date = Field(ge=EARLIEST, le=LATEST, title="行业推荐截止日期")
    quotas: list[Quota] = Field(default_factory=list, max_length=ITEMS, title="各行业推荐名额",
                                description="合计不超过评选上限（有效共建集群数的20%，向下取整）")


class SetQuotas(StepData):
    quotas: list[Quota] = Field(max_length=ITEMS, title="各行业推荐名额", description="合计不超过评选上限")


class Recommend(StepData):
    """行业推荐: an association recommends a co-built cluster of its industry."""

    cluster_key: ClusterKey
    form: RecommendationForm = Field(title="推荐表")
    publicity: PublicityPack | None = Field(None, title="有关宣传资料")


class Empty(StepData):
    pass


class CloseRecommendation(StepData):
    reason: str = Field("", max_length=TEXT, title="提前结束推荐的理由", description="推荐截止日前结束推荐时必填")


class Review(StepData):
    cluster_key: ClusterKey
    passed: StrictBool = Field(title="初审通过")
    reason: str = Field("", max_length=TEXT, title="初审意见", description="不通过时必填")


class VoteRow(StepData):
    cluster_key: ClusterKey
    yes: StrictInt = Field(ge=0, le=MANY, title="赞成")
    no: StrictInt = Field(0, ge=0, le=MANY, title="反对")
    abstain: StrictInt = Field(0, ge=0, le=MANY, title="弃权")


class RecordVote(StepData):
    """审核委员会审核: members present and each candidate's votes."""

    members_present: list[Annotated[str, Field(min_length=1, max_length=NAME)]] = Field(
        min_length=1, max_length=MANY, title="到会委员", description="每行一人")
    votes: list[VoteRow] = Field(min_length=1, max_length=MANY, title="表决结果",
                                 description="初审建议名单上每个集群一行")


class PublishNotice(StepData):
    published_on: date = Field(ge=EARLIEST, le=LATEST, title="公示日期", description="在中国轻工业联合会网站公示的日期")


class RecordObjection(StepData):
    cluster_key: ClusterKey
    received_on: date = Field(ge=EARLIEST, le=LATEST, title="收到异议日期")
    source: str = Field(min_length=1, max_length=NAME, title="异议来源", description="来信、来电或来访单位／人")
    text: str = Field(min_length=1, max_length=TEXT, title="异议内容")


class ResolveObjection(StepData):
    objection_id: str = Field(min_length=1, max_length=40, title="异议编号")
    upheld: StrictBool = Field(title="异议成立", description="成立则该集群移出建议名单")
    reason: str = Field(min_length=1, max_length=TEXT, title="处理理由")


class Approve(StepData):
    clusters: list[ClusterKey] | None = Field(None, max_length=MANY, title="批准名单",
                                              description="不填即批准经公示的全部建议名单")


class Commend(StepData):
    held_on: date = Field(ge=EARLIEST, le=LATEST, title="表彰日期（大会）")
    document_number: str = Field(min_length=1, max_length=NAME, title="表彰文件文号")


class Violation(StepData):
    """A violation on a program-1 cluster (its journal): 二、1 近五年无违规违法事件."""

    date: dt.date = Field(ge=EARLIEST, le=LATEST, title="违规违法事件发生日期")
    source: str = Field(min_length=1, max_length=NAME, title="信息来源", description="如处罚决定书文号")
    reason: str = Field(min_length=1, max_length=TEXT, title="违规事由")


STEP_SCHEMAS: dict[str, type[StepData]] = {
    "set_quotas": SetQuotas,
    "recommend": Recommend,
    "close_recommendation": CloseRecommendation,
    "review": Review,
    "complete_first_review": Empty,
    "record_vote": RecordVote,
    "publish_notice": PublishNotice,
    "record_objection": RecordObjection,
    "resolve_objection": ResolveObjection,
    "approve": Approve,
    "commend": Commend,
}
SCHEMAS: dict[str, type[StepData]] = {**STEP_SCHEMAS, "open": OpenRound, "record_violation": Violation}


def parse(action: str, data: Any) -> StepData:
    model = SCHEMAS.get(action)
    if model is None:
        raise DomainError("action_unknown", f"评选没有“{action}”这一步（可选：{'、'.join(SCHEMAS)}）")
    if not isinstance(data, dict):
        raise DomainError("invalid_data", f"“{action_label(action)}”的数据应为对象 {{…}}")
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise refusal(e, model) from None  # type: ignore[arg-type]


def checked(action: str, data: Any) -> dict[str, Any]:
    """The step's data as the domain takes it (dates as YYYY-MM-DD; quota rows as a mapping)."""
    out = parse(action, data).model_dump(mode="json", exclude_unset=True)
    if "quotas" in out:
        rows = out["quotas"]
        names = [r["association"] for r in rows]
        if len(set(names)) != len(names):
            raise DomainError("invalid_data", "同一行业协会的名额只能填一行")
        out["quotas"] = {r["association"]: r["quota"] for r in rows}
    return out
