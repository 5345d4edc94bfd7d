"""附件四 轻工业特色区域和产业集群专家考评报告 as a complete form (RULES.md "Who may do what":
record site-visit report; "Application tables").

一、考评基本情况: the visit's dates and place, what was done on site, and the panel with its
组长 and 副组长 (from the panel the leader approved). 二、考评意见: at least 4 opinions, each a
heading with its paragraph (每条意见均要求有一段详细阐述); for a new cluster the main product's
figures with their national rank; for a re-evaluation each indicator compared with the
previous evaluation as a % change, computed here from the re-evaluation's 附件三 表二 over the
figures recorded at that evaluation, and the annual reports filed and missing since it
(§四(一) 此项工作列入复评要求). 三、考评结论和建议: the conclusion and at least 4
recommendations. 附: the panel's signatures (names and date) and the score sheet (附件一).

The older checks (counts, score sheet, rank or comparison) stay ``domain.cnlic.rules.check_site_report``;
this module adds the sections and feeds it the figures. Data recorded before these sections
existed (``findings`` as plain lines, no basics) is still accepted: the service's schema
requires the sections of a new report, the domain never refuses an old history's data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping, Sequence

from domain.cnlic.annex3 import EVALUATION_YEAR, previous_and_current
from domain.calendar import parse_date
from domain.errors import DomainError
from domain.limits import LIMITS, check_name
from domain.cnlic.policy import Policy
from domain.cnlic.rules import SiteReport, check_site_report

SECTIONS = ("basics", "leader", "deputies", "opinions", "conclusion", "signed_by", "signed_on")
ROLE_LABELS = {"leader": "组长", "deputy": "副组长", "member": "成员"}


@dataclass(frozen=True)
class AnnualRecord:
    """The annual reports owed since the last evaluation's title (§四(一)): filed and missing."""

    filed: tuple[int, ...] = ()
    late: tuple[int, ...] = ()
    missing: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, list[int]]:
        return {"filed": list(self.filed), "late": list(self.late), "missing": list(self.missing)}


def annual_reports_since(policy: Policy, conferred_on: date | None, reports: Mapping[str, Mapping[str, Any]],
                         today: date) -> AnnualRecord:
    """Every report due by today for the years since the title was conferred (the year of
    conferral first, due 30 April of the next year): which were filed (late ones marked) and
    which are missing. A small function so the annual-report module's own can replace it."""
    if conferred_on is None:
        return AnnualRecord()
    due_passed = date(today.year, policy.annual_report_due_month, policy.annual_report_due_day) < today
    last_due = today.year - 1 if due_passed else today.year - 2
    owed = range(conferred_on.year, last_due + 1)
    filed = tuple(sorted(int(y) for y in reports if str(y).isdigit() and int(y) >= conferred_on.year))
    late = tuple(y for y in filed if (reports.get(str(y)) or {}).get("late"))
    missing = tuple(y for y in owed if y not in filed)
    return AnnualRecord(filed, late, missing)


def annual_reports_of(policy: Policy, state: Any, today: date) -> AnnualRecord:
    """The annual-report module's record of the reports filed and missing since the title
    (``domain.cnlic.annual_report.reports_for_reevaluation``, from the state's clocks), summarised;
    the arithmetic above where that module is absent."""
    try:
        from domain.cnlic.annual_report import reports_for_reevaluation
    except ImportError:  # pragma: no cover - before the annual-report module
        return annual_reports_since(policy, state.conferred_on, state.annual_reports, today)
    rec = reports_for_reevaluation(state, today)
    return AnnualRecord(tuple(e.year for e in rec.filed), tuple(e.year for e in rec.filed if e.late),
                        tuple(e.year for e in rec.missing))


@dataclass(frozen=True)
class FullReport:
    report: SiteReport  # the older checks' result: counts, score, comparisons, rank
    sections: dict[str, Any] = field(default_factory=dict)  # 附件四's other sections, JSON-ready (journal)
    figures_year: int | None = None  # the 表二 year of the figures this evaluation records


def _text(value: Any, what: str, limit: int = LIMITS.text_chars) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DomainError("report_section_missing", f"考评报告须写明{what}（附件四）")
    if len(value) > limit:
        raise DomainError("text_too_long", f"{what}超过 {limit} 字")
    return value.strip()


def _opinions(raw: Any) -> list[dict[str, str]]:
    if not isinstance(raw, list):
        raise DomainError("invalid_data", "考评意见（opinions）应为逐条的列表")
    out = []
    for i, item in enumerate(raw, 1):
        if isinstance(item, Mapping):
            title = str(item.get("title") or "").strip()
            text = str(item.get("text") or "").strip()
        else:
            title, text = "", str(item or "").strip()
        if not title and not text:
            continue
        if not text:
            raise DomainError("report_opinion_without_text",
                              f"第 {i} 条考评意见“{title}”缺少详细阐述（附件四 二：每条意见均要求有一段详细阐述）")
        if title:
            check_name(title, f"第 {i} 条考评意见的标题")
        out.append({"title": title, "text": _text(text, f"第 {i} 条考评意见")})
    return out


def _names(raw: Any, what: str) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        raise DomainError("invalid_data", f"{what}应为姓名列表")
    return [str(n).strip() for n in raw if str(n or "").strip()]


