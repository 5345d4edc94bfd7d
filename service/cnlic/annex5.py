"""附件五 年度报表 as an XLSX workbook in the annex's own layout, both ways (issue 11): the
header block, the 20 rows with 本年 / 上年 / 同比 columns as the annex prints them (13 and 15
hold "国家级：… 省级：…" in one cell, the 或 row is ticked in its name cell), the notes, and the
附表 of 龙头企业 (8 rows × 序号 + 12 columns). The download is prefilled with what the service
knows (the cluster's name and region, the last report's header, last year's figures); an
upload is read back into ``service.cnlic.actions.AnnualReportData`` with every problem named by its
sheet and cell. A filled workbook round-trips exactly.

Also the reports a cluster has filed, from the journal (texts and all), and the record of
reports filed and missing since conferral (``domain.cnlic.annual_report``) for the cluster page.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from domain.cnlic.annual_report import (
    ANNEX_ROWS,
    ANNUAL_BY_KEY,
    CHOICE_KEY,
    FIRM_COLUMNS,
    GREEN_SINCE,
    HEADER_FIELDS,
    LEADING_FIRMS_MAX,
    MARKET_SHARE_BASIS,
    AnnualReportRecord,
    annual_report_record,
    figures_of,
    growth_text,
    year_on_year,
)
from domain.errors import DomainError
from domain.limits import LIMITS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAIN_SHEET = "附件五"
FIRMS_SHEET = "附件五-附表"
MAX_UNZIPPED = 16 * 1024 * 1024
MAX_ERRORS = 8  # named in one refusal; the rest counted

# the layout (1-based rows): the header block, then the table
TITLE = "特色区域和产业集群发展情况年度报表"
HEADER_ROWS = {"location": 3, "cluster_name": 4, "filer": 5, "contact": 6}
HEADER_LABELS = {"location": "产业集群所在地:", "cluster_name": "产业集群名称:", "filer": "填表单位:",
                 "contact": "联系人及电话:"}
TABLE_HEAD = 8
FIRST_ROW = TABLE_HEAD + 1
NOTES = (
    "注: 1. 涉及到“或”选项, 请勾选, 例如 市场占有率(或行业占比) 或 市场占有率(或行业占比);",
    "2. 同比增速: 没有, 可不填;",
    f"3. 绿色设计产品、绿色工厂、绿色供应链, 填报自 {GREEN_SINCE} 年绿色制造体系推广以来的累计数;",
    "4. 公共服务平台: 例如检测中心、电子商务、金融服务等公共服务平台。",
)
TICK, BOX = "☑", "□"
CHOICE_OPTIONS = {basis: "".join(f"{TICK if b == basis else BOX}{label}" for b, label in MARKET_SHARE_BASIS.items())
                  for basis in MARKET_SHARE_BASIS}
CHOICE_BLANK = f"{BOX}市场占有率{BOX}行业占比（或：请勾选其一）"
FIRMS_HEAD = 2  # the 附表's column heads; firms from row 3
PARTS = ("国家级", "省级")


def _cell_text(values: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    """What a row's 本年 (or 上年) cell shows: the figure, or 国家级/省级 in one cell."""
    if len(keys) == 1:
        return values.get(keys[0])
    parts = [f"{p}：{_fmt(values.get(k))}" for p, k in zip(PARTS, keys)]
    return "  ".join(parts)


def _growth_cell(growth: Mapping[str, Any], keys: tuple[str, ...]) -> str:
    if len(keys) == 1:
        return growth_text(keys[0], growth.get(keys[0]))
    return "  ".join(f"{p}：{growth_text(k, growth.get(k))}" for p, k in zip(PARTS, keys))


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


# ---------------------------------------------------------------- writing


