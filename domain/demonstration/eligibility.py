"""Eligibility of a candidate, computed from program 1's records (RULES.md program 2
"Conditions", seeds/000 二、申报条件), and the cap of the round (一、评选范围).

Program 1's store fills two small facts and nothing else crosses over: ``TitleFact`` (one
co-built cluster's title on the opening date, for the cap) and ``JournalFact`` (one row of a
cluster's program-1 journal, as ``store.cnlic.lifecycle.journal`` returns it). Each condition
comes back met / not met / attested with its evidence (the journal row's seq and date, or
"no record"), so the console can show why.

Interpretations fixed here (RULES.md "Counting"):
- the 5-year window is the five years ending on the opening date: opened 2027-06-01, it covers
  2022-06-02 through 2027-06-01 (a period of 5 years whose last day is the opening date);
- re-evaluation timeliness reads the whole record (the seed sets no window);
- an annual report is owed once its due date has passed before the opening date; a late one
  counts as filed (its evidence says late);
- where program 1 has no record (an onboarded title without a site report), a written
  attestation stands in; a record that shows a failure is never overridden, except the rank,
  for which the seed itself allows a "strong influence" exception (二、3 同时兼顾).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, Iterable, Mapping, Sequence

from domain.calendar import add_years, parse_date
from domain.demonstration.policy import DemonstrationPolicy
from domain.errors import DomainError

# program 1 records violations (and honours) on a cluster's journal: the one narrow piece of
# program 1 this program reads besides the journal rows themselves
from domain.cnlic.violations import VIOLATION_KIND, Violation, check_violation  # noqa: F401

NO_RECORD = "无记录"


# ------------------------------------------------------------------ facts from program 1


@dataclass(frozen=True)
class TitleFact:
    """One co-built cluster's title as program 1 holds it on a date (for the cap)."""

    cluster_key: str
    industry: str
    status: str  # program 1's TitleStatus value: none / valid / extended / expired / rectifying / revoked
    valid_until: date | None = None

    def valid_on(self, day: date, policy: DemonstrationPolicy) -> bool:
        """Valid or extended on ``day``: an extended title stays valid until its decision,
        whatever its old validity said (RULES.md program 1 "Re-evaluation outcome")."""
        if self.status not in policy.valid_statuses:
            return False
        return self.status == "extended" or self.valid_until is None or self.valid_until >= day


@dataclass(frozen=True)
class JournalFact:
    """One program-1 journal row: what ``store.cnlic.lifecycle.journal`` carries, minus the
    store's own columns (ids, hashes, workflow ids)."""

    seq: int
    on: date
    kind: str
    data: Mapping[str, Any] = field(default_factory=dict)
    actor_role: str = ""
    actor_name: str = ""

    @property
    def action(self) -> str:
        """The staff action of an ``action`` row (``record_site_report``, ``revoke`` …), else ""."""
        return str(self.data.get("action") or "") if self.kind == "action" else ""

    @classmethod
    def of(cls, row: Any) -> "JournalFact":
        """From a journal row or a program-1 ``Event`` (duck-typed: the domain imports no store)."""
        actor = getattr(row, "actor", None)
        return cls(
            seq=int(row.seq), on=parse_date(row.on, "日志日期"), kind=str(row.kind), data=dict(row.data or {}),
            actor_role=str(getattr(row, "actor_role", "") or getattr(actor, "role", "") or ""),
            actor_name=str(getattr(row, "actor_name", "") or getattr(actor, "name", "") or ""),
        )


# ------------------------------------------------------------------ the cap


def count_valid(titles: Iterable[TitleFact], day: date, policy: DemonstrationPolicy) -> int:
    return sum(1 for t in titles if t.valid_on(day, policy))


def cap_of(titles: Iterable[TitleFact], day: date, policy: DemonstrationPolicy) -> tuple[int, int]:
    """(valid titles on ``day``, the cap): ≤ 20% of them, rounded down (一、评选范围)."""
    valid = count_valid(titles, day, policy)
    return valid, policy.cap(valid)


# ------------------------------------------------------------------ conditions


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    ATTESTED = "attested"

    @property
    def label(self) -> str:
        return {"met": "符合", "not_met": "不符合", "attested": "书面说明"}[self.value]


