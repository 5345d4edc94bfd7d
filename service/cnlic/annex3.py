"""附件三 特色区域和产业集群基本情况表 as a typed schema and as XLSX in the annex's own layout,
both ways (RULES.md "Application tables").

The schema (``Annex3In``: 表一, 表二, 表四) is the ``annex3`` part of the filings' data
(file_application, file_reevaluation, file_rectification_review, file_title_change): field
names, Chinese titles, units and limits come from the row lists of ``domain.cnlic.annex3``, declared
once. The workbook has one sheet per table, laid out as the annex prints it — 表一 项目/单位/数值;
表二 项目/单位/three year columns/最近一年占全国同行业比重, with the years computed from the
procedure and today (never typed); one 表四 sheet per key firm — and reads back into the same
data, a refusal naming the sheet, row and cell.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Annotated, Any, ClassVar, Literal, Mapping

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from pydantic import BaseModel, ConfigDict, Field, StrictBool, create_model

from domain.cnlic import annex3 as A
from domain.errors import DomainError
from domain.limits import LIMITS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIGURE_MAX = 1e12
MAX_UNZIPPED = 32 * 1024 * 1024
TABLE1_SHEET = "表一 地区经济"
TABLE2_SHEET = "表二 集群基本情况"
FIRM_SHEET = "表四 重点企业"  # + " 1", " 2" …
HELP_SHEET = "填写说明"


class _Form(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    codes: ClassVar[dict[str, str]] = {}
    missing_codes: ClassVar[dict[str, str]] = {}
    unknown_code: ClassVar[str] = "annex3_invalid"


def _number_field(row: A.Row, title: str | None = None, default: Any = None) -> tuple[Any, Any]:
    hi = 100 if row.kind == "percent" else FIGURE_MAX
    kind: Any = Annotated[int, Field(strict=True)] if row.kind == "count" else \
        Annotated[float, Field(allow_inf_nan=False)]
    return kind | None, Field(default, title=title or row.label, description=f"{row.label}（单位：{row.unit}）",
                              ge=0, le=hi, json_schema_extra={"x-unit": row.unit})


Table1In = create_model("Table1In", __base__=_Form,
                        __doc__="附件三 基本情况表一 地区经济发展基本情况表：11 项，均须填写。",
                        **{r.key: _number_field(r) for r in A.TABLE1_ROWS})


def _row_model(kind: str) -> type[BaseModel]:
    typ: Any = Annotated[int, Field(strict=True)] if kind == "count" else Annotated[float, Field(allow_inf_nan=False)]
    hi = 100 if kind == "percent" else FIGURE_MAX
    fields: dict[str, Any] = {
        col: (typ | None, Field(None, title=title, ge=0, le=hi))
        for col, title in zip(A.YEAR_COLUMNS, ("第一列年度", "第二列年度", "第三列年度（最近一年）"))}
    fields[A.SHARE] = (Annotated[float, Field(allow_inf_nan=False)] | None,
                       Field(None, title="最近一年占全国同行业比重", description="单位：%", ge=0, le=100,
                             json_schema_extra={"x-unit": "%"}))
    return create_model(f"Table2Row{kind.title()}In", __base__=_Form,
                        __doc__="表二的一行：三个年度的数值和最近一年占全国同行业比重", **fields)


ROW_MODELS = {k: _row_model(k) for k in ("amount", "percent", "count")}
Table2In = create_model(
    "Table2In", __base__=_Form,
    __doc__="附件三 基本情况表二：申请命名的特色产业近三年数据（复评：第一列为初评或上一次复评年度，后两列为近两年）；"
            "列的年度由服务按程序和今天计算。",
    **{r.key: (ROW_MODELS[r.kind] | None, Field(None, title=r.label, description=f"单位：{r.unit}",
                                                json_schema_extra={"x-unit": r.unit}))
       for r in A.TABLE2_ROWS},
)


class FinanceRowIn(_Form):
    """表四 财务状况的一行（万元）。"""

    year: int = Field(title="年份", ge=1949, le=2200)
    total_assets: float | None = Field(None, title="总资产", ge=0, le=FIGURE_MAX, json_schema_extra={"x-unit": "万元"})
    net_assets: float | None = Field(None, title="净资产", ge=-FIGURE_MAX, le=FIGURE_MAX, json_schema_extra={"x-unit": "万元"})
    sales: float | None = Field(None, title="销售收入", ge=0, le=FIGURE_MAX, json_schema_extra={"x-unit": "万元"})
    profit_tax: float | None = Field(None, title="利税总额", ge=-FIGURE_MAX, le=FIGURE_MAX, json_schema_extra={"x-unit": "万元"})
    profit: float | None = Field(None, title="利润总额", ge=-FIGURE_MAX, le=FIGURE_MAX, json_schema_extra={"x-unit": "万元"})
    rnd: float | None = Field(None, title="研发费用", ge=0, le=FIGURE_MAX, json_schema_extra={"x-unit": "万元"})


class ProductRowIn(_Form):
    """表四 产品情况的一行（产能：万台、件、双、平方米/年；产量：万台/件/双/平方米；销售收入：万元）。"""

    name: str = Field(title="产品名称", min_length=1, max_length=LIMITS.name_chars)
    capacity: float | None = Field(None, title="年产能力（双班）", ge=0, le=FIGURE_MAX)
    prev_sales: float | None = Field(None, title="上两年度销售收入", ge=0, le=FIGURE_MAX)
    prev_output: float | None = Field(None, title="上两年度产量", ge=0, le=FIGURE_MAX)
    prev_exports: float | None = Field(None, title="上两年度出口量", ge=0, le=FIGURE_MAX)
    last_sales: float | None = Field(None, title="上年度销售收入", ge=0, le=FIGURE_MAX)
    last_output: float | None = Field(None, title="上年度产量", ge=0, le=FIGURE_MAX)
    last_exports: float | None = Field(None, title="上年度出口量", ge=0, le=FIGURE_MAX)


def _firm_field(key: str, label: str, unit: str, kind: str) -> tuple[Any, Any]:
    if kind == "text":
        return (str | None, Field(None, title=label, max_length=LIMITS.name_chars,
                                  **({"min_length": 1} if key == "name" else {})))
    if kind == "yesno":
        return StrictBool | None, Field(None, title=label)
    typ: Any = Annotated[int, Field(strict=True)] if kind == "count" else Annotated[float, Field(allow_inf_nan=False)]
    return typ | None, Field(None, title=label, description=f"单位：{unit}", ge=0, le=FIGURE_MAX,
                             json_schema_extra={"x-unit": unit})


BusinessType = Literal[tuple(A.BUSINESS_TYPES)]  # type: ignore[valid-type]
FirmIn = create_model(
    "FirmIn", __base__=_Form, __doc__="附件三 基本情况表四 行业重点企业基本情况表：每家重点企业一张。",
    **{k: _firm_field(k, label, unit, kind) for k, label, unit, kind in A.FIRM_FIELDS},
    business_types=(list[BusinessType] | None, Field(None, title="业务类型",  # type: ignore[valid-type]
                                                     description="、".join(A.BUSINESS_TYPES.values()), max_length=4)),
    finance=(list[FinanceRowIn] | None, Field(None, title="财务状况", description="每年一行（万元）",
                                              max_length=A.MAX_FINANCE_YEARS)),
    products=(list[ProductRowIn] | None, Field(None, title="产品情况", description="每种产品一行",
                                               max_length=A.MAX_PRODUCTS)),
)
FirmIn.missing_codes = {"name": "annex3_missing"}


class Annex3In(_Form):
    """附件三 特色区域和产业集群基本情况表：表一、表二、表四（每家重点企业一张）。"""

    missing_codes: ClassVar[dict[str, str]] = dict.fromkeys(("table1", "table2", "firms"), "annex3_missing")
    table1: Table1In = Field(title="基本情况表一 地区经济发展基本情况表")  # type: ignore[valid-type]
    table2: Table2In = Field(title="基本情况表二 特色区域和产业集群基本情况表")  # type: ignore[valid-type]
    table2_years: list[Annotated[int, Field(ge=1949, le=2200)]] | None = Field(
        None, title="表二的年度", description="由服务按程序和今天计算；填写时须与之一致", min_length=3, max_length=3,
        json_schema_extra={"x-computed": True})
    firms: list[FirmIn] = Field(title="基本情况表四 行业重点企业基本情况表",  # type: ignore[valid-type]
                                description=f"每家重点企业一张，至多 {A.MAX_FIRMS} 家", min_length=1,
                                max_length=A.MAX_FIRMS)


# ---------------------------------------------------------------- the workbook


BOLD = Font(bold=True)
HEAD = PatternFill("solid", fgColor="DDEBF7")
GIVEN = PatternFill("solid", fgColor="FFF2CC")  # prefilled from the cluster's record


def _head(ws: Any, row: int, values: list[str]) -> None:
    for c, v in enumerate(values, 1):
        cell = ws.cell(row, c, v)
        cell.font, cell.fill = BOLD, HEAD
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def template_xlsx(years: tuple[int, int, int], *, procedure_label: str, cluster_name: str = "",
                  data: Mapping[str, Any] | None = None, prefilled_column: int | None = None) -> bytes:
    """The workbook in the annex's layout for these year columns, with ``data`` (the same shape
    as the schema) filled in. ``prefilled_column`` marks the column prefilled from the record
    (a re-evaluation's previous evaluation)."""
    data = data or {}
    wb = Workbook()
    ws = wb.active
    ws.title = TABLE1_SHEET
    ws.append(["基本情况表一 地区经济发展基本情况表"])
    ws["A1"].font = Font(bold=True, size=13)
    _head(ws, 2, ["项目", "单位", "数值"])
    t1 = data.get("table1") or {}
    for r in A.TABLE1_ROWS:
        ws.append([r.label, r.unit, t1.get(r.key)])
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width, ws.column_dimensions["C"].width = 28, 12, 16

    ws = wb.create_sheet(TABLE2_SHEET)
    ws.append(["基本情况表二 轻工业特色区域和产业集群基本情况表"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([f"备注：1、本表中的数据均指申请命名的特色产业的基本情况；2、新申报的产业集群，填报近三年的数据；"
               f"3、复评的产业集群，第一列填报初评或上一次复评年度的数据，后两列填报近两年的数据。"
               f"本表（{procedure_label}）的年度由服务计算：{'、'.join(map(str, years))}。"])
    ws.append([f"填报单位（盖章）：{cluster_name}"])
    _head(ws, 4, ["项目", "单位", *(f"{y}年" for y in years), "最近一年占全国同行业比重（%）"])
    t2 = data.get("table2") or {}
    for r in A.TABLE2_ROWS:
        cells = t2.get(r.key) or {}
        ws.append([r.label, r.unit, *(cells.get(c) for c in A.YEAR_COLUMNS), cells.get(A.SHARE)])
        if prefilled_column is not None and cells.get(A.YEAR_COLUMNS[prefilled_column]) is not None:
            ws.cell(ws.max_row, 3 + prefilled_column).fill = GIVEN
    for col, width in zip("ABCDEF", (36, 10, 12, 12, 12, 22)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "C5"

    firms = list(data.get("firms") or []) or [{}]
    for i, firm in enumerate(firms, 1):
        _firm_sheet(wb.create_sheet(f"{FIRM_SHEET} {i}"), firm, years)

    ws = wb.create_sheet(HELP_SHEET)
    for line in (
        "附件三 特色区域和产业集群基本情况表：表一、表二各一张；表四每家重点企业一张（复制“表四 重点企业 1”工作表，"
        f"依次命名为“表四 重点企业 2”“表四 重点企业 3”……，至多 {A.MAX_FIRMS} 家）。",
        "请勿改动“项目”列和表头；数值只填数字，单位见“单位”列；不适用的留空。",
        f"表二必填的行：{'、'.join(A.TABLE2[k].label for k in A.TABLE2_REQUIRED)}（三个年度都要填写）。",
        "表二的年度由服务按程序和今天计算，请勿改动；复评时第一列（黄色）已按上次考评的记录预填，可核对修改。",
        "表四“业务类型”在相应选项后填“√”；财务单位为万元；是否为上市公司填“是”或“否”。",
    ):
        ws.append([line])
    ws.column_dimensions["A"].width = 120
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


FINANCE_HEAD_ROW = "财务状况"
PRODUCT_HEAD_ROW = "产品情况"
TYPES_ROW = "业务类型"


def _firm_sheet(ws: Any, firm: Mapping[str, Any], years: tuple[int, int, int]) -> None:
    ws.append(["基本情况表四 行业重点企业基本情况表"])
    ws["A1"].font = Font(bold=True, size=13)
    _head(ws, 2, ["企业基本情况", "填写", "单位"])
    for key, label, unit, kind in A.FIRM_FIELDS:
        value = firm.get(key)
        if kind == "yesno" and value is not None:
            value = "是" if value else "否"
        ws.append([label, value, unit])
    ws.append([])
    chosen = set(firm.get("business_types") or [])
    ws.append([TYPES_ROW, *(f"{label}{' √' if code in chosen else ''}" for code, label in A.BUSINESS_TYPES.items())])
    ws.cell(ws.max_row, 1).font = BOLD
    ws.append(["（在相应的选项后填“√”）"])
    ws.append([])
    ws.append([FINANCE_HEAD_ROW + "（万元）"])
    ws.cell(ws.max_row, 1).font = BOLD
    _head(ws, ws.max_row + 1, [label for _, label in A.FINANCE_COLUMNS])
    finance = list(firm.get("finance") or []) or [{"year": years[-1]}, {"year": years[-2]}]
    for rec in finance:
        ws.append([rec.get(k) for k, _ in A.FINANCE_COLUMNS])
    ws.append([])
    ws.append([PRODUCT_HEAD_ROW])
    ws.cell(ws.max_row, 1).font = BOLD
    _head(ws, ws.max_row + 1, [label for _, label in A.PRODUCT_COLUMNS])
    for rec in firm.get("products") or []:
        ws.append([rec.get(k) for k, _ in A.PRODUCT_COLUMNS])
    ws.append([])
    ws.append(["注：占地面积单位为“平方米”；财务类指标单位为“万元”；研发费用指与研发相关的所有费用；"
               "产能单位为“万台、件、双、平方米/年”，产量单位为“万台/件/双/平方米”。"])
    for col, width in zip("ABCDEFGH", (26, 16, 14, 14, 14, 14, 14, 14)):
        ws.column_dimensions[col].width = width


# ---------------------------------------------------------------- reading a filled workbook


def _where(sheet: str, row: int, col: int) -> str:
    return f"工作表“{sheet}”第 {row} 行 {get_column_letter(col)} 列"


def _cell_number(ws: Any, row: int, col: int, what: str, integer: bool = False) -> Any:
    v = ws.cell(row, col).value
    if _blank(v):
        return None
    if isinstance(v, str):
        text = v.strip().replace(",", "").replace("，", "").rstrip("%")
        try:
            v = float(text)
        except ValueError:
            raise DomainError("annex3_invalid", f"{_where(ws.title, row, col)}（{what}）应为数字，收到“{v[:40]}”") from None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise DomainError("annex3_invalid", f"{_where(ws.title, row, col)}（{what}）应为数字，收到“{str(v)[:40]}”")
    if integer:
        if not float(v).is_integer():
            raise DomainError("annex3_invalid", f"{_where(ws.title, row, col)}（{what}）应为整数，收到 {v}")
        return int(v)
    return int(v) if isinstance(v, int) else float(v)


def _rows_by_label(ws: Any, first: int, labels: dict[str, Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for r in range(first, ws.max_row + 1):
        v = ws.cell(r, 1).value
        if isinstance(v, str) and v.strip() in labels:
            found.setdefault(v.strip(), r)
    return found


def _open(content: bytes) -> Any:
    if len(content) > LIMITS.import_file_bytes:
        raise DomainError("file_too_large", f"附件三工作簿超过 {LIMITS.import_file_bytes // 1024 // 1024} MiB")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            if sum(i.file_size for i in z.infolist()) > MAX_UNZIPPED:
                raise DomainError("annex3_invalid", "附件三工作簿解压后过大")
        return load_workbook(io.BytesIO(content), data_only=True, read_only=False)
    except DomainError:
        raise
    except Exception:
        raise DomainError("annex3_invalid", "不是可读取的 XLSX 工作簿（请用下载的附件三模板填写）") from None


def parse_xlsx(content: bytes, years: tuple[int, int, int]) -> dict[str, Any]:
    """The filled workbook as the schema's data; a refusal names the sheet, row and column."""
    wb = _open(content)
    for name in (TABLE1_SHEET, TABLE2_SHEET):
        if name not in wb.sheetnames:
            raise DomainError("annex3_invalid", f"工作簿缺少工作表“{name}”（请用下载的附件三模板填写）")
    out: dict[str, Any] = {"table2_years": list(years)}

    ws = wb[TABLE1_SHEET]
    by_label = {r.label: r for r in A.TABLE1_ROWS}
    rows = _rows_by_label(ws, 3, by_label)
    t1: dict[str, Any] = {}
    for label, r in by_label.items():
        if label not in rows:
            raise DomainError("annex3_invalid", f"工作表“{TABLE1_SHEET}”缺少“{label}”一行（请勿改动“项目”列）")
        value = _cell_number(ws, rows[label], 3, label, integer=r.kind == "count")
        if value is not None:
            t1[r.key] = value
    out["table1"] = t1

    ws = wb[TABLE2_SHEET]
    head = None
    for r in range(1, min(ws.max_row, 12) + 1):
        if ws.cell(r, 1).value == "项目":
            head = r
            break
    if head is None:
        raise DomainError("annex3_invalid", f"工作表“{TABLE2_SHEET}”找不到表头“项目”行")
    for i, year in enumerate(years):
        got = str(ws.cell(head, 3 + i).value or "").strip()
        if got != f"{year}年":
            raise DomainError("annex3_years_mismatch",
                              f"{_where(TABLE2_SHEET, head, 3 + i)}的年度应为“{year}年”，收到“{got}”："
                              f"表二的年度由程序和今天决定（{'、'.join(map(str, years))}），请下载新的模板",
                              expected=list(years))
    by_label2 = {r.label: r for r in A.TABLE2_ROWS}
    rows = _rows_by_label(ws, head + 1, by_label2)
    t2: dict[str, Any] = {}
    for label, r in by_label2.items():
        if label not in rows:
            raise DomainError("annex3_invalid", f"工作表“{TABLE2_SHEET}”缺少“{label}”一行（请勿改动“项目”列）")
        cells: dict[str, Any] = {}
        for i, col in enumerate(A.YEAR_COLUMNS):
            v = _cell_number(ws, rows[label], 3 + i, f"{label} {years[i]} 年", integer=r.kind == "count")
            if v is not None:
                cells[col] = v
        share = _cell_number(ws, rows[label], 6, f"{label} 占全国比重")
        if share is not None:
            cells[A.SHARE] = share
        if cells:
            t2[r.key] = cells
    out["table2"] = t2

    firm_sheets = sorted((n for n in wb.sheetnames if n.startswith(FIRM_SHEET)),
                         key=lambda n: int(n.rsplit(" ", 1)[-1]) if n.rsplit(" ", 1)[-1].isdigit() else 10**6)
    firms = []
    for name in firm_sheets:
        firm = _parse_firm(wb[name])
        if firm:
            firms.append(firm)
    out["firms"] = firms
    return out


def _parse_firm(ws: Any) -> dict[str, Any]:
    fields = {label: (key, unit, kind) for key, label, unit, kind in A.FIRM_FIELDS}
    firm: dict[str, Any] = {}
    rows = _rows_by_label(ws, 3, {**fields, TYPES_ROW: None})
    for label, (key, unit, kind) in fields.items():
        r = rows.get(label)
        if r is None:
            continue
        v = ws.cell(r, 2).value
        if _blank(v):
            continue
        if kind == "text":
            firm[key] = str(int(v) if isinstance(v, float) and v.is_integer() else v).strip()
        elif kind == "yesno":
            text = str(v).strip()
            if text not in ("是", "否"):
                raise DomainError("annex3_invalid", f"{_where(ws.title, r, 2)}（{label}）应填“是”或“否”，收到“{text[:20]}”")
            firm[key] = text == "是"
        else:
            firm[key] = _cell_number(ws, r, 2, label, integer=kind == "count")
    r = rows.get(TYPES_ROW)
    if r is not None:
        chosen = []
        for c, (code, label) in enumerate(A.BUSINESS_TYPES.items(), 2):
            v = str(ws.cell(r, c).value or "")
            if "√" in v or "✓" in v or "☑" in v:
                chosen.append(code)
        if chosen:
            firm["business_types"] = chosen
    firm_finance = _table(ws, FINANCE_HEAD_ROW, A.FINANCE_COLUMNS, "year")
    if firm_finance:
        firm["finance"] = firm_finance
    products = _table(ws, PRODUCT_HEAD_ROW, A.PRODUCT_COLUMNS, "name")
    if products:
        firm["products"] = products
    if not firm.get("name") and set(firm) - {"finance"} == set():
        return {}  # an untouched sheet (the template's finance years only)
    return firm


def _table(ws: Any, title: str, columns: tuple[tuple[str, str], ...], first: str) -> list[dict[str, Any]]:
    start = None
    for r in range(1, ws.max_row + 1):
        v = ws.cell(r, 1).value
        if isinstance(v, str) and v.strip().startswith(title):
            start = r + 2  # the title, then the header
            break
    if start is None:
        return []
    out = []
    for r in range(start, ws.max_row + 1):
        values = [ws.cell(r, c).value for c in range(1, len(columns) + 1)]
        if all(_blank(v) for v in values):
            break
        rec: dict[str, Any] = {}
        for c, ((key, label), v) in enumerate(zip(columns, values), 1):
            if _blank(v):
                continue
            if key == "name":
                rec[key] = str(v).strip()
            else:
                rec[key] = _cell_number(ws, r, c, label, integer=key == "year")
        only_year = set(rec) == {"year"}
        if rec and not only_year:
            out.append(rec)
    return out


def prefill_from_record(years: tuple[int, int, int], evaluation_indicators: Mapping[str, Any] | None,
                        evaluation_year: int | None) -> dict[str, Any]:
    """A re-evaluation's 表二, its evaluation-year column filled with the figures recorded at
    the last evaluation of this cluster (never another's)."""
    if not evaluation_indicators or evaluation_year is None or evaluation_year not in years:
        return {}
    col = A.YEAR_COLUMNS[years.index(evaluation_year)]
    table2: dict[str, Any] = {}
    for indicator, (key, factor) in A.KEY_FIGURES.items():
        v = evaluation_indicators.get(indicator)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            value = v / factor
            if A.TABLE2[key].kind == "count":
                value = int(round(value))
            table2[key] = {col: round(value, 6) if isinstance(value, float) else value}
    return {"table2": table2}


# ---------------------------------------------------------------- for one cluster (API, page, CLI)

PROCEDURE_OF = {"file_application": "designation", "file_reevaluation": "reevaluation",
                "file_rectification_review": "rectification_review", "file_title_change": "title_change"}
PROCEDURE_LABELS = {"designation": "新申请", "reevaluation": "复评", "rectification_review": "整改复查",
                    "title_change": "称号变更"}


def action_for(action: str | None, stage: str) -> str:
    """The filing the tables are for: the one asked, or the one this stage files next."""
    if action:
        if action not in PROCEDURE_OF:
            raise DomainError("invalid_filter", f"附件三只随申请、复评、整改复查或称号变更提交，不随“{action}”")
        return action
    return {"designated": "file_reevaluation", "expired": "file_reevaluation",
            "rectification": "file_rectification_review"}.get(stage, "file_application")


def columns(action: str, facts: Mapping[str, Any], today: date) -> tuple[tuple[int, int, int], int | None]:
    """表二's years for this filing of this cluster today, and its last evaluation's year."""
    conferred = date.fromisoformat(facts["conferred_on"]) if facts.get("conferred_on") else None
    ev_year = A.evaluation_year_of(facts.get("evaluation_indicators"), conferred)
    return A.table2_years(PROCEDURE_OF[action], today, ev_year), ev_year


async def cluster_facts(console: Any, user: Any, key: str) -> tuple[Any, dict[str, Any]]:
    """The cluster's view (scope checked as for an action) and its annex facts (a query)."""
    from workflows.cnlic.designation import DesignationWorkflow

    _, view = await console.live_facts(user, key)
    facts = await console.lifecycle._query(key, DesignationWorkflow.annex_facts, "annex_facts")
    if view is None:
        view = await console.lifecycle.view(key)
    return view, facts


async def template_for(console: Any, user: Any, key: str, action: str | None) -> tuple[bytes, str]:
    """The workbook for this cluster's filing, its years computed, a re-evaluation's
    evaluation-year column prefilled from this cluster's last evaluation."""
    view, facts = await cluster_facts(console, user, key)
    action = action_for(action, view.stage)
    years, ev_year = columns(action, facts, view.today)
    data = {} if PROCEDURE_OF[action] in A.NEW_PROCEDURES else \
        prefill_from_record(years, facts.get("evaluation_indicators"), ev_year)
    name = view.profile.name or view.title or key
    content = template_xlsx(years, procedure_label=PROCEDURE_LABELS[PROCEDURE_OF[action]], cluster_name=name, data=data,
                            prefilled_column=years.index(ev_year) if data and ev_year in years else None)
    return content, f"{key}-annex3-{'-'.join(map(str, years))}.xlsx"


async def parse_for(console: Any, user: Any, key: str, action: str | None, content: bytes) -> dict[str, Any]:
    """A filled workbook as the ``annex3`` data of this cluster's filing (schema-checked)."""
    from pydantic import ValidationError

    from service.refusals import refusal

    view, facts = await cluster_facts(console, user, key)
    action = action_for(action, view.stage)
    years, _ = columns(action, facts, view.today)
    data = parse_xlsx(content, years)
    try:
        return Annex3In.model_validate(data).model_dump(mode="json", exclude_none=True)
    except ValidationError as e:
        raise refusal(e, Annex3In) from None


def as_form_values(data: Mapping[str, Any], prefix: str = "f_annex3") -> dict[str, str]:
    """The parsed tables as the action form's fields (so an upload fills the page's form)."""
    out: dict[str, str] = {}

    def put(name: str, v: Any) -> None:
        if v is None:
            return
        out[name] = ("yes" if v else "no") if isinstance(v, bool) else \
            (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))

    for k, v in (data.get("table1") or {}).items():
        put(f"{prefix}.table1.{k}", v)
    for k, cells in (data.get("table2") or {}).items():
        for col, v in cells.items():
            put(f"{prefix}.table2.{k}.{col}", v)
    for i, firm in enumerate(data.get("firms") or []):
        for k, v in firm.items():
            if k == "business_types":
                for j, code in enumerate(A.BUSINESS_TYPES):
                    if code in v:
                        out[f"{prefix}.firms.{i}.business_types.{j}"] = code
            elif not isinstance(v, list):
                put(f"{prefix}.firms.{i}.{k}", v)
    return out
