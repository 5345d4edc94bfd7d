"""Program 4's tabular forms as XLSX, both ways, in the forms' own layout (issue 13 item 4):

- the 年度总结报告 (seeds/003 附件1): 总体进度, the 11 区域品牌建设情况 items with their boxes as
  a choice list, the training and brand-system counts, the 主要指标 table (申报时 / 上一年, in the
  form's two halves) and 第二部分's sections;
- the 申报书 (seeds/004 附件1): 第一部分 as label / value rows, the 主导产业 table, 第二部分 试点工作方案
  and the 申报条件承诺.

Reading back names every refused cell (``总结报告!C9 “区域品牌集体商标”应为：已注册、正在申请、…``),
then the schema checks the whole form; nothing is half-read.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any, Literal, get_args, get_origin

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation
from pydantic import BaseModel

from domain.brand.policy import PROGRESS_CHOICES, STATUS_ITEMS, SUMMARY_INDICATORS
from domain.errors import DomainError
from domain.limits import LIMITS
from service.brand import forms
from store.brand import repo

SUMMARY_SHEET = "总结报告"
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
# the summary's fixed rows
ROW_YEAR, ROW_DATE, ROW_PROGRESS = 3, 4, 5
ROW_STATUS = 8  # the 11 items, then the amount and the two counts
ROW_INDICATORS = 24  # header; rows follow
HALF = 6  # the form prints 6 indicators on the left, 5 on the right
ROW_TEXT = 32
TEXT_FIELDS = list(forms.SummaryTextIn.model_fields.items())


class CellErrors(Exception):
    pass


def _fail(sheet: str, cell: str, label: str, what: str) -> DomainError:
    return DomainError("xlsx_invalid", f"{sheet}!{cell}（{label}）{what}")


def _open(content: bytes):
    if len(content) > LIMITS.import_file_bytes:
        raise DomainError("body_too_large", f"文件超过 {LIMITS.import_file_bytes // 1024 // 1024} MiB")
    try:
        return load_workbook(io.BytesIO(content), data_only=True, read_only=False)
    except Exception:  # noqa: BLE001 - any unreadable file is one line to the clerk
        raise DomainError("xlsx_invalid", "文件不是有效的 XLSX 工作簿") from None


def _number(ws, cell: str, label: str, integer: bool = False) -> float | int | None:
    v = ws[cell].value
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    try:
        n = float(str(v).strip()) if not isinstance(v, (int, float)) else float(v)
    except ValueError:
        raise _fail(ws.title, cell, label, f"应为数字，收到“{str(v)[:40]}”") from None
    if integer:
        if not n.is_integer():
            raise _fail(ws.title, cell, label, f"应为整数，收到“{v}”")
        return int(n)
    return n


def _text(ws, cell: str) -> str | None:
    v = ws[cell].value
    if v is None:
        return None
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    s = str(v).strip()
    return s or None


def _choice(ws, cell: str, label: str, choices: tuple[str, ...]) -> str | None:
    v = _text(ws, cell)
    if v is not None and v not in choices:
        raise _fail(ws.title, cell, label, f"应为：{'、'.join(choices)}，收到“{v[:40]}”")
    return v


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _list_validation(ws, cell: str, choices: tuple[str, ...]) -> None:
    dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
    ws.add_data_validation(dv)
    dv.add(cell)


# ---------------------------------------------------------------- 年度总结报告


def summary_workbook(data: dict[str, Any] | None) -> bytes:
    """The form (blank, or filled from a filed report)."""
    data = data or {}
    wb = Workbook()
    ws = wb.active
    ws.title = SUMMARY_SHEET
    ws["A1"] = "产业集群区域品牌建设试点工作总结报告（第一部分 总体推进情况；第二部分 试点工作总结）"
    ws["A1"].font = BOLD
    for row, label, key in ((ROW_YEAR, "报告年度（本期第几年）", "year_no"), (ROW_DATE, "报告日期", "reported_on"),
                            (ROW_PROGRESS, "总体进度", "progress")):
        ws.cell(row, 1, label).font = BOLD
        ws.cell(row, 2, data.get(key))
    _list_validation(ws, f"B{ROW_PROGRESS}", PROGRESS_CHOICES)
    ws.cell(ROW_PROGRESS, 3, "可选：" + "、".join(PROGRESS_CHOICES))
    ws.cell(ROW_STATUS - 1, 1, "区域品牌建设情况").font = BOLD
    ws.cell(ROW_STATUS - 1, 2, "填写").font = BOLD
    ws.cell(ROW_STATUS - 1, 3, "可选").font = BOLD
    status = data.get("status") or {}
    for i, (key, label, choices) in enumerate(STATUS_ITEMS):
        r = ROW_STATUS + i
        ws.cell(r, 1, label)
        ws.cell(r, 2, status.get(key))
        ws.cell(r, 3, "、".join(choices))
        _list_validation(ws, f"B{r}", choices)
    extra = ROW_STATUS + len(STATUS_ITEMS)
    for j, (key, label) in enumerate((("incentive_amount", "品牌奖励激励资金支持力度（万元）"),
                                      ("training_count", "试点以来品牌培训人次"),
                                      ("brand_system_firms", "试点以来导入品牌培育管理体系企业数"))):
        ws.cell(extra + j, 1, label)
        ws.cell(extra + j, 2, status.get(key))
    ws.cell(ROW_INDICATORS - 1, 1, "主导产业主要指标情况（适用时）").font = BOLD
    for c, h in enumerate(("指标名称", "申报时", "上一年", "指标名称", "申报时", "上一年"), 1):
        ws.cell(ROW_INDICATORS, c, h).font = BOLD
    ind = data.get("indicators") or {}
    for i, (key, label, unit) in enumerate(SUMMARY_INDICATORS):
        r, c = ROW_INDICATORS + 1 + (i % HALF), 1 + 3 * (i // HALF)
        pair = ind.get(key) or {}
        ws.cell(r, c, f"{label}（{unit}）")
        ws.cell(r, c + 1, pair.get("at_application"))
        ws.cell(r, c + 2, pair.get("last_year"))
    ws.cell(ROW_TEXT - 1, 1, "第二部分 试点工作总结").font = BOLD
    report = data.get("report") or {}
    for i, (key, f) in enumerate(TEXT_FIELDS):
        ws.cell(ROW_TEXT + i, 1, f.title)
        cell = ws.cell(ROW_TEXT + i, 2, report.get(key))
        cell.alignment = WRAP
    ws.column_dimensions["A"].width = 36
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["C"].width = 40
    return _save(wb)


def read_summary_workbook(content: bytes) -> dict[str, Any]:
    """The filled form as ``submit_summary``'s data."""
    wb = _open(content)
    if SUMMARY_SHEET not in wb.sheetnames:
        raise DomainError("xlsx_invalid", f"工作簿中没有“{SUMMARY_SHEET}”工作表，请使用下载的模板")
    ws = wb[SUMMARY_SHEET]
    data: dict[str, Any] = {"year_no": _number(ws, f"B{ROW_YEAR}", "报告年度", integer=True),
                            "reported_on": _text(ws, f"B{ROW_DATE}"),
                            "progress": _choice(ws, f"B{ROW_PROGRESS}", "总体进度", PROGRESS_CHOICES)}
    status: dict[str, Any] = {}
    for i, (key, label, choices) in enumerate(STATUS_ITEMS):
        status[key] = _choice(ws, f"B{ROW_STATUS + i}", label, choices)
    extra = ROW_STATUS + len(STATUS_ITEMS)
    status["incentive_amount"] = _number(ws, f"B{extra}", "品牌奖励激励资金支持力度")
    status["training_count"] = _number(ws, f"B{extra + 1}", "试点以来品牌培训人次", integer=True)
    status["brand_system_firms"] = _number(ws, f"B{extra + 2}", "导入品牌培育管理体系企业数", integer=True)
    data["status"] = status
    ind: dict[str, Any] = {}
    cols = "ABCDEF"
    for i, (key, label, _unit) in enumerate(SUMMARY_INDICATORS):
        r, c = ROW_INDICATORS + 1 + (i % HALF), 3 * (i // HALF)
        pair = {"at_application": _number(ws, f"{cols[c + 1]}{r}", f"{label} 申报时"),
                "last_year": _number(ws, f"{cols[c + 2]}{r}", f"{label} 上一年")}
        if any(v is not None for v in pair.values()):
            ind[key] = {k: v for k, v in pair.items() if v is not None}
    data["indicators"] = ind
    data["report"] = {key: _text(ws, f"B{ROW_TEXT + i}") for i, (key, _f) in enumerate(TEXT_FIELDS)}
    return _checked(forms.SummaryData, data, "年度总结报告")


def _prune(value: Any) -> Any:
    if isinstance(value, dict):
        out = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v is not None and v != {}}
    return value