# key → (label, clause, computed from the record, blocks first review)
CONDITIONS: dict[str, tuple[str, str, bool, bool]] = {
    "title_valid": ("共建称号有效", "一、评选范围", True, True),
    "no_violation": ("近五年无违规、取消称号或复评未通过", "二、1", True, True),
    "outstanding_results": ("创新引领、转型升级业绩突出", "二、2", False, False),
    "national_rank": ("主导产品居全国同行业前5名", "二、3", True, True),
    "reevaluation_on_time": ("按时开展复评", "二、4", True, True),
    "annual_reports_filed": ("积极提供发展报告（到期的年度报表均已报送）", "二、4", True, True),
    "platform": ("参与中国轻工业产业集群公共服务平台（同等条件下优先）", "二、5", False, False),
}


@dataclass(frozen=True)
class Evidence:
    text: str
    seq: int | None = None
    on: date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "seq": self.seq, "on": self.on.isoformat() if self.on else None}


@dataclass(frozen=True)
class Attestation:
    """A written statement standing in for a missing record (or the rank exception)."""

    condition: str
    reason: str
    by: str = ""


@dataclass(frozen=True)
class Condition:
    key: str
    status: Status
    evidence: tuple[Evidence, ...]

    @property
    def label(self) -> str:
        return CONDITIONS[self.key][0]

    @property
    def clause(self) -> str:
        return CONDITIONS[self.key][1]

    @property
    def blocking(self) -> bool:
        return CONDITIONS[self.key][3]

    @property
    def fails(self) -> bool:
        return self.blocking and self.status is Status.NOT_MET

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "clause": self.clause, "status": self.status.value,
                "status_label": self.status.label, "blocking": self.blocking,
                "evidence": [e.as_dict() for e in self.evidence]}


@dataclass(frozen=True)
class Eligibility:
    cluster_key: str
    on: date
    conditions: tuple[Condition, ...]

    def condition(self, key: str) -> Condition:
        return next(c for c in self.conditions if c.key == key)

    @property
    def failed(self) -> tuple[Condition, ...]:
        return tuple(c for c in self.conditions if c.fails)

    @property
    def eligible(self) -> bool:
        return not self.failed

    @property
    def platform(self) -> bool:
        return self.condition("platform").status is not Status.NOT_MET

    def refusal(self) -> DomainError | None:
        """The first review's refusal for a candidate failing a computed condition."""
        if self.eligible:
            return None
        named = "；".join(f"{c.label}（{c.clause}）" for c in self.failed)
        return DomainError("candidate_ineligible", f"{self.cluster_key} 不符合申报条件：{named}，初审不能通过",
                           conditions=[c.key for c in self.failed])

    def as_dict(self) -> dict[str, Any]:
        return {"cluster_key": self.cluster_key, "on": self.on.isoformat(), "eligible": self.eligible,
                "conditions": [c.as_dict() for c in self.conditions]}


def window_start(day: date, years: int) -> date:
    """First day of the ``years``-year period that ends on ``day`` (RULES.md "Counting": a
    period starting on S ends on the anniversary minus one day)."""
    return add_years(day + timedelta(days=1), -years)


def _date_in(data: Mapping[str, Any], key: str, fallback: date) -> date:
    try:
        return parse_date(data.get(key)) if data.get(key) else fallback
    except DomainError:
        return fallback


def evaluate(
    cluster_key: str,
    events: Sequence[JournalFact],
    on: date,
    policy: DemonstrationPolicy,
    *,
    attestations: Iterable[Attestation] = (),
    platform: bool = False,
    results_text: str = "",
) -> Eligibility:
    """Every condition of 二、申报条件 for one cluster, as of ``on`` (the round's opening date):
    rows dated after it are not read. ``platform`` and ``results_text`` come from the
    recommendation (the seed gives no program-1 record for them)."""
    rows = sorted((e for e in events if e.on <= on), key=lambda e: (e.seq, e.on))
    attested = {a.condition: a for a in attestations if a.reason.strip()}
    conditions = (
        _title_valid(rows, on, policy),
        _no_violation(rows, on, policy),
        _outstanding_results(results_text),
        _national_rank(rows, policy, attested.get("national_rank")),
        _reevaluation_on_time(rows),
        _annual_reports(rows, on),
        _platform(platform),
    )
    return Eligibility(cluster_key, on, conditions)