def workbook(year: int, header: Mapping[str, str] | None = None, previous: Mapping[str, Any] | None = None,
             report: Mapping[str, Any] | None = None) -> bytes:
    """The annex for ``year``: ``header`` prefills the header block, ``previous`` (last year's
    figures) the 上年 column, ``report`` (AnnualReportData's shape) the whole form; 同比 is
    written where both years are known."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    report = report or {}
    header = dict(header or {}) | dict(report.get("header") or {})
    indicators = dict(report.get("indicators") or {})
    previous = dict(previous or {})
    growth = year_on_year(indicators, previous) if indicators and previous else {}
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")

    wb = Workbook()
    ws = wb.active
    ws.title = MAIN_SHEET
    ws["A1"] = "附件五"
    ws["A2"] = TITLE
    ws["A2"].font = Font(bold=True, size=14)
    ws["A2"].alignment = Alignment(horizontal="center")
    ws.merge_cells("A2:E2")
    for key, row in HEADER_ROWS.items():
        ws.cell(row, 1, HEADER_LABELS[key]).font = Font(bold=True)
        ws.cell(row, 2, header.get(key) or None)
    ws.merge_cells("B3:E3")
    ws.merge_cells("B4:E4")
    ws.merge_cells("B5:E5")
    ws.cell(HEADER_ROWS["contact"], 3, "电话:").font = Font(bold=True)
    ws.cell(HEADER_ROWS["contact"], 4, header.get("phone") or None)
    heads = ("指标名称", "计量单位", f"{year} 年", f"{year - 1} 年（上年）", "同比增长/%")
    for c, text in enumerate(heads, start=1):
        cell = ws.cell(TABLE_HEAD, c, text)
        cell.font = Font(bold=True)
        cell.border = box
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    choice = DataValidation(type="list", formula1='"' + ",".join(CHOICE_OPTIONS.values()) + '"', allow_blank=False,
                            showErrorMessage=True, errorTitle="第 10 行", error="请选择市场占有率或行业占比之一")
    ws.add_data_validation(choice)
    for i, row in enumerate(ANNEX_ROWS):
        r = FIRST_ROW + i
        name = row.label
        if row.no == 10:
            basis = indicators.get(CHOICE_KEY)
            name = CHOICE_OPTIONS.get(basis, CHOICE_BLANK) if basis else CHOICE_BLANK
            choice.add(ws.cell(r, 1))
        spec = ANNUAL_BY_KEY[row.keys[0]]
        this = _cell_text(indicators, row.keys) if indicators else (
            "  ".join(f"{p}：" for p in PARTS) if len(row.keys) > 1 else None)
        last = _cell_text(previous, row.keys) if previous and spec.numeric else None
        if last is not None and len(row.keys) > 1 and not any(previous.get(k) is not None for k in row.keys):
            last = None
        grow = _growth_cell(growth, row.keys) if growth and spec.numeric else None
        for c, value in enumerate((name, row.unit or None, this, last, grow), start=1):
            cell = ws.cell(r, c, value if value != "" else None)
            cell.border = box
            cell.alignment = wrap
    for i, note in enumerate(NOTES):
        ws.cell(FIRST_ROW + len(ANNEX_ROWS) + 1 + i, 1, note)
    for letter, width in zip("ABCDE", (40, 10, 26, 26, 16)):
        ws.column_dimensions[letter].width = width

    fs = wb.create_sheet(FIRMS_SHEET)
    fs["A1"] = "产业集群内龙头企业基本情况"
    fs["A1"].font = Font(bold=True, size=13)
    fs.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(FIRM_COLUMNS) + 1)
    for c, text in enumerate(("序号",) + tuple(_firm_head(col) for col in FIRM_COLUMNS), start=1):
        cell = fs.cell(FIRMS_HEAD, c, text)
        cell.font = Font(bold=True)
        cell.border = box
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    firms = list(report.get("leading_firms") or [])
    for n in range(LEADING_FIRMS_MAX):
        r = FIRMS_HEAD + 1 + n
        fs.cell(r, 1, n + 1).border = box
        firm = firms[n] if n < len(firms) else {}
        for c, col in enumerate(FIRM_COLUMNS, start=2):
            value = firm.get(col.key)
            cell = fs.cell(r, c, value)
            cell.border = box
            if col.kind == "text":
                cell.number_format = "@"  # a mobile number stays text
    for c in range(1, len(FIRM_COLUMNS) + 2):
        fs.column_dimensions[fs.cell(FIRMS_HEAD, c).column_letter].width = 6 if c == 1 else 14
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _firm_head(col: Any) -> str:
    return f"{col.label} ({col.unit})" if col.unit else col.label


# ---------------------------------------------------------------- reading


class _Errors:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, sheet: str, ref: str, what: str) -> None:
        self.items.append(f"{sheet}!{ref} {what}")

    def raise_if_any(self) -> None:
        if self.items:
            shown = "；".join(self.items[:MAX_ERRORS])
            more = f"（另有 {len(self.items) - MAX_ERRORS} 处）" if len(self.items) > MAX_ERRORS else ""
            raise DomainError("annex5_invalid", f"附件五文件有 {len(self.items)} 处问题：{shown}{more}")


def _norm(text: Any) -> str:
    s = str(text or "").strip()
    for a, b in (("（", "("), ("）", ")"), ("：", ":"), (" ", ""), ("　", "")):
        s = s.replace(a, b)
    return s


def _number(value: Any, kind: str) -> float | int:
    """A cell as a number of its kind, or ValueError with the reason."""
    if isinstance(value, bool):
        raise ValueError("应为数字")
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"应为数字，写的是“{value.strip()[:20]}”") from None
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError("应为数字")
    if kind == "count":
        if float(value) != int(value):
            raise ValueError(f"应为整数，写的是 {value:g}")
        return int(value)
    return float(value)


def _parts(value: Any) -> dict[str, Any]:
    """'国家级：2  省级：5' → {国家级: '2', 省级: '5'}."""
    text = str(value or "")
    out = {}
    for p in PARTS:
        m = re.search(p + r"\s*[:：]\s*([-+0-9.,，]*)", text)
        out[p] = m.group(1).strip() if m and m.group(1).strip() else None
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_workbook(content: bytes) -> dict[str, Any]:
    """An uploaded 附件五 as AnnualReportData's data; every blank or malformed cell named."""
    limit = LIMITS.import_file_bytes
    if len(content) > limit:
        raise DomainError("file_too_large", f"附件五文件 {len(content) // 1024} KB，超过上限 {limit // (1024 * 1024)} MiB")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            inflated = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile:
        raise DomainError("file_invalid", "附件五文件不是有效的 XLSX（Excel 2007 及以后的格式），请用下载的附件五填写") from None
    if inflated > MAX_UNZIPPED:
        raise DomainError("file_too_large", f"附件五文件解压后超过 {MAX_UNZIPPED // (1024 * 1024)} MiB")
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), data_only=True)
    except Exception as e:  # a broken file: one line for the clerk
        raise DomainError("file_invalid", f"无法读取附件五文件（{e.__class__.__name__}），请用下载的附件五填写") from None
    try:
        return _read(wb)
    finally:
        wb.close()


