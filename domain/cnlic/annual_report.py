"""附件五 特色区域和产业集群发展情况年度报表 (§四(一)): the header, the 20 rows, the 或 choice
and the 龙头企业 table; 同比 against the report for the previous calendar year; the reports
filed and missing since the title was conferred, which the re-evaluation lists (§四(一)
此项工作列入复评要求). Pure: no clock, callers pass ``today`` and the figures they keep.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Mapping

from domain.errors import DomainError
from domain.limits import LIMITS, check_name

FIGURE_MAX = 1e12
# figures of this many recent years stay in a lifecycle's state (同比 needs the previous
# year; a late report needs its neighbours for the cumulative rows); the texts are in the journal
FIGURES_KEPT_YEARS = 5
GREEN_SINCE = 2016  # 注3：绿色制造体系推广以来
LEADING_FIRMS_MAX = 8


@dataclass(frozen=True)
class IndicatorSpec:
    key: str
    label: str
    unit: str
    kind: str  # amount (≥0) | signed | count | percent | text
    row: int = 0  # the annex's row (1–20)
    part: str = ""  # 国家级 / 省级 where the annex's row holds two figures
    cumulative: bool = False  # 注3: counted since 2016, never falls
    of: str = ""  # 其中: a part of this indicator

    @property
    def numeric(self) -> bool:
        return self.kind != "text"


ANNUAL_INDICATORS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec("revenue", "营业收入", "万元", "amount", 1),
    IndicatorSpec("profit", "利润总额（亏损以“-”号填列）", "万元", "signed", 2),
    IndicatorSpec("exports", "出口额", "万美元", "amount", 3),
    IndicatorSpec("firms", "企业数量", "个", "count", 4),
    IndicatorSpec("above_scale_firms", "其中：规上企业数量", "个", "count", 5, of="firms"),
    IndicatorSpec("leading_firms", "龙头企业数量（主营收入≥1亿元）", "个", "count", 6, of="firms"),
    IndicatorSpec("union_share", "设立工会组织的企业占比", "%", "percent", 7),
    IndicatorSpec("employees", "从业人员", "人", "count", 8),
    IndicatorSpec("skilled_share", "其中：技术工人占比", "%", "percent", 9),
    IndicatorSpec("market_share", "市场占有率（或行业占比）", "%", "percent", 10),
    IndicatorSpec("listed_firms", "上市公司及挂牌企业数量", "个", "count", 11),
    IndicatorSpec("rnd_investment", "科研投入（含企业投入和政府投入）", "万元", "amount", 12),
    IndicatorSpec("key_labs_national", "重点实验室及工程技术研究中心（国家级）", "个", "count", 13, "国家级"),
    IndicatorSpec("key_labs_provincial", "重点实验室及工程技术研究中心（省级）", "个", "count", 13, "省级"),
    IndicatorSpec("invention_patents", "有效期内发明专利数量（集群内企业）", "个", "count", 14),
    IndicatorSpec("awards_national", "近三年科技奖项数量（集群内企业，国家级）", "个", "count", 15, "国家级"),
    IndicatorSpec("awards_provincial", "近三年科技奖项数量（集群内企业，省级）", "个", "count", 15, "省级"),
    IndicatorSpec("green_products", "绿色设计产品（2016 年以来累计）", "个", "count", 16, cumulative=True),
    IndicatorSpec("green_factories", "绿色工厂（2016 年以来累计）", "个", "count", 17, cumulative=True),
    IndicatorSpec("platform_1", "公共服务平台 1", "名称", "text", 18),
    IndicatorSpec("platform_2", "公共服务平台 2", "名称", "text", 19),
    IndicatorSpec("honours", "其他荣誉", "", "text", 20),
)
ANNUAL_BY_KEY = {s.key: s for s in ANNUAL_INDICATORS}


@dataclass(frozen=True)
class AnnexRow:
    """One row of the annex as printed: its number, name, unit and the figures it holds."""

    no: int
    label: str
    unit: str
    keys: tuple[str, ...]


ANNEX_ROWS: tuple[AnnexRow, ...] = (
    AnnexRow(1, "营业收入", "万元", ("revenue",)),
    AnnexRow(2, "利润总额(亏损以“-”号填列)", "万元", ("profit",)),
    AnnexRow(3, "出口额", "万美元", ("exports",)),
    AnnexRow(4, "企业数量", "个", ("firms",)),
    AnnexRow(5, "其中：规上企业数量", "个", ("above_scale_firms",)),
    AnnexRow(6, "龙头企业数量(主营收入≥1亿元)", "个", ("leading_firms",)),
    AnnexRow(7, "设立工会组织的企业占比", "%", ("union_share",)),
    AnnexRow(8, "从业人员", "人", ("employees",)),
    AnnexRow(9, "其中：技术工人占比", "%", ("skilled_share",)),
    AnnexRow(10, "市场占有率(或行业占比)", "%", ("market_share",)),
    AnnexRow(11, "上市公司及挂牌企业数量", "个", ("listed_firms",)),
    AnnexRow(12, "科研投入(含企业投入和政府投入)", "万元", ("rnd_investment",)),
    AnnexRow(13, "重点实验室及工程技术研究中心", "个", ("key_labs_national", "key_labs_provincial")),
    AnnexRow(14, "有效期内发明专利数量(集群内企业)", "个", ("invention_patents",)),
    AnnexRow(15, "近三年科技奖项数量(集群内企业)", "个", ("awards_national", "awards_provincial")),
    AnnexRow(16, "绿色设计产品", "个", ("green_products",)),
    AnnexRow(17, "绿色工厂", "个", ("green_factories",)),
    AnnexRow(18, "公共服务平台 1", "名称", ("platform_1",)),
    AnnexRow(19, "公共服务平台 2", "名称", ("platform_2",)),
    AnnexRow(20, "其他荣誉", "", ("honours",)),
)

# 注1: a 或 row records which alternative was ticked
MARKET_SHARE_BASIS = {"market": "市场占有率", "industry": "行业占比"}
CHOICE_KEY = "market_share_basis"

HEADER_FIELDS: tuple[tuple[str, str], ...] = (
    ("location", "产业集群所在地"),
    ("cluster_name", "产业集群名称"),
    ("filer", "填表单位"),
    ("contact", "联系人"),
    ("phone", "电话"),
)

# 附件五-附表 产业集群内龙头企业基本情况: 序号 + these 12 columns
FIRM_COLUMNS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec("name", "企业名称", "", "text"),
    IndicatorSpec("product", "主导产品", "", "text"),
    IndicatorSpec("revenue", "营业收入", "万元", "amount"),
    IndicatorSpec("profit", "利润总额", "万元", "signed"),
    IndicatorSpec("tax", "税收", "万元", "amount"),
    IndicatorSpec("exports", "出口额", "万美元", "amount"),
    IndicatorSpec("rnd", "科研投入", "万元", "amount"),
    IndicatorSpec("patents", "有效期内专利数", "件", "count"),
    IndicatorSpec("staff", "职工人数", "人", "count"),
    IndicatorSpec("contact", "联系人", "", "text"),
    IndicatorSpec("mobile", "手机号", "", "text"),
    IndicatorSpec("email", "邮箱地址", "", "text"),
)


@dataclass(frozen=True)
class AnnualReport:
    year: int
    indicators: Mapping[str, Any]
    growth: Mapping[str, float | None]  # 同比: % (or percentage points for % rows); None where no base
    header: Mapping[str, str] = field(default_factory=dict)
    leading_firms: tuple[Mapping[str, Any], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"year": self.year, "header": dict(self.header), "indicators": dict(self.indicators),
                "leading_firms": [dict(f) for f in self.leading_firms], "growth": dict(self.growth)}

    def figures(self) -> dict[str, Any]:
        return figures_of(self.indicators)


# ------------------------------------------------------------------ checking a report


def _number(value: Any, spec: IndicatorSpec, where: str) -> float | int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise DomainError("indicator_invalid", f"{where}应为数字，收到“{value}”")
    if spec.kind == "count":
        if isinstance(value, float) and not value.is_integer():
            raise DomainError("indicator_invalid", f"{where}应为整数，收到 {value:g}")
        value = int(value)
    if spec.kind in ("amount", "count") and value < 0:
        raise DomainError("indicator_invalid", f"{where}不能为负数：{value:g}")
    if spec.kind == "percent" and not 0 <= value <= 100:
        raise DomainError("indicator_invalid", f"{where}应在 0–100% 之间：{value:g}")
    if abs(value) > FIGURE_MAX:
        raise DomainError("indicator_invalid", f"{where}超出范围：{value:g}")
    return value if spec.kind == "count" else float(value)


def _text(value: Any, where: str, code: str = "indicator_missing") -> str:
    if isinstance(value, list):  # a list of names (one per line) is one cell of the annex
        value = "；".join(str(v).strip() for v in value if str(v).strip())
    text = str(value).strip() if value is not None else ""
    if not text:
        raise DomainError(code, f"年度报表缺少{where}（附件五：除同比外均须填写）")
    if len(text) > LIMITS.text_chars:
        raise DomainError("text_too_long", f"{where}超过 {LIMITS.text_chars} 字")
    return text


def check_annual_report(
    policy: Any, data: Mapping[str, Any], previous: Mapping[str, Any] | None = None,
    following: Mapping[str, Any] | None = None,
) -> AnnualReport:
    """A complete 附件五: every row, the header and the 龙头企业 table (only 同比 may be
    blank). ``previous`` and ``following`` are the kept figures of the neighbouring years
    (None when no report for that year is on file): 同比 against ``previous``, and the
    cumulative rows (注3) never below ``previous`` nor above ``following``."""
    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not GREEN_SINCE <= year <= 2200:
        raise DomainError("annual_report_year_invalid", f"报告年度应为 {GREEN_SINCE}–2200 的年份，收到“{year}”")
    header_raw = data.get("header")
    if not isinstance(header_raw, Mapping):
        raise DomainError("annual_header_missing", "年度报表须填写表头：产业集群所在地、名称、填表单位、联系人及电话（附件五）")
    header: dict[str, str] = {}
    for key, label in HEADER_FIELDS:
        header[key] = _text(header_raw.get(key), f"表头的“{label}”", "annual_header_missing")
        check_name(header[key], label)
    raw = data.get("indicators")
    if not isinstance(raw, Mapping):
        raise DomainError("indicator_missing", "年度报表须填写附件五的指标（indicators）")
    unknown = sorted(set(raw) - set(ANNUAL_BY_KEY) - {CHOICE_KEY})
    if unknown:
        raise DomainError("indicator_unknown", f"附件五没有这些指标：{', '.join(unknown)}", unknown=unknown)
    missing = [s for s in ANNUAL_INDICATORS if raw.get(s.key) is None or raw.get(s.key) == ""]
    if missing:
        labels = "、".join(f"第 {s.row} 行 {s.label}" for s in missing)
        raise DomainError("indicator_missing", f"年度报表缺少：{labels}（附件五：除同比外均须填写）",
                          missing=[s.key for s in missing])
    basis = raw.get(CHOICE_KEY)
    if basis not in MARKET_SHARE_BASIS:
        raise DomainError("annual_choice_missing",
                          "第 10 行须勾选填报的是“市场占有率”还是“行业占比”（附件五 注1：涉及“或”选项请勾选）")
    values: dict[str, Any] = {}
    for spec in ANNUAL_INDICATORS:
        where = f"第 {spec.row} 行 {spec.label}"
        values[spec.key] = (_text(raw[spec.key], where) if spec.kind == "text"
                            else _number(raw[spec.key], spec, where))
    values[CHOICE_KEY] = basis
    for spec in ANNUAL_INDICATORS:
        if spec.of and values[spec.key] > values[spec.of]:
            raise DomainError("indicator_invalid", f"第 {spec.row} 行 {spec.label}（{values[spec.key]}）"
                                                   f"不能多于{ANNUAL_BY_KEY[spec.of].label}（{values[spec.of]}）")
    _check_cumulative(year, values, previous, following)
    firms = _check_firms(data.get("leading_firms"), values["leading_firms"])
    return AnnualReport(year, values, year_on_year(values, previous or {}), header, firms)


def _check_cumulative(year: int, values: Mapping[str, Any], previous: Mapping[str, Any] | None,
                      following: Mapping[str, Any] | None) -> None:
    for spec in ANNUAL_INDICATORS:
        if not spec.cumulative:
            continue
        before = (previous or {}).get(spec.key)
        after = (following or {}).get(spec.key)
        if isinstance(before, (int, float)) and values[spec.key] < before:
            raise DomainError("annual_cumulative_decreased",
                              f"第 {spec.row} 行 {spec.label}为 {GREEN_SINCE} 年以来的累计数，{year} 年的 {values[spec.key]} "
                              f"不能少于 {year - 1} 年报送的 {before:g}（附件五 注3）")
        if isinstance(after, (int, float)) and values[spec.key] > after:
            raise DomainError("annual_cumulative_decreased",
                              f"第 {spec.row} 行 {spec.label}为 {GREEN_SINCE} 年以来的累计数，{year} 年的 {values[spec.key]} "
                              f"不能多于已报送的 {year + 1} 年的 {after:g}（附件五 注3）")


def _check_firms(raw: Any, count: int) -> tuple[dict[str, Any], ...]:
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise DomainError("annual_firms_invalid", "龙头企业基本情况（附件五-附表）应为逐家企业的列表")
    if len(raw) > LEADING_FIRMS_MAX:
        raise DomainError("annual_firms_invalid", f"龙头企业基本情况表至多 {LEADING_FIRMS_MAX} 家，收到 {len(raw)} 家")
    wanted = min(count, LEADING_FIRMS_MAX)
    if len(raw) < wanted:
        raise DomainError("annual_firms_missing",
                          f"第 6 行填报龙头企业 {count} 家，附件五-附表须列出 {wanted} 家（至多 {LEADING_FIRMS_MAX} 家），"
                          f"只列了 {len(raw)} 家")
    out = []
    for i, firm in enumerate(raw, start=1):
        if not isinstance(firm, Mapping):
            raise DomainError("annual_firms_invalid", f"附件五-附表第 {i} 家企业应为一行 12 列")
        extra = sorted(set(firm) - {c.key for c in FIRM_COLUMNS})
        if extra:
            raise DomainError("annual_firms_invalid", f"附件五-附表没有这些列：{', '.join(extra)}")
        record: dict[str, Any] = {}
        for col in FIRM_COLUMNS:
            where = f"附件五-附表第 {i} 家企业的“{col.label}”"
            value = firm.get(col.key)
            if value is None or value == "":
                raise DomainError("annual_firms_missing", f"缺少{where}（附件五：除同比外均须填写）")
            if col.kind == "text":
                record[col.key] = _text(value, where, "annual_firms_missing")
                check_name(record[col.key], col.label)
            else:
                try:
                    record[col.key] = _number(value, col, where)
                except DomainError as e:
                    raise DomainError("annual_firms_invalid", e.message) from None
        out.append(record)
    return tuple(out)


# ------------------------------------------------------------------ 同比


def figures_of(indicators: Mapping[str, Any]) -> dict[str, Any]:
    """What a lifecycle keeps of a report: its numbers and the 或 choice (not the texts)."""
    out: dict[str, Any] = {k: v for k, v in indicators.items()
                           if isinstance(v, (int, float)) and not isinstance(v, bool)}
    if indicators.get(CHOICE_KEY) in MARKET_SHARE_BASIS:
        out[CHOICE_KEY] = indicators[CHOICE_KEY]
    return out


def year_on_year(current: Mapping[str, Any], previous: Mapping[str, Any]) -> dict[str, float | None]:
    """同比 for every numeric row against the previous calendar year's report: a relative
    change in % for amounts and counts, a difference in percentage points for the % rows;
    None when that year's figure is missing (or 0 for a relative change), or when the 或 row
    was answered with the other alternative."""
    out: dict[str, float | None] = {}
    for key, value in current.items():
        spec = ANNUAL_BY_KEY.get(key)
        if spec is None or not spec.numeric or not isinstance(value, (int, float)) or isinstance(value, bool):
            continue
        prev = previous.get(key)
        if not isinstance(prev, (int, float)) or isinstance(prev, bool):
            out[key] = None
        elif key == "market_share" and previous.get(CHOICE_KEY) not in (None, current.get(CHOICE_KEY)):
            out[key] = None
        elif spec.kind == "percent":
            out[key] = round(float(value) - float(prev), 2)
        elif prev != 0:
            out[key] = round((float(value) - float(prev)) / abs(float(prev)) * 100, 2)
        else:
            out[key] = None
    return out


def growth_unit(key: str) -> str:
    spec = ANNUAL_BY_KEY.get(key)
    return "个百分点" if spec is not None and spec.kind == "percent" else "%"


def growth_text(key: str, value: float | None) -> str:
    """同比 as the annex's column shows it: +10%, −1.5 个百分点, or — when there is no base."""
    if value is None:
        return "—"
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return f"{sign}{abs(value):g}{' ' if growth_unit(key) != '%' else ''}{growth_unit(key)}"


