"""附件2 广东省产业集群升级示范区考核表 (seeds/002), every field: its label exactly as the form
prints it, its kind (number, integer count, %, yes/no, names, text), its unit, the group it
belongs to, and the row of the printed form it stands on (one or two fields a row, as in the
seed). The form has 94 fields; the filer's block at its foot (申报单位, 联系人, …) and the two
governments' opinions are not fields of the data but the sign-offs of the round
(``domain.guangdong.filing``).

``check_form`` judges a filled form — kinds, ranges, the consistency between fields — and
names every field it refuses; ``year_on_year`` compares each numeric field with the zone's
previous round. Pure: the XLSX layout is ``service.guangdong.form_xlsx``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from domain.errors import DomainError
from domain.guangdong.policy import GuangdongPolicy, get_policy

# kinds of field
TEXT = "text"  # a paragraph (基本情况, 实质性活动)
NAMES = "names"  # one or more full names (园区、机构、商标……); none is "无"
NUMBER = "number"  # a non-negative amount in its unit (亿元, 立方米 …)
COUNT = "count"  # a whole number (企业数, 人数, 项目个数)
PERCENT = "percent"  # a share or ratio, 0–100 %
GROWTH = "growth"  # a change in %, may be negative
YESNO = "yesno"  # 是 / 否 (有 / 无)

KIND_LABELS = {TEXT: "文字", NAMES: "名称", NUMBER: "数值", COUNT: "整数", PERCENT: "百分比", GROWTH: "增长率",
               YESNO: "是/否"}
NUMERIC = (NUMBER, COUNT, PERCENT, GROWTH)


@dataclass(frozen=True)
class Group:
    key: str
    label: str


GROUPS: tuple[Group, ...] = (
    Group("region", "区域与特色产品"),
    Group("output", "产值、产量与销售"),
    Group("employment", "就业"),
    Group("firms", "企业"),
    Group("exports", "出口"),
    Group("parks", "产业园区"),
    Group("environment", "用水、用电与排放"),
    Group("transfer_parks", "产业转移工业园"),
    Group("brands", "集体商标与品牌"),
    Group("services", "公共服务机构"),
    Group("guarantee", "担保"),
    Group("chamber", "行业商会（协会）"),
    Group("rnd", "技术创新"),
    Group("top10", "销售额前10位企业"),
)
GROUP_LABELS = {g.key: g.label for g in GROUPS}


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # exactly as the form prints it
    kind: str
    unit: str
    group: str
    row: int  # the printed form's row (1-based): one or two fields a row

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


# (key, label, kind, unit) row by row as 附件2 prints them; a group starts where its name stands
_LAYOUT: tuple[tuple[str, tuple[tuple[str, str, str, str], ...]], ...] = (
    ("region", (("cluster_name", "产业集群名称", TEXT, ""),)),
    ("region", (("admin_region", "产业集群所在的行政区域（注：隶属于具体的市、县、区、镇）", TEXT, ""),)),
    ("region", (("products", "特色产品（包括原材料产品、中间产品、终端产品）", NAMES, ""),)),
    ("region", (("basic_facts", "具体所在区域的基本情况：交通、区位、特色产业发展历程、经济发展水平（国内生产总值、工业生产总值）、"
                                "人口规模（总人口、户籍人口、外来人口、从业人口）、面积（总面积、土地面积）", TEXT, ""),)),
    ("output", (("local_industrial_output", "当地工业总产值（亿元）", NUMBER, "亿元"),
                ("output", "特色产业产值（亿元）", NUMBER, "亿元"))),
    ("output", (("output_share_domestic", "特色产业产值占国内同类产品比重（％）", PERCENT, "%"),
                ("output_share_world", "特色产业产值占国际同类产品比重（％）", PERCENT, "%"))),
    ("output", (("output_growth", "特色产业产值比上年增长（％）", GROWTH, "%"),
                ("value_added", "特色产业增加值（亿元）", NUMBER, "亿元"))),
    ("output", (("production", "特色产业产量（件、台、辆等）", NUMBER, "件、台、辆等"),
                ("production_share_domestic", "特色产业产量占国内同类产品比重（％）", PERCENT, "%"))),
    ("output", (("sales_volume", "特色产业销售量（件、台、辆等）", NUMBER, "件、台、辆等"),
                ("sales_volume_share_domestic", "特色产业销售量占国内同类产品比重（％）", PERCENT, "%"))),
    ("output", (("sales_value", "特色产业销售值（亿元）", NUMBER, "亿元"),
                ("engineers", "特色产业工程技术人员数", COUNT, "人"))),
    ("employment", (("local_employment", "当地就业总人数", COUNT, "人"),
                    ("industry_employment", "特色产业就业人数", COUNT, "人"))),
    ("firms", (("firms_total", "集群内企业总数", COUNT, "家"),
               ("producers", "特色产业生产企业数", COUNT, "家"))),
    ("firms", (("suppliers", "特色产业配套企业数", COUNT, "家"),
               ("firms_above_scale", "规模以上企业数", COUNT, "家"))),
    ("exports", (("export_delivery", "出口交货值（亿美元）", NUMBER, "亿美元"),
                 ("export_share_domestic", "出口交货值占国内同类出口产品的比重（％）", PERCENT, "%"))),
    ("parks", (("parks_built", "已建成产业园区名称", NAMES, ""),)),
    ("parks", (("park_plan", "有无产业园区建设规划", YESNO, ""),
               ("park_plan_eia", "产业园区建设规划是否通过环评", YESNO, ""))),
    ("parks", (("park_planned_area", "产业园区规划面积(平方公里)", NUMBER, "平方公里"),
               ("park_built_area", "产业园区已建成面积(平方公里)", NUMBER, "平方公里"))),
    ("parks", (("park_authority", "园区专门管理机构名称", NAMES, ""),)),
    ("parks", (("park_env_authority", "园区环保管理机构名称", NAMES, ""),
               ("park_ems", "产业园区有否建立环境管理体系(如ISO14000族认证体系)", YESNO, ""))),
    ("parks", (("parks_building", "建设过程中的产业园区名称", NAMES, ""),)),
    ("parks", (("park_investment", "园区基础设施建设累计投入的资金总额（万元）", NUMBER, "万元"),
               ("park_output", "产业园区的产值（亿元）", NUMBER, "亿元"))),
    ("parks", (("park_env_ok", "产业园区环保是否符合要求", YESNO, ""),
               ("park_fire_ok", "产业园区消防是否符合规范", YESNO, ""))),
    ("parks", (("park_safety_ok", "产业园区安全是否符合要求", YESNO, ""),
               ("park_central_heating", "产业园区是否集中供热（冷）", YESNO, ""))),
    ("parks", (("park_central_gas", "产业园区是否集中供气", YESNO, ""),
               ("park_central_water", "产业园区是否集中供水", YESNO, ""))),
    ("parks", (("park_sewage", "产业园区是否集中处理污水", YESNO, ""),
               ("park_solid_waste", "产业园区是否集中处理固体废弃物", YESNO, ""))),
    ("environment", (("water_use", "产业集群用水量（立方米）", NUMBER, "立方米"),
                     ("power_use", "产业集群用电量（度）", NUMBER, "度"))),
    ("environment", (("wastewater", "产业集群工业废水排放量（立方米）", NUMBER, "立方米"),
                     ("wastewater_compliance", "产业集群工业废水排放达标率（％）", PERCENT, "%"))),
    ("environment", (("waste_gas", "产业集群工业废气排放总量（吨）", NUMBER, "吨"),)),
    ("transfer_parks", (("transfer_parks_built", "已建成的产业转移工业园名称", NAMES, ""),)),
    ("transfer_parks", (("transfer_parks_building", "建设过程中的产业转移工业园名称", NAMES, ""),)),
    ("transfer_parks", (("transfer_parks_planned", "已经规划但还未投入建设的产业转移工业园名称", NAMES, ""),)),
    ("brands", (("collective_trademarks", "已注册的集体商标名称", NAMES, ""),)),
    ("brands", (("collective_trademark_users", "使用集体商标的企业数", COUNT, "家"),)),
    ("brands", (("collective_honours", "获得的集体荣誉称号", NAMES, ""),)),
    ("brands", (("china_well_known_marks", "中国驰名商标数", COUNT, "件"),
                ("guangdong_famous_marks", "广东省著名商标数", COUNT, "件"))),
    ("brands", (("china_top_brands", "中国名牌产品数", COUNT, "个"),
                ("guangdong_top_brands", "广东省名牌产品数", COUNT, "个"))),
    ("services", (("innovation_centres", "技术创新服务机构名称", NAMES, ""),)),
    ("services", (("laboratories", "为集群服务的实验室名称", NAMES, ""),)),
    ("services", (("testing_centres", "为集群服务的质量检测检验中心名称", NAMES, ""),)),
    ("services", (("ip_bodies", "知识产权保护机构名称", NAMES, ""),)),
    ("services", (("websites", "产业集群专业网站名称", NAMES, ""),)),
    ("services", (("markets", "专业市场名称", NAMES, ""),)),
    ("services", (("exhibition_bodies", "会展机构名称", NAMES, ""),)),
    ("services", (("market_turnover", "专业市场和会展机构的交易额（万元）", NUMBER, "万元"),
                  ("training_attendance", "教育培训机构培训人次", COUNT, "人次"))),
    ("services", (("training_bodies", "教育培训机构名称", NAMES, ""),)),
    ("guarantee", (("guarantors", "担保机构名称", NAMES, ""),)),
    ("guarantee", (("guaranteed_firms", "担保机构担保的集群内企业数", COUNT, "家"),
                   ("guarantee_amount", "担保机构的担保金额（万元）", NUMBER, "万元"))),
    ("chamber", (("chambers", "行业商会（协会）名称", NAMES, ""),)),
    ("chamber", (("chamber_members", "行业商会（协会）会员数", COUNT, "家"),)),
    ("chamber", (("chamber_activities", "行业商会（协会）开展的实质性活动", TEXT, ""),)),
    ("rnd", (("tech_centres", "省级及以上企业技术中心（工程中心）数量", COUNT, "个"),
             ("innovation_projects", "去年完成的技术创新项目个数", COUNT, "个"))),
    ("rnd", (("renovation_projects", "去年完成的技术改造项目个数", COUNT, "个"),
             ("industry_university_projects", "去年完成的产学研项目个数", COUNT, "个"))),
    ("rnd", (("rd_spending", "去年企业R&D(研发)投入(亿元)", NUMBER, "亿元"),
             ("provincial_new_products", "去年列入省级以上新产品数", COUNT, "个"))),
    ("rnd", (("patents", "去年企业获取的专利总数", COUNT, "项"),
             ("invention_patents", "其中发明专利数量", COUNT, "项"))),
    ("top10", (("top10_it_plan", "销售额前10位企业中制定信息化规划的企业比例", PERCENT, "%"),
               ("top10_portal", "销售额前10位企业建立门户网站比例", PERCENT, "%"))),
    ("top10", (("top10_erp", "销售额前10位企业信息化覆盖主要业务流程比例（ERP等）", PERCENT, "%"),
               ("top10_equipment_intl", "销售额前10位企业装备达到国际先进水平比例", PERCENT, "%"))),
    ("top10", (("top10_equipment_dom", "销售额前10位企业装备达到国内先进水平比例", PERCENT, "%"),
               ("top10_process_intl", "销售额前10位企业工艺达到国际先进水平比例", PERCENT, "%"))),
    ("top10", (("top10_process_dom", "销售额前10位企业工艺达到国内先进水平比例", PERCENT, "%"),
               ("top10_intl_standards", "销售额前10位企业采用国家或国际标准的比例", PERCENT, "%"))),
    ("top10", (("top10_local_standards", "销售额前10位企业采用行业或地方标准的比例", PERCENT, "%"),
               ("top10_quality_cert", "销售额前10位企业通过国际质量体系认证比例", PERCENT, "%"))),
    ("top10", (("top10_std_national", "销售额前10位企业参与制修订国际标准、国家标准的数量", COUNT, "项"),
               ("top10_std_local", "销售额前10位企业参与制修订行业标准、地方标准的数量", COUNT, "项"))),
)

FIELDS: tuple[Field, ...] = tuple(
    Field(key, label, kind, unit, group, row)
    for row, (group, cells) in enumerate(_LAYOUT, 1)
    for key, label, kind, unit in cells
)
BY_KEY: dict[str, Field] = {f.key: f for f in FIELDS}
BY_LABEL: dict[str, Field] = {f.label: f for f in FIELDS}
ROWS: tuple[tuple[Field, ...], ...] = tuple(
    tuple(BY_KEY[key] for key, *_ in cells) for _, cells in _LAYOUT
)
NUMERIC_FIELDS: tuple[Field, ...] = tuple(f for f in FIELDS if f.numeric)

# the fields the provincial summary reads across zones (all 36 × these, this year and last)
KEY_FIELDS: tuple[str, ...] = (
    "output", "value_added", "sales_value", "export_delivery", "industry_employment", "firms_total",
    "firms_above_scale", "rd_spending", "patents",
)

# consistency between fields: (part, whole) — the part may not exceed the whole
NOT_ABOVE: tuple[tuple[str, str], ...] = (
    ("output", "local_industrial_output"),
    ("value_added", "output"),
    ("industry_employment", "local_employment"),
    ("engineers", "industry_employment"),
    ("producers", "firms_total"),
    ("suppliers", "firms_total"),
    ("firms_above_scale", "firms_total"),
    ("collective_trademark_users", "firms_total"),
    ("guaranteed_firms", "firms_total"),
    ("park_built_area", "park_planned_area"),
    ("invention_patents", "patents"),
)

YES = "是"
NO = "否"
_YES = {"是", "有", "yes", "y", "true", "1", "√", "✓"}
_NO = {"否", "无", "没有", "no", "n", "false", "0", "×"}
_SPLIT = re.compile(r"[\n；;、]+")
NONE_WORDS = {"无", "没有", "暂无", "—", "-", "/"}


class FormInvalid(DomainError):
    """A form some fields of which the rules refuse: carries each problem, field by field."""

    def __init__(self, problems: list[DomainError]) -> None:
        first = problems[0]
        more = f"（另有 {len(problems) - 1} 处问题）" if len(problems) > 1 else ""
        super().__init__(first.code, first.message + more, problems=[p.as_dict() for p in problems])
        self.problems = problems


def _refuse(f: Field, code: str, what: str) -> DomainError:
    return DomainError(code, f"{f.label}：{what}", field=f.key)


def _number(f: Field, value: Any) -> Decimal:
    if isinstance(value, bool):
        raise _refuse(f, "form_not_a_number", "应为数值")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise _refuse(f, "form_not_a_number", "应为有限的数值")
        d = Decimal(str(value))
    else:
        text = str(value).strip().replace(",", "").replace("，", "")
        if f.kind in (PERCENT, GROWTH):
            text = text.rstrip("%％").strip()
        try:
            d = Decimal(text)
        except InvalidOperation:
            raise _refuse(f, "form_not_a_number", f"“{str(value)[:20]}”不是数值") from None
        if not d.is_finite():
            raise _refuse(f, "form_not_a_number", "应为有限的数值")
    return d


def parse_value(f: Field, value: Any, policy: GuangdongPolicy) -> Any:
    """One field's value in its kind, or a refusal naming the field; None when left blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if f.kind == YESNO:
        if isinstance(value, bool):
            return YES if value else NO
        text = str(value).strip().lower()
        if text in _YES:
            return YES
        if text in _NO:
            return NO
        raise _refuse(f, "form_not_yes_no", f"应填“是”或“否”，不是“{str(value)[:20]}”")
    if f.kind == NAMES:
        items = value if isinstance(value, (list, tuple)) else _SPLIT.split(str(value))
        names = [str(v).strip() for v in items if str(v).strip()]
        names = [n for n in names if n not in NONE_WORDS]
        for n in names:
            if len(n) > 200:
                raise _refuse(f, "text_too_long", f"名称“{n[:20]}…”长 {len(n)} 字，超过 200 字")
        if len(names) > 50:
            raise _refuse(f, "too_many_items", f"{len(names)} 个名称，超过 50 个；其余请在年度工作总结中说明")
        return names
    if f.kind == TEXT:
        text = str(value).strip()
        if len(text) > policy.summary_item_chars:
            raise _refuse(f, "text_too_long", f"长 {len(text)} 字，超过 {policy.summary_item_chars} 字；可附页填写（附件）")
        return text
    d = _number(f, value)
    if f.kind == COUNT:
        if d != d.to_integral_value():
            raise _refuse(f, "form_not_an_integer", f"应为整数，不是 {d}")
        n = int(d)
        if n < 0:
            raise _refuse(f, "form_negative", f"不能为负数（{n}）")
        if n > policy.figure_max:
            raise _refuse(f, "form_out_of_range", f"{n} 超出合理范围")
        return n
    x = float(d)
    if f.kind == PERCENT:
        if x < 0:
            raise _refuse(f, "share_out_of_range", f"{_fmt(x)}% 不能为负数")
        if x > policy.percent_max:
            raise _refuse(f, "share_out_of_range", f"{_fmt(x)}% 超过 {_fmt(policy.percent_max)}%（比重、比例不能超过全部）")
        return x
    if f.kind == GROWTH:
        if not policy.growth_min <= x <= policy.growth_max:
            raise _refuse(f, "form_out_of_range",
                          f"{_fmt(x)}% 不在 {_fmt(policy.growth_min)}% 至 {_fmt(policy.growth_max)}% 之间")
        return x
    if x < 0:
        raise _refuse(f, "form_negative", f"不能为负数（{_fmt(x)}）")
    if x > policy.figure_max:
        raise _refuse(f, "form_out_of_range", f"{_fmt(x)} 超出合理范围")
    return x


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def parse_form(data: Mapping[str, Any], policy: GuangdongPolicy | None = None) -> dict[str, Any]:
    """The form's values in their kinds (blank fields left out); unknown keys and refused
    values are named, every one of them."""
    policy = policy or get_policy()
    if not isinstance(data, Mapping):
        raise DomainError("invalid_data", "考核表应为 {字段: 值} 的对象")
    problems: list[DomainError] = []
    unknown = [str(k) for k in data if k not in BY_KEY]
    if unknown:
        problems.append(DomainError("form_field_unknown", f"考核表没有字段“{unknown[0][:50]}”"
                                                          + (f" 等 {len(unknown)} 项" if len(unknown) > 1 else "")))
    out: dict[str, Any] = {}
    for f in FIELDS:
        try:
            value = parse_value(f, data.get(f.key), policy)
        except DomainError as e:
            problems.append(e)
            continue
        if value is not None:
            out[f.key] = value
    if problems:
        raise FormInvalid(problems)
    return out


