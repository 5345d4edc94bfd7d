"""附件2 考核表 as an XLSX workbook in the form's own layout, both ways (RULES.md "Program 3":
"a zone may fill the form as the XLSX and upload it"). The sheet prints the form as the seed
does — label, value, label, value, one or two fields a row — under a heading per group, with
the filer's block and the 填写说明 at its foot; 是/否 cells offer a list. A download is prefilled
with what the zone has written (or submitted); an upload is read back by the labels in columns
A and C (a clerk may insert a line), and every value is judged by ``domain.guangdong.form``:
a refused value is named by its cell and its label. A filled workbook round-trips exactly."""

from __future__ import annotations

import io
import zipfile
from typing import Any, Mapping

from domain.errors import DomainError
from domain.guangdong.form import (FIELDS, GROUP_LABELS, NAMES, PERCENT, GROWTH, ROWS, TEXT, YESNO,
                                   FormInvalid, check_form)
from domain.guangdong.zones import Zone
from domain.limits import LIMITS
from service.guangdong.rounds import CONTACT_FIELDS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "考核表"
TITLE = "广东省产业集群升级示范区考核表"
MAX_UNZIPPED = 16 * 1024 * 1024
MAX_ROWS = 400
ZONE_LABEL, YEAR_LABEL = "示范区编号", "数据年度"
NOTES = (
    "填写说明：1、本表是省产业集群升级示范区申报考核表，请认真填写，实事求是；",
    "2、除特别说明外，所有数据均为去年数据；",
    "3、集体荣誉称号指国家有关协会授予的荣誉称号；",
    "4、所有机构、园区、协会等要求填写全称，协会开展的活动要求简要说明；",
    "5、品牌建设中所获名牌、名标的企业名称和产品名称、商标名称等应在年度工作总结中加以说明；",
    "6、本表填写不下的，可附页填写（作为年度工作总结的附件上传）。",
    "7、是/否栏填“是”或“否”；名称栏每行一个名称（Alt+Enter 换行），没有的填“无”；百分比栏填数字（如 35 表示 35%）。",
)
CONTACT_LABELS = {label.replace(" ", ""): key for key, label in CONTACT_FIELDS.items()}


def _norm(value: Any) -> str:
    return "".join(str(value or "").split())


NORM_LABELS = {_norm(f.label): f for f in FIELDS}


def _cell_value(field: Any, value: Any) -> Any:
    if value is None:
        return None
    if field.kind == NAMES:
        return "\n".join(value) if value else "无"
    return value


def write_form(zone: Zone, data_year: int, values: Mapping[str, Any], contact: Mapping[str, Any] | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    for col, width in zip("ABCD", (44, 26, 44, 26)):
        ws.column_dimensions[col].width = width
    ws.merge_cells("A1:D1")
    ws["A1"] = TITLE
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws["A2"], ws["B2"], ws["C2"], ws["D2"] = ZONE_LABEL, zone.key, YEAR_LABEL, data_year
    ws["A3"], ws["B3"] = "示范区", zone.name
    ws.merge_cells("B3:D3")
    yes_no = DataValidation(type="list", formula1='"是,否"', allow_blank=True,
                            error="请填“是”或“否”", errorTitle="是/否")
    ws.add_data_validation(yes_no)
    r = 4
    group = None
    for cells in ROWS:
        if cells[0].group != group:
            group = cells[0].group
            r += 1
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
            ws.cell(r, 1, f"【{GROUP_LABELS[group]}】").font = Font(bold=True)
            ws.cell(r, 1).fill = PatternFill("solid", fgColor="E8EEF5")
        r += 1
        for i, f in enumerate(cells):
            label = ws.cell(r, 1 + 2 * i, f.label)
            label.alignment, label.border = wrap, box
            value = ws.cell(r, 2 + 2 * i, _cell_value(f, values.get(f.key)))
            value.alignment, value.border = wrap, box
            if f.kind in (PERCENT, GROWTH):
                value.number_format = "0.0#"
            if f.kind == YESNO:
                yes_no.add(value.coordinate)
        if len(cells) == 1:
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=4)
        if any(f.kind in (TEXT, NAMES) for f in cells):
            ws.row_dimensions[r].height = 60 if cells[0].key == "basic_facts" else 30
    r += 2
    for key, label in CONTACT_FIELDS.items():
        ws.cell(r, 1, label.replace(" ", "")).border = box
        ws.cell(r, 2, (contact or {}).get(key)).border = box
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=4)
        r += 1
    r += 1
    for note in NOTES:
        ws.cell(r, 1, note)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
        r += 1
    ws.freeze_panes = "A4"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _open(content: bytes) -> Any:
    limit = LIMITS.import_file_bytes
    if len(content) > limit:
        raise DomainError("file_too_large", f"考核表文件 {len(content) // 1024} KB，超过上限 {limit // (1024 * 1024)} MiB")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            inflated = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile:
        raise DomainError("file_invalid", "考核表文件不是有效的 XLSX（Excel 2007 及以后的格式），请用下载的考核表填写") from None
    if inflated > MAX_UNZIPPED:
        raise DomainError("file_too_large", f"考核表文件解压后超过 {MAX_UNZIPPED // (1024 * 1024)} MiB")
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(content), data_only=True)
    except Exception as e:  # a broken file: one line for the clerk
        raise DomainError("file_invalid", f"无法读取考核表文件（{e.__class__.__name__}），请用下载的考核表填写") from None