def check_report(policy: Policy, data: Mapping[str, Any], *, tier: str, new_cluster: bool,
                 evaluation_indicators: Mapping[str, Any] | None, panel: Sequence[Mapping[str, Any]],
                 visit_on: date | None, kept_annex3: Mapping[str, Any] | None, annual: AnnualRecord | None,
                 today: date, clarified: bool = True) -> FullReport:
    """Check a site report and return it with its sections. ``kept_annex3`` is what the
    lifecycle kept of this procedure's 附件三 (``Annex3.kept``); ``annual`` the annual reports
    since the last evaluation (re-evaluations only)."""
    adapted = dict(data)
    sections: dict[str, Any] = {}
    opinions = _opinions(data["opinions"]) if data.get("opinions") is not None else None
    if opinions is not None:
        if data.get("findings"):
            raise DomainError("invalid_data", "考评意见请只填写 opinions（每条含标题与阐述），不要同时填写 findings")
        adapted["findings"] = [f"{o['title']}：{o['text']}" if o["title"] else o["text"] for o in opinions]
        sections["opinions"] = opinions

    # the figures the tables give: the latest year's for the report, the previous evaluation's to compare with
    figures_year = None
    previous = {k: v for k, v in (evaluation_indicators or {}).items() if k != EVALUATION_YEAR}
    if kept_annex3 and clarified:
        prev, current, prev_year, figures_year = previous_and_current(kept_annex3, evaluation_indicators)
        indicators = {k: (dict(v) if isinstance(v, Mapping) else {"value": v})
                      for k, v in (data.get("indicators") or {}).items() if v is not None} \
            if isinstance(data.get("indicators") or {}, Mapping) else data.get("indicators")
        if isinstance(indicators, dict):
            for key, value in current.items():  # a figure the expert did not restate is the table's
                entry = indicators.setdefault(key, {})
                if entry.get("value") is None:
                    entry["value"] = value
            adapted["indicators"] = indicators
        if not new_cluster:
            previous = prev
            sections["compared_years"] = {"previous": prev_year, "current": figures_year}

    report = check_site_report(policy, adapted, tier=tier, new_cluster=new_cluster, previous_indicators=previous)

    # 一、考评基本情况
    if data.get("basics") is not None:
        b = data["basics"]
        if not isinstance(b, Mapping):
            raise DomainError("invalid_data", "考评基本情况（basics）应为对象")
        start = parse_date(b.get("visited_on"), "考评时间（visited_on）")
        end = parse_date(b["visited_until"], "考评结束日期（visited_until）") if b.get("visited_until") else start
        if end < start:
            raise DomainError("invalid_date", f"考评结束日期 {end} 早于开始日期 {start}")
        if start > today:
            raise DomainError("invalid_date", f"考评时间 {start} 晚于今天 {today}：报告记录已进行的考评")
        if visit_on is not None and start < visit_on:
            raise DomainError("invalid_date", f"考评时间 {start} 早于批准的考评日期 {visit_on}")
        basics = {"visited_on": start.isoformat(), "visited_until": end.isoformat(),
                  "place": _text(b.get("place"), "考评地点", LIMITS.name_chars)}
        if b.get("activities"):
            basics["activities"] = _text(b.get("activities"), "现场考评和考评会议情况")
        sections["basics"] = basics

    # the panel with its 组长 and 副组长, from the approved panel
    members = [str(m.get("name")) for m in panel]
    approved_leads = [str(m.get("name")) for m in panel if m.get("lead")]
    leader = str(data.get("leader") or "").strip()
    deputies = _names(data.get("deputies"), "副组长（deputies）")
    if leader or deputies:
        for name in [leader, *deputies]:
            if name and name not in members:
                raise DomainError("report_panel_unknown",
                                  f"“{name}”不在批准的专家组名单中（{'、'.join(members)}）")
        if not leader:
            raise DomainError("report_section_missing", "考评报告须写明专家组组长（附件四 附1）")
        if approved_leads and leader not in approved_leads:
            raise DomainError("report_panel_unknown", f"批准的专家组组长为 {approved_leads[0]}，不是“{leader}”")
        if leader in deputies or len(set(deputies)) != len(deputies):
            raise DomainError("invalid_data", "组长与副组长应为不同的专家，副组长不重复")
        sections["panel"] = [{"name": m, "role": "leader" if m == leader else "deputy" if m in deputies else "member"}
                             for m in members]

    if data.get("conclusion") is not None:
        sections["conclusion"] = _text(data.get("conclusion"), "考评结论")

    # 附1 签字表: names and date
    signed = _names(data.get("signed_by"), "签字专家（signed_by）")
    if signed or data.get("signed_on"):
        outside = [n for n in signed if n not in members]
        if outside:
            raise DomainError("report_panel_unknown", f"签字的“{'、'.join(outside)}”不是本次考评专家组成员")
        if len(set(signed)) != len(signed):
            raise DomainError("invalid_data", "签字专家重复")
        if not signed:
            raise DomainError("report_section_missing", "考评报告须附专家组成员签字（附件四 附1）")
        if leader and leader not in signed:
            raise DomainError("report_unsigned_by_leader", f"专家组组长 {leader} 须在报告上签字（附件四 附1）")
        if not data.get("signed_on"):
            raise DomainError("report_section_missing", "专家组签字表须写明签字日期（附件四 附1）")
        signed_on = parse_date(data.get("signed_on"), "签字日期（signed_on）")
        if signed_on > today:
            raise DomainError("invalid_date", f"签字日期 {signed_on} 晚于今天 {today}")
        start = sections.get("basics", {}).get("visited_on")
        if start and signed_on < date.fromisoformat(start):
            raise DomainError("invalid_date", f"签字日期 {signed_on} 早于考评时间 {start}")
        sections["signatures"] = {"names": signed, "date": signed_on.isoformat()}

    if not new_cluster and annual is not None and clarified:
        sections["annual_reports"] = annual.as_dict()
    if figures_year is not None:
        sections["figures_year"] = figures_year
    return FullReport(report, sections, figures_year)