def _find_rows(ws: Any, errors: _Errors) -> tuple[int | None, dict[int, int]]:
    """The table's head row and the sheet row of each annex row, found by the names in
    column A (a clerk may have inserted a line above the table)."""
    head = None
    rows: dict[int, int] = {}
    wanted = {_norm(r.label): r.no for r in ANNEX_ROWS}
    for r in range(1, min(ws.max_row, 200) + 1):
        a = _norm(ws.cell(r, 1).value)
        if a == "指标名称":
            head = r
        elif head is not None and a in wanted and wanted[a] not in rows:
            rows[wanted[a]] = r
        elif head is not None and 10 not in rows and ("市场占有率" in a and "行业占比" in a):
            rows[10] = r
    if head is None:
        errors.add(MAIN_SHEET, "A", "找不到表头“指标名称”：请用下载的附件五填写")
    for r in ANNEX_ROWS:
        if head is not None and r.no not in rows:
            errors.add(MAIN_SHEET, "A", f"找不到第 {r.no} 行“{r.label}”")
    return head, rows


def _read(wb: Any) -> dict[str, Any]:
    errors = _Errors()
    where: dict[tuple[Any, ...], str] = {}  # a schema location → the sheet and cell it was read from
    if MAIN_SHEET not in wb.sheetnames:
        raise DomainError("annex5_invalid", f"附件五文件缺少工作表“{MAIN_SHEET}”：请用下载的附件五填写")
    ws = wb[MAIN_SHEET]
    # the header block
    header: dict[str, Any] = {}
    labels = {_norm(v): k for k, v in HEADER_LABELS.items()}
    for r in range(1, 12):
        key = labels.get(_norm(ws.cell(r, 1).value))
        if key is None:
            continue
        header[key] = _text(ws.cell(r, 2).value)
        where[("header", key)] = f"{MAIN_SHEET}!B{r}"
        if not header[key]:
            errors.add(MAIN_SHEET, f"B{r}", f"“{HEADER_LABELS[key].rstrip(':')}”未填写")
        if key == "contact":
            header["phone"] = _text(ws.cell(r, 4).value)
            where[("header", "phone")] = f"{MAIN_SHEET}!D{r}"
            if not header["phone"]:
                errors.add(MAIN_SHEET, f"D{r}", "“电话”未填写")
    for key, label in HEADER_FIELDS:
        if key not in header:
            errors.add(MAIN_SHEET, "A", f"找不到表头的“{label}”")
    head, rows = _find_rows(ws, errors)
    year = None
    if head is not None:
        m = re.match(r"\s*(\d{4})\s*年", str(ws.cell(head, 3).value or ""))
        if m is None:
            errors.add(MAIN_SHEET, f"C{head}", "应写明报告年度，如“2026 年”")
        else:
            year = int(m.group(1))
    indicators: dict[str, Any] = {}
    for row in ANNEX_ROWS:
        r = rows.get(row.no)
        if r is None:
            continue
        ref = f"C{r}"
        cell = ws.cell(r, 3).value
        for key in row.keys:
            where[("indicators", key)] = f"{MAIN_SHEET}!{ref}（第 {row.no} 行 {row.label}）"
        if row.no == 10:
            name = str(ws.cell(r, 1).value or "")
            chosen = [b for b, label in MARKET_SHARE_BASIS.items() if re.search(f"[{TICK}✓√✔■]\\s*{label}", name)]
            if len(chosen) != 1:
                bare = [b for b, label in MARKET_SHARE_BASIS.items() if _norm(name) == label]
                chosen = bare
            if len(chosen) != 1:
                errors.add(MAIN_SHEET, f"A{r}", "第 10 行须勾选“市场占有率”或“行业占比”其一（注1）")
            else:
                indicators[CHOICE_KEY] = chosen[0]
        if len(row.keys) > 1:
            parts = _parts(cell)
            for p, key in zip(PARTS, row.keys):
                if parts[p] is None:
                    errors.add(MAIN_SHEET, ref, f"第 {row.no} 行“{row.label}”的{p}未填写（写作“国家级：2  省级：5”）")
                    continue
                try:
                    indicators[key] = _number(parts[p], ANNUAL_BY_KEY[key].kind)
                except ValueError as e:
                    errors.add(MAIN_SHEET, ref, f"第 {row.no} 行“{row.label}”的{p}{e}")
            continue
        spec = ANNUAL_BY_KEY[row.keys[0]]
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            errors.add(MAIN_SHEET, ref, f"第 {row.no} 行“{row.label}”未填写（除同比外均须填写）")
            continue
        if spec.kind == "text":
            indicators[spec.key] = _text(cell)
            continue
        try:
            indicators[spec.key] = _number(cell, spec.kind)
        except ValueError as e:
            errors.add(MAIN_SHEET, ref, f"第 {row.no} 行“{row.label}”{e}")
    firms = _read_firms(wb, errors, where)
    errors.raise_if_any()
    data: dict[str, Any] = {"year": year, "header": {k: header[k] for k, _ in HEADER_FIELDS},
                            "indicators": {k: indicators[k] for k in _order() if k in indicators},
                            "leading_firms": firms}
    _check_bounds(data, where, errors)
    errors.raise_if_any()
    return data


