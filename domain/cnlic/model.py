"""The vocabulary of RULES.md program 1: stages, procedures, title statuses, roles,
deadline kinds, and the small value objects every layer passes around."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

# the platform's roles and actors live in the kernel; re-exported for program 1's modules
from domain.roles import SYSTEM_ACTOR, Actor, Role  # noqa: F401


class Stage(StrEnum):
    CULTIVATION = "cultivation"
    APPLIED = "applied"
    ACCEPTED = "accepted"
    SITE_EVALUATION = "site_evaluation"
    ASSOCIATION_OPINION = "association_opinion"
    FORMAL_REVIEW = "formal_review"
    AWAITING_MEETING = "awaiting_meeting"
    APPROVED = "approved"  # the meeting approved; the joint document is pending (§三(四))
    DESIGNATED = "designated"
    RECTIFICATION = "rectification"
    EXPIRED = "expired"
    REVOKED = "revoked"
    WITHDRAWN = "withdrawn"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]


STAGE_LABELS = {
    Stage.CULTIVATION: "培育期",
    Stage.APPLIED: "申请",
    Stage.ACCEPTED: "受理",
    Stage.SITE_EVALUATION: "考评",
    Stage.ASSOCIATION_OPINION: "行业意见",
    Stage.FORMAL_REVIEW: "形式审查",
    Stage.AWAITING_MEETING: "待会长办公会",
    Stage.APPROVED: "已批准待发文",
    Stage.DESIGNATED: "授名有效",
    Stage.RECTIFICATION: "整改期",
    Stage.EXPIRED: "到期未复评",
    Stage.REVOKED: "取消称号",
    Stage.WITHDRAWN: "撤回",
    Stage.REFUSED: "不予授名",
}

# the steps every procedure walks from application to the joint document (§三, §四(三), §四(五)):
# until the document is issued the title is not conferred (or renewed, or changed)
PROCEDURE_STAGES = (
    Stage.APPLIED,
    Stage.ACCEPTED,
    Stage.SITE_EVALUATION,
    Stage.ASSOCIATION_OPINION,
    Stage.FORMAL_REVIEW,
    Stage.AWAITING_MEETING,
    Stage.APPROVED,
)
TERMINAL_STAGES = (Stage.REVOKED, Stage.WITHDRAWN, Stage.REFUSED)


class Procedure(StrEnum):
    DESIGNATION = "designation"
    REEVALUATION = "reevaluation"
    RECTIFICATION_REVIEW = "rectification_review"
    TITLE_CHANGE = "title_change"

    @property
    def label(self) -> str:
        return {
            "designation": "授名",
            "reevaluation": "复评",
            "rectification_review": "整改复查",
            "title_change": "称号变更",
        }[self.value]


class TitleStatus(StrEnum):
    NONE = "none"
    VALID = "valid"
    EXTENDED = "extended"
    EXPIRED = "expired"
    RECTIFYING = "rectifying"
    REVOKED = "revoked"

    @property
    def label(self) -> str:
        return {
            "none": "未授名",
            "valid": "有效",
            "extended": "有效（复评中延续）",
            "expired": "已到期",
            "rectifying": "整改中",
            "revoked": "已取消",
        }[self.value]


HELD_TITLES = (TitleStatus.VALID, TitleStatus.EXTENDED, TitleStatus.RECTIFYING)


class DeadlineKind(StrEnum):
    CULTIVATION = "cultivation"
    SITE_VISIT = "site_visit"
    FORMAL_REVIEW = "formal_review"
    MEETING = "meeting"
    ANNUAL_REPORT = "annual_report"
    REEVALUATION_APPLICATION = "reevaluation_application"
    EXPIRY = "expiry"
    RECTIFICATION = "rectification"

    @property
    def label(self) -> str:
        return {
            "cultivation": "培育期",
            "site_visit": "考评批准（5日）",
            "formal_review": "形式审查（15个工作日）",
            "meeting": "会长办公会（每季度）",
            "annual_report": "年度报告（4月底前）",
            "reevaluation_application": "复评申请（到期前3个月）",
            "expiry": "称号有效期",
            "rectification": "整改期（1年）",
        }[self.value]




@dataclass(frozen=True)
class Region:
    province: str
    city: str = ""
    county: str = ""
    code: str = ""
    name: str = ""  # the place name used in the title; derived when empty

    @property
    def title_name(self) -> str:
        if self.name:
            return self.name
        for place in (self.county, self.city, self.province):
            if place:
                return _strip_admin_suffix(place)
        return ""


def _strip_admin_suffix(place: str) -> str:
    for suffix in ("特别行政区", "自治区", "自治州", "自治县", "街道", "地区", "省", "市", "区", "县", "镇", "乡"):
        if place.endswith(suffix) and len(place) - len(suffix) >= 2:
            return place[: -len(suffix)]
    return place


@dataclass(frozen=True)
class ClusterProfile:
    key: str
    industry: str
    product: str
    tier: str
    region: Region
    title_word: str = ""  # 之都 / 基地 / 城 / 园 / 区 / 乡 / 镇 / 街; tier default when empty
    elements: tuple[str, ...] = ()  # optional naming elements (§二(二)3)
    name: str = ""  # the cluster's own descriptive name, if any
    # the product's activity word (生产, 制造 …): the elements stand before it, as in
    # 中国××智能生产基地 (RULES.md "Title words"); empty puts the elements after the product
    activity: str = ""
    # each element's extra indicators as recorded ({element: {indicator: value}}); None for
    # profiles recorded before the rule, whose titles are not re-checked
    element_indicators: dict[str, dict[str, str]] | None = None


@dataclass
class Event:
    """One entry of a lifecycle's timeline and of the store's journal."""

    seq: int
    on: date
    kind: str
    data: dict[str, Any] = field(default_factory=dict)
    actor: Actor = SYSTEM_ACTOR
