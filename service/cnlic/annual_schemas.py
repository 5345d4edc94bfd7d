"""附件五, the annual report (§四(一)), as one schema (issue 11): the header, the 20 rows with
the 或 choice, and the 龙头企业 table; the console form, the API, the CLI file and the XLSX
(``service.cnlic.annex5``) all read it. Part of ``service.cnlic.actions``, which lists it."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, create_model

from domain.cnlic.annual_report import (CHOICE_KEY, FIRM_COLUMNS, GREEN_SINCE, HEADER_FIELDS, LEADING_FIRMS_MAX,
                                        MARKET_SHARE_BASIS)
from domain.cnlic.rules import ANNUAL_INDICATORS
from service.cnlic.action_base import FIGURE_MAX, TEXT, ActionData, Finite, ShortText, unit

def _annual_field(spec: Any) -> tuple[Any, Any]:
    u = spec.unit or "—"
    row = f"第 {spec.row} 行"
    if spec.kind == "text":
        return str, Field(title=spec.label, description=f"{row}，{spec.label}（{u}）；没有的填“无”",
                          min_length=1, max_length=TEXT)
    note = {"green_products": "2016 年绿色制造体系推广以来的累计数（附件五 注3，绿色供应链同），不少于上一年度报送的数",
            "green_factories": "2016 年绿色制造体系推广以来的累计数（附件五 注3），不少于上一年度报送的数",
            "market_share": "按所选口径（市场占有率或行业占比）填写"}.get(spec.key, spec.label)
    if spec.kind == "count":
        return int, unit(spec.label, u, f"{row}，{note}", ge=0, le=FIGURE_MAX)
    lo = 0 if spec.kind in ("amount", "percent") else -FIGURE_MAX
    hi = 100 if spec.kind == "percent" else FIGURE_MAX
    return Finite, unit(spec.label, u, f"{row}，{note}", ge=lo, le=hi)


def _annual_fields() -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for s in ANNUAL_INDICATORS:
        if s.key == "market_share":  # 注1: the 或 row's choice stands just before its figure
            fields[CHOICE_KEY] = (Literal[tuple(MARKET_SHARE_BASIS)], Field(  # type: ignore[valid-type]
                title="第 10 行口径", description="附件五 注1：勾选填报的是市场占有率还是行业占比"))
        fields[s.key] = _annual_field(s)
    return fields


AnnualIndicatorsIn = create_model(
    "AnnualIndicatorsIn", __base__=ActionData,
    __doc__="附件五 的 20 行指标：除同比外均须填写（同比增长由服务按上一年度的报表计算）。",
    **_annual_fields(),
)
AnnualIndicatorsIn.unknown_code = "indicator_unknown"
AnnualIndicatorsIn.codes = {**{s.key: "indicator_invalid" for s in ANNUAL_INDICATORS}, CHOICE_KEY: "annual_choice_missing"}
AnnualIndicatorsIn.missing_codes = {**{s.key: "indicator_missing" for s in ANNUAL_INDICATORS},
                                    CHOICE_KEY: "annual_choice_missing"}


class AnnualHeaderIn(ActionData):
    """附件五 表头。"""

    missing_codes: ClassVar[dict[str, str]] = dict.fromkeys((k for k, _ in HEADER_FIELDS), "annual_header_missing")
    location: ShortText = Field(title="产业集群所在地", description="省、市、县（区）")
    cluster_name: ShortText = Field(title="产业集群名称", description="产业集群的名称")
    filer: ShortText = Field(title="填表单位", description="报送的人民政府或有关部门")
    contact: ShortText = Field(title="联系人", description="填表联系人姓名")
    phone: ShortText = Field(title="电话", description="联系人电话", max_length=40)


def _firm_field(col: Any) -> tuple[Any, Any]:
    if col.kind == "text":
        return ShortText, Field(title=col.label, description=col.label)
    if col.kind == "count":
        return int, unit(col.label, col.unit, col.label, ge=0, le=FIGURE_MAX)
    lo = -FIGURE_MAX if col.kind == "signed" else 0
    return Finite, unit(col.label, col.unit, col.label, ge=lo, le=FIGURE_MAX)


LeadingFirmIn = create_model(
    "LeadingFirmIn", __base__=ActionData,
    __doc__="附件五-附表 产业集群内龙头企业基本情况：一家企业一行，12 列均须填写。",
    **{c.key: _firm_field(c) for c in FIRM_COLUMNS},
)
LeadingFirmIn.unknown_code = "annual_firms_invalid"
LeadingFirmIn.codes = dict.fromkeys((c.key for c in FIRM_COLUMNS), "annual_firms_invalid")
LeadingFirmIn.missing_codes = dict.fromkeys((c.key for c in FIRM_COLUMNS), "annual_firms_missing")


class AnnualReportData(ActionData):
    """报送年度发展情况（§四(一)，附件五）：上一年度的表头、20 行指标和龙头企业基本情况，每年 4 月 30 日前。"""

    missing_codes: ClassVar[dict[str, str]] = {"indicators": "indicator_missing", "header": "annual_header_missing"}
    codes: ClassVar[dict[str, str]] = {"leading_firms": "annual_firms_invalid"}
    year: int = Field(title="报告年度", description="报表所属的年度（上一年），如 2026（单位：年）", ge=GREEN_SINCE, le=2200,
                      json_schema_extra={"x-unit": "年"})
    header: AnnualHeaderIn = Field(title="表头", description="产业集群所在地、名称、填表单位、联系人及电话")
    indicators: AnnualIndicatorsIn = Field(title="主要指标", description="附件五 的 20 行；同比由服务计算")  # type: ignore
    leading_firms: list[LeadingFirmIn] = Field(  # type: ignore[valid-type]
        default_factory=list, title="龙头企业基本情况（附件五-附表）",
        description=f"第 6 行所填的龙头企业逐家列出，至多 {LEADING_FIRMS_MAX} 家", max_length=LEADING_FIRMS_MAX)
