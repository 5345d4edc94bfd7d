"""附件三 特色区域和产业集群基本情况表: the application tables (RULES.md "Application tables").

- 表一 地区经济发展基本情况表: 11 rows of the region's economy, one value each.
- 表二 轻工业特色区域和产业集群基本情况表: the cluster's rows over three year columns plus the
  latest year's share of the national industry. The columns follow from the procedure and
  today's date, never typed: a new application (or a title change, which runs the approval
  procedure again, §四(五)) fills the last three calendar years; a re-evaluation or a
  rectification review fills the year of the last evaluation and the last two years (备注3).
- 表四 行业重点企业基本情况表: one sheet per key firm (basic facts, finances by year, business
  types, products).

"The year of the last evaluation" is the year whose figures that evaluation assessed: the
latest column of its 表二 (kept with the evaluation's indicators under ``EVALUATION_YEAR``), or,
for a title recorded without tables (onboarded, or filed before the tables), the year before
the conferral. When that year is itself one of the last three, the columns are the last three.

Pure: the caller passes today. The row lists are the single source for the typed schema
(``service.cnlic.annex3``), the XLSX layout and the checks here. The lifecycle keeps only the few
figures later decisions compare (``key_figures``); the tables go to the journal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from domain.errors import DomainError
from domain.limits import LIMITS

EVALUATION_YEAR = "year"  # key, inside the evaluation's indicators, of the year they describe
MAX_FIRMS = 20  # 表四 sheets one filing carries (the key firms; the rest belong in attachments)
MAX_FINANCE_YEARS = 5
MAX_PRODUCTS = 10


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    unit: str
    kind: str  # amount (≥ 0) | percent (0–100) | count (integer ≥ 0)
    group: str = ""  # 表二's rows split by level (国标/行标/团标 …) share their row's label


TABLE1_ROWS: tuple[Row, ...] = (
    Row("gdp", "国内生产总值", "万元", "amount"),
    Row("area", "总面积", "平方公里", "amount"),
    Row("population", "常住人口总数", "人", "count"),
    Row("migrants", "外来人口总数", "人", "count"),
    Row("employed", "从业人数", "人", "count"),
    Row("industrial_output", "工业总产值（当年价）", "万元", "amount"),
    Row("tax", "税收总额", "万元", "amount"),
    Row("income_per_capita", "人均收入", "元/人", "amount"),
    Row("fixed_investment", "固定资产投资总额", "万元", "amount"),
    Row("exports", "出口总额", "万美元", "amount"),
    Row("industrial_firms", "工业企业数量", "个", "count"),
)


def _levels(key: str, label: str, levels: tuple[tuple[str, str], ...]) -> tuple[Row, ...]:
    return tuple(Row(f"{key}_{code}", f"{label}·{name}", "个", "count", label) for code, name in levels)


_NP = (("national", "国家级"), ("provincial", "省部级"))
_NPC = _NP + (("city", "市级"),)

TABLE2_ROWS: tuple[Row, ...] = (
    Row("total_output", "特色产业总产值", "亿元", "amount"),
    Row("output_share", "特色产业总产值占本地区工业总产值比重", "%", "percent"),
    Row("sales", "特色产品销售额", "亿元", "amount"),
    Row("exports", "特色产品出口额", "万美元", "amount"),
    Row("profit_tax", "利税总额", "亿元", "amount"),
    Row("firms", "企业数量", "个", "count"),
    Row("above_scale_firms", "规模以上企业数量", "个", "count"),
    Row("union_share", "设立工会组织的企业占比", "%", "percent"),
    Row("fixed_investment", "固定资产投资", "亿元", "amount"),
    Row("renovation_investment", "其中：技术改造投资", "亿元", "amount"),
    Row("rnd_investment", "科研投入（含企业和政府）", "万元", "amount"),
    Row("employees", "从业人员", "万人", "amount"),
    Row("skilled_share", "其中：技术工人占比", "%", "percent"),
    Row("markets", "专业市场数量", "个", "count"),
    Row("brands", "省市以上知名品牌数量", "个", "count"),
    Row("cnlic_members", "中国轻工联会员数量", "个", "count"),
    Row("association_members", "相应行业组织会员数量", "个", "count"),
    *_levels("standards", "参与制定标准数量", (("national", "国标"), ("industry", "行标"), ("group", "团标"))),
    *_levels("patents", "获得专利数量", (("invention", "发明"), ("other", "其他"))),
    *_levels("awards", "获得奖项情况", _NPC),
    *_levels("tech_centres", "企业技术中心", _NPC),
    *_levels("labs", "重点实验室/工程研究中心", _NP),
    *_levels("testing_centres", "检测中心", _NP),
    *_levels("hightech_firms", "高新技术企业", _NP),
    *_levels("science_projects", "完成科技项目", _NP),
    *_levels("platforms", "公共服务平台建设情况", _NP),
    *_levels("parks", "产业园区建设情况", _NP),
    *_levels("heritage", "非物质文化遗产传承人", _NP),
    *_levels("craft_masters", "工艺美术大师", (("national", "国家级"), ("provincial", "省市级"))),
    *_levels("technicians", "技术能手", (("national", "国家级"), ("light", "轻工"), ("provincial", "省市级"))),
    *_levels("training_bases", "职业技能培训基地", _NP),
    Row("evaluation_bases", "其中：轻工行业职业技能等级评价基地", "个", "count"),
    Row("iso9000_share", "通过 ISO9000 认证企业比例", "%", "percent"),
    Row("iso14000_share", "通过 ISO14000 认证企业比例", "%", "percent"),
    Row("iso22000_share", "通过 ISO22000 认证企业比例", "%", "percent"),
)
TABLE1 = {r.key: r for r in TABLE1_ROWS}
TABLE2 = {r.key: r for r in TABLE2_ROWS}
# every year column of these rows must be filled; the others may stay blank where nothing applies
TABLE2_REQUIRED = ("total_output", "output_share", "sales", "exports", "firms", "employees")
YEAR_COLUMNS = ("year1", "year2", "year3")
SHARE = "national_share"

# 表二 → the site report's indicators (附件四 二) that a re-evaluation compares; employees in 人
KEY_FIGURES = {"value": ("total_output", 1.0), "sales": ("sales", 1.0), "exports": ("exports", 1.0),
               "firms": ("firms", 1.0), "employees": ("employees", 10_000.0)}

# 表四, one sheet per key firm
FIRM_FIELDS: tuple[tuple[str, str, str, str], ...] = (  # key, label, unit, kind (text | amount | count | yesno)
    ("name", "企业名称", "", "text"),
    ("address", "通讯地址", "", "text"),
    ("postcode", "邮政编码", "", "text"),
    ("phone", "电话", "", "text"),
    ("fax", "传真", "", "text"),
    ("website", "网址", "", "text"),
    ("email", "电子信箱", "", "text"),
    ("firm_type", "企业类型", "", "text"),
    ("legal_representative", "法人代表", "", "text"),
    ("registered_capital", "注册资本", "万元", "amount"),
    ("founded", "建厂时间", "年", "count"),
    ("listed", "是否为上市公司", "", "yesno"),
    ("brands", "品牌情况", "", "text"),
    ("land_area", "企业占地面积", "平方米", "amount"),
    ("floor_area", "建筑面积", "平方米", "amount"),
    ("employees", "从业人数", "人", "count"),
    ("engineers", "工程技术人员人数", "人", "count"),
    ("technicians", "技术工人人数", "人", "count"),
    ("tech_centre", "有否国家/省级技术中心", "", "text"),
)
BUSINESS_TYPES = {"manufacturer": "生产制造企业", "supplier": "配套制造企业", "seller": "销售企业", "service": "服务类企业"}
FINANCE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("year", "年份"), ("total_assets", "总资产"), ("net_assets", "净资产"), ("sales", "销售收入"),
    ("profit_tax", "利税总额"), ("profit", "利润总额"), ("rnd", "研发费用"),
)  # 万元
PRODUCT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "产品名称"), ("capacity", "年产能力（双班）"),
    ("prev_sales", "上两年度销售收入"), ("prev_output", "上两年度产量"), ("prev_exports", "上两年度出口量"),
    ("last_sales", "上年度销售收入"), ("last_output", "上年度产量"), ("last_exports", "上年度出口量"),
)

NEW_PROCEDURES = ("designation", "title_change")  # fill the last three years


# ---------------------------------------------------------------- the year columns


def evaluation_year_of(evaluation_indicators: Mapping[str, Any] | None, conferred_on: date | None) -> int | None:
    """The year whose figures the last evaluation assessed (see the module's docstring)."""
    year = (evaluation_indicators or {}).get(EVALUATION_YEAR)
    if isinstance(year, (int, float)) and not isinstance(year, bool) and math.isfinite(year):
        return int(year)
    return conferred_on.year - 1 if conferred_on is not None else None


def table2_years(procedure: str, today: date, evaluation_year: int | None = None) -> tuple[int, int, int]:
    """表二's year columns (备注2–3): the last three years for a new application or a title
    change; the last evaluation's year and the last two years for a re-evaluation or a
    rectification review (the last three when that year is among them, or unknown)."""
    last = today.year - 1
    if procedure in NEW_PROCEDURES or evaluation_year is None or evaluation_year >= last - 2:
        return (last - 2, last - 1, last)
    return (evaluation_year, last - 1, last)


# ---------------------------------------------------------------- checking a filing's tables


@dataclass(frozen=True)
class Annex3:
    years: tuple[int, int, int]
    table1: dict[str, float]
    table2: dict[str, dict[str, float]]
    firms: tuple[dict[str, Any], ...]
    evaluation_year: int | None

    def figures(self) -> dict[str, dict[str, float]]:
        """The few figures later decisions compare, per year (as text)."""
        return key_figures(self.table2, self.years)

    def as_event(self) -> dict[str, Any]:
        """JSON-ready: what the journal keeps of the tables."""
        return {"table2_years": list(self.years), "table1": dict(self.table1),
                "table2": {k: dict(v) for k, v in self.table2.items()}, "firms": [dict(f) for f in self.firms],
                **({"evaluation_year": self.evaluation_year} if self.evaluation_year is not None else {})}

    def kept(self) -> dict[str, Any]:
        """What the lifecycle state keeps (not the tables)."""
        return {"years": list(self.years), "figures": self.figures(), "evaluation_year": self.evaluation_year,
                "firms": len(self.firms)}


def key_figures(table2: Mapping[str, Mapping[str, Any]], years: tuple[int, ...] | list[int]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for i, year in enumerate(years):
        col = YEAR_COLUMNS[i]
        row: dict[str, float] = {}
        for indicator, (key, factor) in KEY_FIGURES.items():
            value = (table2.get(key) or {}).get(col)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                row[indicator] = round(float(value) * factor, 6)
        out[str(year)] = row
    return out


def _bad(where: str, what: str) -> DomainError:
    return DomainError("annex3_invalid", f"附件三{where}：{what}")


def _number(value: Any, row: Row, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _bad(where, f"应为数字，收到“{str(value)[:40]}”")
    if value < 0:
        raise _bad(where, f"不能为负数：{value:g}")
    if row.kind == "percent" and value > 100:
        raise _bad(where, f"应在 0–100% 之间：{value:g}")
    if row.kind == "count" and not float(value).is_integer():
        raise _bad(where, f"应为整数：{value:g}")
    return int(value) if row.kind == "count" else float(value)


def check_annex3(data: Any, procedure: str, today: date, evaluation_year: int | None = None) -> Annex3:
    """Check a filing's 附件三 against the year columns its procedure owes today."""
    if not isinstance(data, Mapping):
        raise _bad("", "应为 {table1, table2, firms} 对象")
    unknown = sorted(set(data) - {"table1", "table2", "table2_years", "firms"})
    if unknown:
        raise _bad("", f"没有这些部分：{'、'.join(map(str, unknown))}")
    years = table2_years(procedure, today, evaluation_year)
    given = data.get("table2_years")
    if given is not None and [int(y) if isinstance(y, (int, float)) else y for y in given] != list(years):
        who = "新申请（及称号变更）填报近三年" if procedure in NEW_PROCEDURES else "复评第一列填报上次考评年度，后两列填报近两年"
        raise DomainError("annex3_years_mismatch",
                          f"附件三表二的年度应为 {'、'.join(map(str, years))}（{who}，附件三表二备注），"
                          f"收到 {'、'.join(map(str, given))}", expected=list(years))

    raw1 = data.get("table1")
    if not isinstance(raw1, Mapping):
        raise DomainError("annex3_missing", "附件三表一（地区经济发展基本情况表）未填写")
    table1: dict[str, float] = {}
    for key, value in raw1.items():
        row = TABLE1.get(key)
        if row is None:
            raise _bad("表一", f"没有“{key}”这一项")
        if value is not None:
            table1[key] = _number(value, row, f"表一“{row.label}”")
    missing1 = [r.label for r in TABLE1_ROWS if r.key not in table1]
    if missing1:
        raise DomainError("annex3_missing", f"附件三表一缺少：{'、'.join(missing1)}")

    raw2 = data.get("table2")
    if not isinstance(raw2, Mapping):
        raise DomainError("annex3_missing", "附件三表二（特色区域和产业集群基本情况表）未填写")
    table2: dict[str, dict[str, float]] = {}
    for key, cells in raw2.items():
        row = TABLE2.get(key)
        if row is None:
            raise _bad("表二", f"没有“{key}”这一行")
        if cells is None:
            continue
        if not isinstance(cells, Mapping):
            raise _bad(f"表二“{row.label}”", "应为各年度的数值")
        kept: dict[str, float] = {}
        for col, value in cells.items():
            if col not in YEAR_COLUMNS and col != SHARE:
                raise _bad(f"表二“{row.label}”", f"没有“{col}”这一列")
            if value is None:
                continue
            if col == SHARE:
                kept[col] = _number(value, Row(key, row.label, "%", "percent"), f"表二“{row.label}”占全国比重")
            else:
                year = years[YEAR_COLUMNS.index(col)]
                kept[col] = _number(value, row, f"表二“{row.label}”{year} 年")
        if kept:
            table2[key] = kept
    for key in TABLE2_REQUIRED:
        row = TABLE2[key]
        for i, col in enumerate(YEAR_COLUMNS):
            if col not in table2.get(key, {}):
                raise DomainError("annex3_missing", f"附件三表二“{row.label}”缺少 {years[i]} 年的数据")

    raw4 = data.get("firms")
    if not isinstance(raw4, list) or not raw4:
        raise DomainError("annex3_missing", "附件三表四（行业重点企业基本情况表）须至少填写一家重点企业")
    if len(raw4) > MAX_FIRMS:
        raise DomainError("too_many_items", f"附件三表四至多 {MAX_FIRMS} 家重点企业，其余请作为附件上传")
    firms = tuple(_firm(f, i + 1) for i, f in enumerate(raw4))
    names = [f["name"] for f in firms]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise _bad("表四", f"企业“{'、'.join(dup)}”重复填写")
    return Annex3(years, table1, table2, firms, None if procedure in NEW_PROCEDURES else evaluation_year)


def _firm(raw: Any, n: int) -> dict[str, Any]:
    where = f"表四第 {n} 家企业"
    if not isinstance(raw, Mapping):
        raise _bad(where, "应为企业情况对象")
    known = {k for k, *_ in FIRM_FIELDS} | {"business_types", "finance", "products"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise _bad(where, f"没有这些项：{'、'.join(map(str, unknown))}")
    name = str(raw.get("name") or "").strip()
    if not name:
        raise DomainError("annex3_missing", f"附件三{where}须写明企业名称")
    out: dict[str, Any] = {}
    for key, label, unit, kind in FIRM_FIELDS:
        value = raw.get(key)
        if value is None or value == "":
            continue
        if kind == "text":
            text = str(value).strip()
            if len(text) > LIMITS.name_chars:
                raise DomainError("text_too_long", f"附件三{where}“{label}”超过 {LIMITS.name_chars} 字")
            out[key] = text
        elif kind == "yesno":
            if not isinstance(value, bool):
                raise _bad(f"{where}“{label}”", "应为是或否")
            out[key] = value
        else:
            out[key] = _number(value, Row(key, label, unit, kind), f"{where}“{label}”")
    types_ = raw.get("business_types") or []
    if not isinstance(types_, list) or any(t not in BUSINESS_TYPES for t in types_):
        raise _bad(f"{where}“业务类型”", f"应为 {'、'.join(BUSINESS_TYPES.values())} 中的一项或几项")
    if types_:
        out["business_types"] = [t for t in BUSINESS_TYPES if t in types_]
    out["finance"] = _records(raw.get("finance"), FINANCE_COLUMNS, f"{where}财务状况", MAX_FINANCE_YEARS, "year")
    out["products"] = _records(raw.get("products"), PRODUCT_COLUMNS, f"{where}产品情况", MAX_PRODUCTS, "name")
    return out


def _records(raw: Any, columns: tuple[tuple[str, str], ...], where: str, limit: int, first: str) -> list[dict[str, Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise _bad(where, "应为逐行的列表")
    if len(raw) > limit:
        raise DomainError("too_many_items", f"附件三{where}至多 {limit} 行")
    out = []
    labels = dict(columns)
    for i, rec in enumerate(raw, 1):
        if not isinstance(rec, Mapping):
            raise _bad(f"{where}第 {i} 行", "应为对象")
        unknown = sorted(set(rec) - set(labels))
        if unknown:
            raise _bad(f"{where}第 {i} 行", f"没有这些列：{'、'.join(map(str, unknown))}")
        row: dict[str, Any] = {}
        for key, label in columns:
            value = rec.get(key)
            if value is None or value == "":
                continue
            if key == "name":
                row[key] = str(value).strip()[:LIMITS.name_chars]
            elif key == "year":
                row[key] = int(_number(value, Row(key, label, "年", "count"), f"{where}第 {i} 行“{label}”"))
            else:
                row[key] = _number(value, Row(key, label, "", "amount"), f"{where}第 {i} 行“{label}”")
        if first not in row:
            raise DomainError("annex3_missing", f"附件三{where}第 {i} 行须写明“{labels[first]}”")
        out.append(row)
    return out


# ---------------------------------------------------------------- what a re-evaluation compares (附件四 二)


def previous_and_current(kept: Mapping[str, Any] | None, evaluation_indicators: Mapping[str, Any] | None
                         ) -> tuple[dict[str, float], dict[str, float], int | None, int | None]:
    """The previous evaluation's figures and the latest year's, from the re-evaluation's own
    表二 (its evaluation-year column and its latest column), over the figures recorded at the
    last evaluation. Returns (previous, current, previous year, current year)."""
    previous = {k: float(v) for k, v in (evaluation_indicators or {}).items()
                if k != EVALUATION_YEAR and isinstance(v, (int, float)) and not isinstance(v, bool)}
    prev_year = evaluation_year_of(evaluation_indicators, None)
    current: dict[str, float] = {}
    cur_year = None
    if kept:
        years = [int(y) for y in kept.get("years") or []]
        figures = kept.get("figures") or {}
        ev = kept.get("evaluation_year")
        if years:
            cur_year = years[-1]
            current = dict(figures.get(str(cur_year)) or {})
        if ev is not None and str(ev) in figures:
            previous.update(figures[str(ev)])
            prev_year = int(ev)
    return previous, current, prev_year, cur_year


def kept_from_event(ev: Mapping[str, Any]) -> dict[str, Any]:
    """``Annex3.kept`` from the journal form (``Annex3.as_event``)."""
    years = [int(y) for y in ev.get("table2_years") or []]
    return {"years": years, "figures": key_figures(ev.get("table2") or {}, years),
            "evaluation_year": ev.get("evaluation_year"), "firms": len(ev.get("firms") or [])}