def _check_bounds(data: dict[str, Any], where: Mapping[tuple[Any, ...], str], errors: _Errors) -> None:
    """The schema's units and limits (declared once, in AnnualReportData), each refusal named
    by the cell it came from."""
    from pydantic import ValidationError

    from service.cnlic.actions import AnnualReportData
    from service.refusals import MESSAGES as _MESSAGES

    try:
        AnnualReportData.model_validate(data)
    except ValidationError as e:
        for err in e.errors(include_url=False):
            loc = tuple(err.get("loc", ()))
            ref = where.get(loc[:3] if loc[:1] == ("leading_firms",) else loc[:2], MAIN_SHEET)
            ctx = {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in (err.get("ctx") or {}).items()}
            try:
                what = _MESSAGES.get(err["type"], "无效").format(**ctx)
            except (KeyError, IndexError, ValueError):
                what = "无效"
            sheet, _, cell = ref.partition("!")
            errors.add(sheet, cell, what)


def _order() -> list[str]:
    keys = []
    for r in ANNEX_ROWS:
        if r.no == 10:
            keys.append(CHOICE_KEY)
        keys += list(r.keys)
    return keys


def _read_firms(wb: Any, errors: _Errors, where: dict[tuple[Any, ...], str]) -> list[dict[str, Any]]:
    if FIRMS_SHEET not in wb.sheetnames:
        errors.add(FIRMS_SHEET, "", "缺少工作表（龙头企业基本情况）")
        return []
    fs = wb[FIRMS_SHEET]
    heads = [_norm(fs.cell(FIRMS_HEAD, c).value) for c in range(1, len(FIRM_COLUMNS) + 2)]
    wanted = ["序号"] + [_norm(_firm_head(col)) for col in FIRM_COLUMNS]
    if heads != wanted:
        errors.add(FIRMS_SHEET, f"A{FIRMS_HEAD}", "列名与附件五-附表不符：请用下载的附件五填写")
        return []
    firms = []
    for r in range(FIRMS_HEAD + 1, min(fs.max_row, FIRMS_HEAD + 1 + 60) + 1):
        values = [fs.cell(r, c).value for c in range(2, len(FIRM_COLUMNS) + 2)]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if len(firms) >= LEADING_FIRMS_MAX:
            errors.add(FIRMS_SHEET, f"A{r}", f"龙头企业至多列 {LEADING_FIRMS_MAX} 家")
            break
        firm: dict[str, Any] = {}
        for c, (col, value) in enumerate(zip(FIRM_COLUMNS, values), start=2):
            ref = f"{fs.cell(r, c).column_letter}{r}"
            where[("leading_firms", len(firms), col.key)] = f"{FIRMS_SHEET}!{ref}（{col.label}）"
            if value is None or (isinstance(value, str) and not value.strip()):
                errors.add(FIRMS_SHEET, ref, f"“{col.label}”未填写")
                continue
            if col.kind == "text":
                firm[col.key] = _text(value)
                continue
            try:
                firm[col.key] = _number(value, col.kind)
            except ValueError as e:
                errors.add(FIRMS_SHEET, ref, f"“{col.label}”{e}")
        firms.append(firm)
    return firms