def kept(figures: Mapping[str, Mapping[str, Any]], limit: int = FIGURES_KEPT_YEARS) -> dict[str, dict[str, Any]]:
    """The figures of the ``limit`` most recent years (a lifecycle's state stays bounded)."""
    years = sorted(figures, key=int)[-limit:]
    return {y: dict(figures[y]) for y in sorted(years, key=int)}


# ------------------------------------------------------------------ §四(一) 此项工作列入复评要求


@dataclass(frozen=True)
class AnnualReportEntry:
    year: int
    status: str  # filed | missing | owed (due date not yet passed)
    filed_on: date | None = None
    late: bool = False
    due: date | None = None

    @property
    def status_label(self) -> str:
        if self.status == "filed":
            return "逾期报送" if self.late else "按时报送"
        return {"missing": "未报送（已逾期）", "owed": "待报送"}[self.status]

    def as_dict(self) -> dict[str, Any]:
        return {"year": self.year, "status": self.status, "status_label": self.status_label,
                "filed_on": self.filed_on.isoformat() if self.filed_on else None, "late": self.late,
                "due": self.due.isoformat() if self.due else None}


@dataclass(frozen=True)
class AnnualReportRecord:
    """The annual reports of the current title: since it was conferred, every year filed
    (when, on time or late) and every year whose report is overdue and not filed."""

    since: date | None
    entries: tuple[AnnualReportEntry, ...]

    @property
    def filed(self) -> list[AnnualReportEntry]:
        return [e for e in self.entries if e.status == "filed"]

    @property
    def missing(self) -> list[AnnualReportEntry]:
        return [e for e in self.entries if e.status == "missing"]

    def as_dict(self) -> dict[str, Any]:
        return {"since": self.since.isoformat() if self.since else None,
                "filed": [e.as_dict() for e in self.filed], "missing": [e.as_dict() for e in self.missing],
                "entries": [e.as_dict() for e in self.entries]}


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def annual_report_record(annual_reports: Mapping[str, Mapping[str, Any]], deadlines: Iterable[Any],
                         since: date | None, today: date) -> AnnualReportRecord:
    """The reports filed and missing since ``since`` (the title's conferral). ``annual_reports``
    is the state's year → {filed_on, late}; ``deadlines`` its open clocks (an annual report's
    clock stays open until the report is filed, so an overdue one is a missing report)."""
    first = since.year if since is not None else None
    entries: dict[int, AnnualReportEntry] = {}
    for y, rec in annual_reports.items():
        year = int(y)
        if first is None or year >= first:
            entries[year] = AnnualReportEntry(year, "filed", _as_date(rec.get("filed_on")), bool(rec.get("late")))
    for d in deadlines:
        if getattr(d, "what", "") != "annual_report":
            continue
        # a clock in the state carries its year; a view of it (DeadlineView) only its key
        key = str(getattr(d, "key", ""))
        year = int((getattr(d, "params", None) or {}).get("year", 0) or 0) or \
            (int(key.split(":", 1)[1]) if key.startswith("annual_report:") and key.split(":", 1)[1].isdigit() else 0)
        if not year or year in entries or (first is not None and year < first):
            continue
        overdue = getattr(d, "overdue_since", None) is not None or d.due < today
        entries[year] = AnnualReportEntry(year, "missing" if overdue else "owed", due=d.due)
    return AnnualReportRecord(since, tuple(entries[y] for y in sorted(entries)))