def consistency(values: Mapping[str, Any]) -> list[DomainError]:
    """The form's fields against each other (only where both are filled)."""
    problems = []
    for part, whole in NOT_ABOVE:
        a, b = values.get(part), values.get(whole)
        if a is not None and b is not None and a > b:
            pf, wf = BY_KEY[part], BY_KEY[whole]
            problems.append(DomainError("form_inconsistent", f"{pf.label}（{_fmt(a)}）不能大于{wf.label}（{_fmt(b)}）",
                                        field=part))
    if values.get("park_plan") == NO and values.get("park_plan_eia") == YES:
        problems.append(DomainError("form_inconsistent", "无产业园区建设规划时，“产业园区建设规划是否通过环评”应为“否”",
                                    field="park_plan_eia"))
    return problems


def missing(values: Mapping[str, Any]) -> list[Field]:
    """Fields a submitted form must fill: every one except the lists of names, which may be
    none (无), and the paragraph on the chamber's activities when there is no chamber."""
    out = []
    for f in FIELDS:
        if f.kind == NAMES and f.key != "products":
            continue
        if f.key == "chamber_activities" and not values.get("chambers"):
            continue
        if values.get(f.key) in (None, "", []):
            out.append(f)
    return out


def check_form(data: Mapping[str, Any], *, complete: bool, policy: GuangdongPolicy | None = None) -> dict[str, Any]:
    """A form as the rules take it: its values in their kinds, consistent with each other,
    and (``complete``: to submit it) with every required field filled. Raises ``FormInvalid``
    naming every field refused."""
    values = parse_form(data, policy)
    problems = consistency(values)
    if complete:
        problems += [DomainError("form_field_missing", f"{f.label}：未填写", field=f.key) for f in missing(values)]
    if problems:
        raise FormInvalid(problems)
    return values