def _checked(model: type[forms.Form], data: dict[str, Any], what: str) -> dict[str, Any]:
    return forms.parse(model, _prune(data), what).model_dump(mode="json", exclude_none=True)


def filed_summary(engine, key: str, cycle: int, year_no: int) -> dict[str, Any]:
    """A filed report's data (the journal's action event), matched by cycle and year."""
    events = repo.action_events(engine, "submit_summary", key)
    # the cycle a report belongs to is the one in force when it was filed: count the title decisions before it
    decisions = [r for r in repo.journal(engine, f"brand.{key}") if r.kind == "title" and r.data.get("status") == "granted"]
    for e in events:
        c = sum(1 for d in decisions if d.seq < e.seq)
        if c == cycle and e.data["data"].get("year_no") == year_no:
            return e.data["data"]
    raise DomainError("summary_unknown", f"试点 {key} 没有第 {cycle} 期第 {year_no} 年的总结报告")


# ---------------------------------------------------------------- 申报书


def _sections() -> list[tuple[str, str, type[BaseModel]]]:
    return [("第一部分 区域情况", "region", forms.BrandRegionIn), ("产业构成", "composition", forms.CompositionIn),
            ("上一年度数据", "figures", forms.FiguresIn), ("质量品牌基础", "quality", forms.QualityIn),
            ("第二部分 试点工作方案", "plan", forms.PlanIn), ("申报条件承诺", "eligibility", forms.EligibilityIn),
            ("推荐表", "recommendation", forms.RecommendationHeaderIn)]