# program 1's title statuses as its pages name them
_TITLE_LABELS = {"none": "未授名", "valid": "有效", "extended": "有效（复评中延续）", "expired": "已到期",
                 "rectifying": "整改中", "revoked": "已取消"}


def _title_valid(rows: Sequence[JournalFact], on: date, policy: DemonstrationPolicy) -> Condition:
    last = next((e for e in reversed(rows) if e.kind == "title"), None)
    if last is None:
        return Condition("title_valid", Status.NOT_MET, (Evidence(f"共建称号{NO_RECORD}"),))
    until = last.data.get("valid_until")
    fact = TitleFact("", "", str(last.data.get("status") or ""), parse_date(until) if until else None)
    text = f"称号{_TITLE_LABELS.get(fact.status, fact.status)}" + (f"，有效期至 {until}" if until else "")
    status = Status.MET if fact.valid_on(on, policy) else Status.NOT_MET
    return Condition("title_valid", status, (Evidence(text, last.seq, last.on),))


def _no_violation(rows: Sequence[JournalFact], on: date, policy: DemonstrationPolicy) -> Condition:
    start = window_start(on, policy.violation_window_years)
    found: list[Evidence] = []
    for e in rows:
        if e.kind == VIOLATION_KIND:
            when = _date_in(e.data, "date", e.on)
            text = f"违规：{e.data.get('reason', '')}（来源：{e.data.get('source', '')}，发生于 {when}）"
        elif e.kind == "title" and e.data.get("status") == "revoked":
            when, text = e.on, "称号被取消"
        elif e.kind == "decision" and e.data.get("decision") == "refuse" and \
                e.data.get("procedure") in ("reevaluation", "rectification_review"):
            when = _date_in(e.data, "held_on", e.on)
            text = "复评未通过" if e.data.get("procedure") == "reevaluation" else "整改复查未通过"
        else:
            continue
        if start <= when <= on:
            found.append(Evidence(text, e.seq, when))
    if found:
        return Condition("no_violation", Status.NOT_MET, tuple(found))
    return Condition("no_violation", Status.MET, (Evidence(f"{start} 至 {on} 违规、取消称号、复评未通过均{NO_RECORD}"),))


def _outstanding_results(text: str) -> Condition:
    if text.strip():
        return Condition("outstanding_results", Status.ATTESTED, (Evidence("推荐表“主要业绩及经验”，由初审和审核委员会评判"),))
    return Condition("outstanding_results", Status.NOT_MET, (Evidence(f"主要业绩及经验{NO_RECORD}"),))


def _best_rank(report: Mapping[str, Any], policy: DemonstrationPolicy) -> tuple[int | None, str]:
    indicators = report.get("indicators") or {}
    ranked: list[tuple[int, str]] = []
    for key in policy.rank_indicators:
        entry = indicators.get(key)
        rank = entry.get("rank") if isinstance(entry, Mapping) else None
        if isinstance(rank, int) and not isinstance(rank, bool):
            ranked.append((rank, key))
    if ranked:
        return min(ranked)
    best = report.get("best_rank")
    return (best, "") if isinstance(best, int) and not isinstance(best, bool) else (None, "")


def _onboarded_evaluation(e: JournalFact) -> Mapping[str, Any]:
    if e.kind != "registered":
        return {}
    evaluation = (e.data.get("start") or {}).get("evaluation")
    return evaluation if isinstance(evaluation, Mapping) else {}


