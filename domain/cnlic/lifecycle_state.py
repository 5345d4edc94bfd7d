"""What a lifecycle is and how it begins (RULES.md program 1): its state, an armed clock,
an opinion received, the outcome of a change, the start spec, and the plain-data readers
that build a profile and a start from a scenario, a file or a request. Pure; split from
``domain.cnlic.lifecycle`` (which re-exports every name) so that module holds the behaviour.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Mapping

from domain.calendar import parse_date
from domain.cnlic.deadlines import DeadlineRequest
from domain.errors import DomainError
from domain.limits import check_name
from domain.cnlic.model import (
    Actor,
    ClusterProfile,
    DeadlineKind,
    Event,
    Procedure,
    Region,
    Stage,
    TitleStatus,
)

@dataclass
class Deadline:
    """An armed clock, kept in the lifecycle state exactly as the activity planned it."""

    key: str
    what: str
    due: date
    armed_on: date
    anchor: date
    params: dict[str, Any]
    reminders: list[date]
    calendar_version: str
    provisional: bool
    basis: str
    reminded: list[date] = field(default_factory=list)
    overdue_since: date | None = None
    working_dates: list[date] = field(default_factory=list)

    def working_days_left(self, today: date) -> int | None:
        if not self.working_dates:
            return None
        return sum(1 for d in self.working_dates if d > today)

    def pending_reminders(self) -> list[date]:
        return [r for r in self.reminders if r >= self.armed_on and r not in self.reminded]

    def request(self) -> DeadlineRequest:
        return DeadlineRequest(self.key, self.what, self.anchor, dict(self.params))


@dataclass
class Opinion:
    body: str
    kind: str
    text: str
    recommend: bool | None
    on: date
    by: Actor


@dataclass
class LifecycleState:
    profile: ClusterProfile
    policy_version: str
    stage: Stage = Stage.CULTIVATION
    procedure: Procedure = Procedure.DESIGNATION
    title_status: TitleStatus = TitleStatus.NONE
    title: str = ""
    conferred_on: date | None = None
    valid_until: date | None = None
    expired_on: date | None = None
    cultivation_started_on: date | None = None
    planned_years: int | None = None
    application: dict[str, Any] | None = None
    opinions: list[Opinion] = field(default_factory=list)
    panel: list[dict[str, Any]] = field(default_factory=list)
    visit_on: date | None = None
    score: dict[str, Any] | None = None
    pending_indicators: dict[str, float] = field(default_factory=dict)
    evaluation_indicators: dict[str, float] = field(default_factory=dict)
    supplement_items: list[str] = field(default_factory=list)
    reevaluation_in_time: bool | None = None
    pending_profile: ClusterProfile | None = None
    deadlines: dict[str, Deadline] = field(default_factory=dict)
    annual_reports: dict[str, dict[str, Any]] = field(default_factory=dict)  # year -> {filed_on, late}
    last_annual_indicators: dict[str, Any] = field(default_factory=dict)  # before issue 11: the last filed
    # 附件五 figures (numbers and the 或 choice, not the texts) by year, for the latest
    # domain.cnlic.annual_report.FIGURES_KEPT_YEARS years: 同比 against the previous calendar year
    annual_figures: dict[str, dict[str, Any]] = field(default_factory=dict)
    handled: list[str] = field(default_factory=list)  # dedup keys of meeting/recognition signals
    seq: int = 0
    cycle: int = 0
    # Events live in the journal, not here (issue 9: a state that grew with every event wedged
    # a lifecycle). Kept only so inputs written before that change still decode; such a list
    # is read once, to chain a lifecycle that predates the journal's hash chain.
    events: list[Event] = field(default_factory=list)
    ended_reason: str = ""
    journal_head: str = ""  # hash-chain head of the recorded events (domain.journal)
    journal_head_seq: int = 0
    # the rules clarified after the first build (RULES.md "Program 1 — clarifications"): the
    # workflow sets it from workflow.patched, so a history recorded before keeps its rules
    clarified: bool = False
    formal_opinions: list[str] = field(default_factory=list)  # bodies whose formal opinion arrived
    approval: dict[str, Any] | None = None  # {meeting_id, held_on} while the joint document is pending
    document: dict[str, Any] | None = None  # the joint document that conferred the current title

    @property
    def key(self) -> str:
        return self.profile.key

    def formal_opinion_givers(self) -> list[str]:
        """§三(三): the associations the route names, each sending its own formal opinion
        (a provincial body's opinion is the application-stage one, §三(一))."""
        from domain.cnlic.rules import ASSOCIATION

        return [b["name"] for b in (self.application or {}).get("bodies", []) if b.get("kind") == ASSOCIATION]

    def outstanding_formal_opinions(self) -> list[str]:
        if self.stage != Stage.ASSOCIATION_OPINION:
            return []
        givers = self.formal_opinion_givers()
        if not givers:
            return [] if self.formal_opinions else ["中国轻工业联合会"]
        return [b for b in givers if b not in self.formal_opinions]

    def outstanding_opinions(self) -> list[dict[str, str]]:
        if self.stage != Stage.APPLIED or not self.application:
            return []
        have = {o.body for o in self.opinions}
        return [b for b in self.application.get("bodies", []) if b["name"] not in have]


@dataclass
class Outcome:
    events: list[Event] = field(default_factory=list)
    arm: list[DeadlineRequest] = field(default_factory=list)
    effects: list[str] = field(default_factory=list)  # enqueue_meeting | dequeue_meeting | new_cycle | ended

    def extend(self, other: "Outcome") -> "Outcome":
        self.events += other.events
        self.arm += other.arm
        self.effects += [e for e in other.effects if e not in self.effects]
        return self


@dataclass(frozen=True)
class StartSpec:
    """How a lifecycle begins: in cultivation, at application, or imported as designated."""

    stage: str
    on: date
    planned_years: int | None = None
    application: dict[str, Any] | None = None
    title: str = ""
    # onboarding an existing title (issue 10): the joint document's number and the figures of
    # its last evaluation (domain.cnlic.starts.check_evaluation); absent from older histories
    document_number: str = ""
    evaluation: dict[str, Any] | None = None


REMINDER_KINDS = (DeadlineKind.CULTIVATION, DeadlineKind.ANNUAL_REPORT, DeadlineKind.REEVALUATION_APPLICATION)
PROCEDURE_CLOCKS = (DeadlineKind.SITE_VISIT, DeadlineKind.FORMAL_REVIEW, DeadlineKind.MEETING)


def _profile_dict(p: ClusterProfile) -> dict[str, Any]:
    d = asdict(p)
    d["elements"] = list(p.elements)
    return d


def _summary(action: str, parsed: dict[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """What the journal keeps of an action: the parsed facts, JSON-ready."""
    out: dict[str, Any] = {}
    for key, value in parsed.items():
        if key == "application":
            out["application"] = {
                "route": value.route,
                "bodies": [{"name": b.name, "kind": b.kind} for b in value.bodies],
                "industry_history_years": value.industry_history_years,
                "attachments": list(value.attachments),
            }
        elif key == "panel":
            out["panel"] = [asdict(m) for m in value]
        elif key == "report" and hasattr(value, "score"):
            out["report"] = {
                "findings": list(value.findings),
                "recommendations": list(value.recommendations),
                "score": value.score.as_dict(),
                "recommend": value.recommend,
                "indicators": dict(value.indicators),
                "comparisons": [asdict(c) for c in value.comparisons],
                "best_rank": value.best_rank,
            }
        elif key == "report" and getattr(value, "header", None):  # 附件五 complete (issue 11)
            out["report"] = value.as_dict()
        elif key == "report":
            out["report"] = {"year": value.year, "indicators": dict(value.indicators), "growth": dict(value.growth)}
        elif key == "profile":
            out["profile"] = _profile_dict(value)
        elif isinstance(value, date):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out


def new_state(profile: ClusterProfile, policy_version: str, clarified: bool = True) -> LifecycleState:
    return LifecycleState(profile=profile, policy_version=policy_version, clarified=clarified)


def profile_from_dict(d: Mapping[str, Any]) -> ClusterProfile:
    """Build a profile from plain data (scenario, API), with one-line errors."""
    if not isinstance(d, Mapping):
        raise DomainError("invalid_data", "集群信息应为对象")
    missing = [k for k in ("key", "industry", "product", "tier", "region") if not d.get(k)]
    if missing:
        raise DomainError("invalid_data", f"集群信息缺少：{', '.join(missing)}")
    region = d["region"]
    if not isinstance(region, Mapping) or not region.get("province"):
        raise DomainError("invalid_data", "region 须至少写明 province")
    key = str(d["key"])
    if not key.replace("-", "").replace("_", "").isalnum() or not key.isascii():
        raise DomainError("invalid_data", f"集群编号“{key}”只能包含字母、数字、- 和 _")
    for name in ("key", "industry", "product", "tier", "title_word", "name", "activity"):
        check_name(str(d.get(name) or ""), f"集群信息 {name}")
    for name in ("province", "city", "county", "code", "name"):
        check_name(str(region.get(name) or ""), f"地区 {name}")
    elements = d.get("elements") or ()
    if not isinstance(elements, (list, tuple)) or len(elements) > 10:
        raise DomainError("invalid_data", "elements 应为至多 10 个命名元素的列表")
    profile = ClusterProfile(
        key=key,
        industry=str(d["industry"]),
        product=str(d["product"]),
        tier=str(d["tier"]),
        region=Region(
            province=str(region.get("province", "")),
            city=str(region.get("city", "") or ""),
            county=str(region.get("county", "") or ""),
            code=str(region.get("code", "") or ""),
            name=str(region.get("name", "") or ""),
        ),
        title_word=str(d.get("title_word", "") or ""),
        elements=tuple(str(e) for e in elements),
        name=str(d.get("name", "") or ""),
        activity=str(d.get("activity", "") or ""),
        element_indicators=_element_indicators(d.get("element_indicators")),
    )
    return profile


def _element_indicators(raw: Any) -> dict[str, dict[str, str]] | None:
    """Each naming element's extra indicators (RULES.md "Title words"); None when not given."""
    if raw is None:
        return None
    if isinstance(raw, list):  # the form's rows: {element, indicator, value} each
        if len(raw) > 60 or not all(isinstance(r, Mapping) for r in raw):
            raise DomainError("invalid_data", "element_indicators 应为 {element, indicator, value} 的列表")
        grouped: dict[str, dict[str, Any]] = {}
        for r in raw:
            grouped.setdefault(str(r.get("element") or ""), {})[str(r.get("indicator") or "")] = r.get("value")
        raw = grouped
    if not isinstance(raw, Mapping) or len(raw) > 10:
        raise DomainError("invalid_data", "element_indicators 应为 {命名元素: {指标: 数值}}")
    out: dict[str, dict[str, str]] = {}
    for element, values in raw.items():
        if not isinstance(values, Mapping) or len(values) > 20:
            raise DomainError("invalid_data", f"命名元素“{element}”的附加指标应为 {{指标: 数值}}")
        out[str(element)] = {str(k): str(v if v is not None else "") for k, v in values.items()}
        for k, v in out[str(element)].items():
            check_name(k, "附加指标")
            check_name(v, "附加指标数值")
    return out


def parse_start(d: Mapping[str, Any], cluster: Mapping[str, Any] | None = None) -> StartSpec:
    if not isinstance(d, Mapping):
        raise DomainError("invalid_start", "start 应为 {stage, on} 对象")
    stage = str(d.get("stage", ""))
    on = parse_date(d.get("on"), "start.on")
    application = d.get("application")
    if application is None and cluster is not None and cluster.get("route") is not None:
        application = {k: cluster.get(k) for k in ("route", "bodies", "industry_history_years", "attachments") if k in cluster}
    planned = d.get("planned_years")
    if planned is not None and (isinstance(planned, bool) or not isinstance(planned, int)):
        raise DomainError("cultivation_years_out_of_range", f"planned_years 应为整数，收到“{planned}”")
    if stage == Stage.APPLIED and not application:
        raise DomainError(
            "invalid_start", "从“申请”阶段开始须附申请信息 application: {route, bodies, industry_history_years}"
        )
    evaluation = d.get("evaluation")
    if evaluation is not None and not isinstance(evaluation, Mapping):
        raise DomainError("invalid_data", "evaluation 应为上次考评数据对象 {indicators, national_rank, evaluated_on}")
    return StartSpec(stage=stage, on=on, planned_years=planned, application=dict(application) if application else None,
                     title=str(d.get("title", "") or ""), document_number=str(d.get("document_number", "") or ""),
                     evaluation=_plain_evaluation(evaluation) if evaluation is not None else None)


def _plain_evaluation(evaluation: Mapping[str, Any]) -> dict[str, Any]:
    """JSON-ready (a YAML file's date becomes its ISO text), so the workflow input carries it."""
    out = dict(evaluation)
    if isinstance(out.get("evaluated_on"), date):
        out["evaluated_on"] = out["evaluated_on"].isoformat()
    if isinstance(out.get("indicators"), Mapping):
        out["indicators"] = dict(out["indicators"])
    return out