INDUSTRY_SHEET = "主导产业"


def _kind(ann: Any) -> tuple[str, tuple[str, ...]]:
    if get_origin(ann) is Literal:
        return "choice", tuple(str(x) for x in get_args(ann))
    args = [a for a in get_args(ann) if a is not type(None)] or [ann]
    a = args[0]
    while get_origin(a) is not None and get_origin(a) is not Literal:
        a = get_args(a)[0]
    if get_origin(a) is Literal:
        return "choice", tuple(str(x) for x in get_args(a))
    if a is bool:
        return "bool", ()
    if a is int:
        return "int", ()
    if a is float:
        return "float", ()
    return "text", ()


def _labels(f) -> dict[str, str]:
    extra = f.json_schema_extra if isinstance(f.json_schema_extra, dict) else {}
    return dict(extra.get("x-labels") or {})


def application_workbook(data: dict[str, Any] | None) -> bytes:
    data = data or {}
    wb = Workbook()
    wb.remove(wb.active)
    for title, key, model in _sections():
        ws = wb.create_sheet(title)
        ws.append(["项目", "填写", "说明"])
        for c in ws[1]:
            c.font = BOLD
        values = data.get(key) or {}
        for name, f in model.model_fields.items():
            kind, choices = _kind(f.annotation)
            labels = _labels(f)
            value = values.get(name)
            if kind == "bool" and value is not None:
                value = "是" if value else "否"
            if labels and value is not None:
                value = labels.get(value, value)
            note = f.description or ""
            if kind == "choice":
                shown = tuple(labels.get(c, c) for c in choices)
                note = ("可选：" + "、".join(shown) + "；" + note).rstrip("；")
            elif kind == "bool":
                note = ("填“是”或“否”；" + note).rstrip("；")
            ws.append([f.title + ("" if f.is_required() else "（可不填）"), value, note])
            r = ws.max_row
            ws.cell(r, 2).alignment = WRAP
            if kind == "choice":
                _list_validation(ws, f"B{r}", tuple(labels.get(c, c) for c in choices))
            elif kind == "bool":
                _list_validation(ws, f"B{r}", ("是", "否"))
        ws.column_dimensions["A"].width = 40
        ws.column_dimensions["B"].width = 60
        ws.column_dimensions["C"].width = 50
    ws = wb.create_sheet(INDUSTRY_SHEET, 1)
    fields = list(forms.IndustryIn.model_fields.items())
    ws.append([f.title + (f"（{_unit(f)}）" if _unit(f) else "") for _n, f in fields])
    for c in ws[1]:
        c.font = BOLD
    for ind in data.get("industries") or []:
        ws.append([ind.get(n) for n, _f in fields])
    return _save(wb)