# ---------------------------------------------------------------- what the service knows


@dataclass(frozen=True)
class FiledReport:
    year: int
    filed_on: date
    late: bool
    report: dict[str, Any]  # header, indicators, leading_firms, growth (as the journal keeps them)

    def rows(self) -> list[dict[str, Any]]:
        """The 20 rows for display: name, unit, this year, 同比."""
        ind = self.report.get("indicators") or {}
        growth = self.report.get("growth") or {}
        out = []
        for row in ANNEX_ROWS:
            name = row.label
            if row.no == 10 and ind.get(CHOICE_KEY):
                name = f"{MARKET_SHARE_BASIS[ind[CHOICE_KEY]]}（或）"
            spec = ANNUAL_BY_KEY[row.keys[0]]
            out.append({"no": row.no, "name": name, "unit": row.unit, "value": _cell_text(ind, row.keys),
                        "growth": _growth_cell(growth, row.keys) if spec.numeric else ""})
        return out


def filed_reports(journal_rows: list[Any]) -> dict[int, FiledReport]:
    """The reports a cluster filed, from its journal's action events (the latest per year)."""
    out: dict[int, FiledReport] = {}
    for r in journal_rows:
        data = r.data or {}
        if r.kind != "action" or data.get("action") != "submit_annual_report":
            continue
        report = data.get("report") or {}
        try:
            year = int(report.get("year"))
        except (TypeError, ValueError):
            continue
        on = r.on if isinstance(r.on, date) else date.fromisoformat(str(r.on))
        out[year] = FiledReport(year, on, bool(data.get("late")), dict(report))
    return out


def record_of(view: Any, filed: Mapping[int, FiledReport]) -> AnnualReportRecord:
    """Reports filed and missing since the current title was conferred (§四(一) 此项工作列入复评要求),
    from the journal's filings and the workflow's open clocks."""
    reports = {str(y): {"filed_on": f.filed_on.isoformat(), "late": f.late} for y, f in filed.items()}
    return annual_report_record(reports, view.deadlines, view.conferred_on, view.today)


def prefill(view: Any, filed: Mapping[int, FiledReport], year: int, name: str = "") -> tuple[dict[str, str], dict[str, Any]]:
    """The header and last year's figures for a new report of ``year``: the cluster's own
    name and region, the contact of its latest report."""
    p = view.profile
    region = "".join(x for x in (p.region.province, p.region.city, p.region.county) if x)
    latest = filed[max(filed)] if filed else None
    header = dict((latest.report.get("header") or {}) if latest else {})
    header.setdefault("location", region)
    header["cluster_name"] = header.get("cluster_name") or name or p.name or view.title or p.key
    header["location"] = header.get("location") or region
    previous = figures_of((filed[year - 1].report.get("indicators") or {})) if (year - 1) in filed else {}
    return header, previous
