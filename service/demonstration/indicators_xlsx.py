"""The 推荐表's 主要指标 part as XLSX in the form's own layout, both ways (RULES.md program 2
"推荐表"): a template with the twelve indicators in the form's order (value of the base year
and, for output, sales and exports, the national share), and the reader that turns a filled
workbook into the form's ``indicators`` — every refused cell named by its address."""

from __future__ import annotations

import io
import math
from typing import Any

from domain.demonstration.policy import DEMONSTRATION_2017 as POLICY
from domain.errors import DomainError
from domain.limits import LIMITS

SHEET = "主要指标"
FIRST_ROW = 5  # the first indicator's row
HEADER = ("主要指标", "单位", "基准年度数值", "占全国行业比重（%）")


def template(base_year: int | None = None, values: dict[str, Any] | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws["A1"] = "轻工业创新升级示范特色区域和产业集群推荐表 · 主要指标"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"], ws["B2"] = "主要指标年度", base_year
    ws["A3"] = "说明：只填数值；“占全国行业比重”只有产值、销售额、出口额三行填写。"
    for col, text in enumerate(HEADER, 1):
        cell = ws.cell(row=FIRST_ROW - 1, column=col, value=text)
        cell.font = Font(bold=True)
    grey = PatternFill("solid", fgColor="DDDDDD")
    for i, ind in enumerate(POLICY.indicators):
        r = FIRST_ROW + i
        ws.cell(row=r, column=1, value=ind.label)
        ws.cell(row=r, column=2, value=ind.unit)
        entry = (values or {}).get(ind.key) or {}
        ws.cell(row=r, column=3, value=entry.get("value"))
        share = ws.cell(row=r, column=4, value=entry.get("share") if ind.with_share else None)
        if not ind.with_share:
            share.fill = grey
    for col, width in zip("ABCD", (34, 10, 16, 20)):
        ws.column_dimensions[col].width = width
    ws["A1"].alignment = Alignment(horizontal="left")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _number(value: Any, where: str, what: str, *, share: bool = False) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise DomainError("invalid_data", f"单元格 {where}（{what}）应为数字")
    if isinstance(value, str):
        try:
            value = float(value.strip().rstrip("%"))
        except ValueError:
            raise DomainError("invalid_data", f"单元格 {where}（{what}）应为数字，收到“{value[:20]}”") from None
    if not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise DomainError("invalid_data", f"单元格 {where}（{what}）应为不小于 0 的数")
    if share and value > 100:
        raise DomainError("invalid_data", f"单元格 {where}（{what}）是百分比，应在 0–100 之间")
    return float(value)


def read(content: bytes) -> tuple[int | None, dict[str, dict[str, float]]]:
    """(base year, indicators) from a filled template; a cell in the wrong place or of the wrong
    kind is one ``DomainError`` naming it."""
    from openpyxl import load_workbook

    if len(content) > LIMITS.import_file_bytes:
        raise DomainError("data_too_large", f"工作簿超过 {LIMITS.import_file_bytes // 1024 // 1024} MiB")
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise DomainError("invalid_data", "文件不是 XLSX 工作簿（请用下载的模板填写）") from None
    if SHEET not in wb.sheetnames:
        raise DomainError("invalid_data", f"工作簿中没有“{SHEET}”工作表（请用下载的模板填写）")
    ws = wb[SHEET]
    rows = {r[0].row: r for r in ws.iter_rows(min_row=1, max_row=FIRST_ROW + len(POLICY.indicators), max_col=4)
            if r and r[0].row is not None}
    year_cell = rows.get(2, (None, None))[1] if 2 in rows else None
    base_year = None
    if year_cell is not None and year_cell.value not in (None, ""):
        try:
            base_year = int(float(year_cell.value))
        except (TypeError, ValueError):
            raise DomainError("invalid_data", "单元格 B2（主要指标年度）应为年份，如 2026") from None
    out: dict[str, dict[str, float]] = {}
    for i, ind in enumerate(POLICY.indicators):
        r = FIRST_ROW + i
        row = rows.get(r)
        label = row[0].value if row else None
        if str(label or "").strip() != ind.label:
            raise DomainError("invalid_data", f"单元格 A{r} 应为“{ind.label}”，收到“{str(label or '')[:30]}”（请勿改动模板的行）")
        value = _number(row[2].value, f"C{r}", ind.label)
        share = _number(row[3].value, f"D{r}", f"{ind.label}占全国行业比重", share=True) if len(row) > 3 else None
        if share is not None and not ind.with_share:
            raise DomainError("indicator_share_not_allowed", f"单元格 D{r}：“{ind.label}”没有占全国行业比重一栏")
        if value is None:
            raise DomainError("indicator_missing", f"单元格 C{r}（{ind.label}）未填写")
        out[ind.key] = {"value": value, **({"share": share} if share is not None else {})}
    return base_year, out