def _unit(f) -> str:
    extra = f.json_schema_extra if isinstance(f.json_schema_extra, dict) else {}
    return str(extra.get("x-unit") or "")


def read_application_workbook(content: bytes) -> dict[str, Any]:
    wb = _open(content)
    data: dict[str, Any] = {}
    for title, key, model in _sections():
        if title not in wb.sheetnames:
            raise DomainError("xlsx_invalid", f"工作簿中没有“{title}”工作表，请使用下载的模板")
        ws = wb[title]
        values: dict[str, Any] = {}
        for i, (name, f) in enumerate(model.model_fields.items()):
            cell = f"B{i + 2}"
            kind, choices = _kind(f.annotation)
            if kind == "int":
                values[name] = _number(ws, cell, f.title, integer=True)
            elif kind == "float":
                values[name] = _number(ws, cell, f.title)
            elif kind == "bool":
                v = _text(ws, cell)
                if v is not None and v not in ("是", "否"):
                    raise _fail(title, cell, f.title, f"应为“是”或“否”，收到“{v[:20]}”")
                values[name] = None if v is None else v == "是"
            elif kind == "choice":
                labels = _labels(f)
                back = {lbl: code for code, lbl in labels.items()}
                v = _text(ws, cell)
                if v is not None:
                    v = back.get(v, v)
                    if v not in choices:
                        shown = "、".join(labels.get(c, c) for c in choices)
                        raise _fail(title, cell, f.title, f"应为：{shown}")
                values[name] = v
            else:
                values[name] = _text(ws, cell)
        data[key] = values
    if INDUSTRY_SHEET not in wb.sheetnames:
        raise DomainError("xlsx_invalid", f"工作簿中没有“{INDUSTRY_SHEET}”工作表，请使用下载的模板")
    ws = wb[INDUSTRY_SHEET]
    fields = list(forms.IndustryIn.model_fields.items())
    industries = []
    for r in range(2, min(ws.max_row, 12) + 1):
        row: dict[str, Any] = {}
        for c, (name, f) in enumerate(fields):
            cell = f"{'ABCDEFGH'[c]}{r}"
            row[name] = _text(ws, cell) if name == "name" else _number(ws, cell, f.title)
        if any(v is not None for v in row.values()):
            industries.append({k: v for k, v in row.items() if v is not None})
    data["industries"] = industries
    return _checked(forms.BrandApplicationData, data, "申报书")