def _value(cell: Any, field: Any) -> Any:
    v = cell.value
    if isinstance(v, str):
        v = v.strip()
        if field.kind not in (TEXT, NAMES):
            v = v.replace("\n", "")
    if field.kind in (PERCENT, GROWTH) and isinstance(v, (int, float)) and not isinstance(v, bool) \
            and "%" in (cell.number_format or ""):
        v = round(v * 100, 10)  # typed as 35% in Excel: the cell holds 0.35
    if isinstance(v, float) and v.is_integer() and field.kind not in (PERCENT, GROWTH):
        v = int(v)
    return v


def read_form(content: bytes, zone: Zone, data_year: int) -> tuple[dict[str, Any], dict[str, str]]:
    """An uploaded 考核表: (the form's values in their kinds, the filer's block). Refuses a
    workbook of another zone or year, a missing field, and every refused value by its cell."""
    wb = _open(content)
    try:
        if SHEET not in wb.sheetnames:
            raise DomainError("file_invalid", f"考核表文件没有“{SHEET}”工作表，请用下载的考核表填写")
        ws = wb[SHEET]
        if ws.max_row > MAX_ROWS:
            raise DomainError("file_invalid", f"考核表有 {ws.max_row} 行，超过 {MAX_ROWS} 行：请用下载的考核表填写")
        raw: dict[str, Any] = {}
        where: dict[str, str] = {}
        contact: dict[str, str] = {}
        marks: dict[str, Any] = {}
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=4):
            for i in (0, 2):
                label = _norm(row[i].value)
                if not label:
                    continue
                if label in (ZONE_LABEL, YEAR_LABEL):
                    marks[label] = row[i + 1].value
                    continue
                f = NORM_LABELS.get(label)
                if f is not None and f.key not in raw:
                    raw[f.key] = _value(row[i + 1], f)
                    where[f.key] = row[i + 1].coordinate
                elif i == 0 and label in CONTACT_LABELS and row[1].value is not None:
                    contact[CONTACT_LABELS[label]] = str(row[1].value).strip()[:200]
        if str(marks.get(ZONE_LABEL) or "").strip() != zone.key:
            raise DomainError("form_other_zone", f"这份考核表是 {marks.get(ZONE_LABEL) or '（未写明）'} 的，不是 {zone.key}"
                                                 f"（{zone.name}）的：请下载本示范区的考核表填写")
        if str(marks.get(YEAR_LABEL) or "").strip() != str(data_year):
            raise DomainError("form_other_year", f"这份考核表是 {marks.get(YEAR_LABEL) or '（未写明）'} 年度的，不是 "
                                                 f"{data_year} 年度的")
        lost = [f for f in FIELDS if f.key not in raw]
        if lost:
            raise DomainError("form_field_missing", f"考核表缺少“{lost[0].label}”一栏"
                                                    + (f"等 {len(lost)} 栏" if len(lost) > 1 else "")
                                                    + "：请勿删改表格的栏目名称")
        try:
            values = check_form(raw, complete=False)
        except FormInvalid as e:
            problems = [DomainError(p.code, f"{SHEET}!{where[p.details['field']]} {p.message}", **p.details)
                        if p.details.get("field") in where else p for p in e.problems]
            raise FormInvalid(problems) from None
        return values, contact
    finally:
        wb.close()