@dataclass(frozen=True)
class Change:
    """One numeric field this year against the zone's previous round."""

    key: str
    label: str
    unit: str
    this_year: float | int | None
    last_year: float | int | None
    change: float | None  # absolute (percentage points for % fields)
    growth: float | None  # relative %, None when last year was 0 or missing

    @property
    def points(self) -> bool:
        return self.unit == "%"


def year_on_year(this: Mapping[str, Any], last: Mapping[str, Any] | None) -> list[Change]:
    """Every numeric field's change against the previous round (None where either is blank)."""
    out = []
    for f in NUMERIC_FIELDS:
        a = this.get(f.key)
        b = (last or {}).get(f.key)
        change = growth = None
        if a is not None and b is not None:
            change = round(float(a) - float(b), 4)
            if float(b) != 0:
                growth = round((float(a) - float(b)) / abs(float(b)) * 100, 2)
        out.append(Change(f.key, f.label, f.unit, a, b, change, growth))
    return out


def display(f: Field, value: Any) -> str:
    """A value as the form prints it."""
    if value is None:
        return ""
    if f.kind == NAMES:
        return "、".join(value) if value else "无"
    if f.kind in (PERCENT, GROWTH):
        return f"{_fmt(float(value))}"
    if f.kind == NUMBER:
        return _fmt(float(value))
    return str(value)