def reports_for_reevaluation(state: Any, today: date) -> AnnualReportRecord:
    """For the re-evaluation's site report and the cluster page (§四(一) 此项工作列入复评要求):
    the annual reports filed and missing since the current title was conferred."""
    return annual_report_record(state.annual_reports, state.deadlines.values(), state.conferred_on, today)


# ------------------------------------------------------------------ the format before issue 11


_LEGACY_TEXT = ("platforms", "honours")


def check_annual_report_v1(policy: Any, data: Mapping[str, Any], previous: Mapping[str, Any] | None = None) -> AnnualReport:
    """附件五 as the service took it before issue 11 (the four required rows, 同比 against the
    last report filed): kept so that recorded histories replay (workflow.patched)."""
    from domain.cnlic.rules import _as_count, _as_number, _require, _text_list

    legacy = {s.key: s for s in ANNUAL_INDICATORS if s.numeric}
    legacy.update({k: IndicatorSpec(k, "公共服务平台" if k == "platforms" else "其他荣誉", "", "text") for k in _LEGACY_TEXT})
    year = _as_count(_require(data, "year", "报告年度"), "报告年度", lo=1900, hi=2200)
    raw = data.get("indicators")
    if not isinstance(raw, Mapping):
        raise DomainError("indicator_missing", "年度报表须填写附件五的指标（indicators）")
    unknown = sorted(set(raw) - set(legacy))
    if unknown:
        raise DomainError("indicator_unknown", f"附件五没有这些指标：{', '.join(unknown)}", unknown=unknown)
    missing = [k for k in policy.annual_report_required if raw.get(k) is None]
    if missing:
        labels = "、".join(legacy[k].label for k in missing)
        raise DomainError("indicator_missing", f"年度报表缺少必填指标：{labels}", missing=missing)
    values: dict[str, Any] = {}
    for key, value in raw.items():
        spec = legacy[key]
        if value is None:
            continue
        if spec.kind == "text":
            values[key] = _text_list(value, spec.label) if isinstance(value, list) else str(value)
            continue
        if spec.kind == "count":
            values[key] = _as_count(value, spec.label)
            continue
        number = _as_number(value, spec.label)
        if spec.kind == "amount" and number < 0:
            raise DomainError("indicator_invalid", f"{spec.label}不能为负数：{number:g}")
        if spec.kind == "percent" and not 0 <= number <= 100:
            raise DomainError("indicator_invalid", f"{spec.label}应在 0–100% 之间：{number:g}")
        values[key] = number
    growth: dict[str, float | None] = {}
    for key, value in values.items():
        if legacy[key].kind == "text":
            continue
        prev = (previous or {}).get(key)
        ok = isinstance(prev, (int, float)) and not isinstance(prev, bool) and prev != 0
        growth[key] = round((float(value) - float(prev)) / abs(float(prev)) * 100, 2) if ok else None
    return AnnualReport(year, values, growth)