def _national_rank(rows: Sequence[JournalFact], policy: DemonstrationPolicy, exception: Attestation | None) -> Condition:
    last = next((e for e in reversed(rows) if e.action == "record_site_report" or _onboarded_evaluation(e)), None)
    evidence: list[Evidence] = []
    rank: int | None = None
    if last is None:
        evidence.append(Evidence(f"考评报告{NO_RECORD}"))
    elif last.kind == "registered":  # an onboarded title brings its last evaluation's rank
        found = _onboarded_evaluation(last).get("national_rank")
        rank = found if isinstance(found, int) and not isinstance(found, bool) else None
        text = f"导入称号时登记的上次考评：全国第 {rank} 名" if rank is not None else "导入称号时登记的上次考评未记录全国排名"
        evidence.append(Evidence(text, last.seq, last.on))
    else:
        rank, key = _best_rank(last.data.get("report") or {}, policy)
        if rank is None:
            evidence.append(Evidence("最近一次考评报告未记录全国排名", last.seq, last.on))
        else:
            evidence.append(Evidence(f"最近一次考评：全国第 {rank} 名" + (f"（{key}）" if key else ""), last.seq, last.on))
    if rank is not None and rank <= policy.max_national_rank:
        return Condition("national_rank", Status.MET, tuple(evidence))
    if exception is not None:
        by = f"（{exception.by}）" if exception.by else ""
        evidence.append(Evidence(f"书面说明：特色产业影响力强、示范作用大——{exception.reason}{by}"))
        return Condition("national_rank", Status.ATTESTED, tuple(evidence))
    return Condition("national_rank", Status.NOT_MET, tuple(evidence))


def _reevaluation_on_time(rows: Sequence[JournalFact]) -> Condition:
    late: list[Evidence] = []
    on_time: list[Evidence] = []
    for e in rows:
        what = e.data.get("what")
        if e.kind == "overdue" and what == "reevaluation_application":
            late.append(Evidence(f"复评申请逾期（应于 {e.data.get('due')} 前提出）", e.seq, e.on))
        elif e.kind == "deadline_cleared" and what == "reevaluation_application":
            reason = str(e.data.get("reason") or "")
            if e.data.get("late") or "late" in reason:
                late.append(Evidence("复评申请逾期提出", e.seq, e.on))
            elif reason == "re-evaluation filed":
                on_time.append(Evidence("复评申请按时提出", e.seq, e.on))
        elif e.kind == "title" and e.data.get("status") == "expired":
            late.append(Evidence(f"称号到期未复评（有效期至 {e.data.get('valid_until')}）", e.seq, e.on))
    if late:
        return Condition("reevaluation_on_time", Status.NOT_MET, tuple(late))
    return Condition("reevaluation_on_time", Status.MET,
                     tuple(on_time) or (Evidence(f"逾期复评、到期未复评均{NO_RECORD}"),))


def _annual_reports(rows: Sequence[JournalFact], on: date) -> Condition:
    due: dict[int, tuple[date, JournalFact]] = {}
    filed: dict[int, tuple[JournalFact, bool]] = {}
    for e in rows:
        key = str(e.data.get("key") or "")
        suffix = key.split(":", 1)[1] if ":" in key else ""
        if not suffix.isdigit():
            suffix = ""
        if e.kind in ("deadline", "deadline_moved") and e.data.get("what") == "annual_report" and suffix:
            year = int(suffix)
            when = e.data.get("due") if e.kind == "deadline" else e.data.get("new_due")
            if when:
                due[year] = (parse_date(when), e)
        elif e.kind == "deadline_cleared" and e.data.get("what") == "annual_report" and suffix:
            reason = str(e.data.get("reason") or "")
            if reason.startswith("report filed"):
                filed[int(suffix)] = (e, "late" in reason)
        elif e.action == "submit_annual_report":
            year = (e.data.get("report") or {}).get("year")
            if isinstance(year, int) and year not in filed:
                filed[year] = (e, False)
    owed = sorted(y for y, (d, _) in due.items() if d < on)
    missing = [y for y in owed if y not in filed]
    evidence: list[Evidence] = []
    for y in missing:
        d, ev = due[y]
        evidence.append(Evidence(f"{y} 年度报表未报送（应于 {d} 前报送）", ev.seq, ev.on))
    if missing:
        return Condition("annual_reports_filed", Status.NOT_MET, tuple(evidence))
    for y in owed:
        ev, was_late = filed[y]
        evidence.append(Evidence(f"{y} 年度报表已报送" + ("（逾期）" if was_late else ""), ev.seq, ev.on))
    return Condition("annual_reports_filed", Status.MET, tuple(evidence) or (Evidence(f"尚无到期的年度报表（{NO_RECORD}）"),))


def _platform(flag: bool) -> Condition:
    if flag:
        return Condition("platform", Status.ATTESTED, (Evidence("推荐表注明已参与公共服务平台"),))
    return Condition("platform", Status.NOT_MET, (Evidence(f"参与公共服务平台{NO_RECORD}（不影响资格，仅同等条件下排序）"),))
