"""Downloads as the rules lay them out: the annual recognition lists (§四(四): recognised,
overdue for re-evaluation, rectifying, revoked) and the expert panel's score sheets
(附件一 评价体系打分表: four parts, their scores, the total, pass or fail).

XLSX through openpyxl; CSV in UTF-8 with a BOM, so Excel opens the Chinese text correctly.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from domain.cnlic.model import Procedure, Stage, TitleStatus
from domain.cnlic.policy import get_policy
from service.cnlic.console import RecognitionList
from store.cnlic.models import Cluster, ScoreSheetRow

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"

LIST_SECTIONS = (
    ("recognised", "一、认定名单（称号有效，含复评中延续）"),
    ("overdue", "二、到期未复评名单（到期未满两年）"),
    ("rectifying", "三、整改名单"),
    ("revoked", "四、取消称号名单（到期未复评超过两年等）"),
)
PARTS = (
    ("一、特色产业基本情况", "part1_max", "part1_met", f"项指标达标（共 {get_policy().part1_indicators} 项，“或”项各算一项）",
     "part1"),
    ("二、质量安全情况", "part2_max", "part2_first5_met", "前 5 项达标", "part2"),
    ("三、政府部门和地方行业组织工作", "part3_max", None, "", "part3"),
    ("四、发展规划及扶持政策", "part4_max", None, "", "part4"),
)
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD = PatternFill("solid", fgColor="DDEBF7")


def _csv(rows: Sequence[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _region(c: Cluster) -> str:
    return "".join(p for p in (c.province, c.city, c.county) if p)


def _widths(ws, widths: Sequence[int]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


# ---------------------------------------------------------------- recognition lists


def recognition_rows(rec: RecognitionList) -> list[list[Any]]:
    rows: list[list[Any]] = [["类别", "序号", "称号", "所在地区", "集群编号", "当前阶段", "称号状态", "有效期至"]]
    for name, heading in LIST_SECTIONS:
        for i, c in enumerate(rec.lists.get(name, []), start=1):
            if isinstance(c, Cluster):
                rows.append([heading[2:], i, c.title or c.name, _region(c), c.key, Stage(c.stage).label,
                             TitleStatus(c.title_status).label, c.valid_until.isoformat() if c.valid_until else ""])
            else:
                rows.append([heading[2:], i, "", "", c, "", "", ""])
    return rows


def recognition_csv(rec: RecognitionList) -> bytes:
    return _csv(recognition_rows(rec))


def recognition_xlsx(rec: RecognitionList) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"{rec.year}年度认定名单"
    ws.append([f"中国轻工业联合会共建特色区域和产业集群 {rec.year} 年度认定名单"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([f"公布日期：{rec.announced_on.isoformat()}（按 {rec.year} 年 12 月 31 日的称号状态认定）"])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=6)
    for name, heading in LIST_SECTIONS:
        ws.append([])
        ws.append([heading])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        ws.append(["序号", "称号", "所在地区", "集群编号", "称号状态", "有效期至"])
        for cell in ws[ws.max_row]:
            cell.font, cell.fill, cell.border = Font(bold=True), HEAD, BOX
        entries = rec.lists.get(name, [])
        if not entries:
            ws.append(["（无）"])
        for i, c in enumerate(entries, start=1):
            if isinstance(c, Cluster):
                ws.append([i, c.title or c.name, _region(c), c.key, TitleStatus(c.title_status).label,
                           c.valid_until.isoformat() if c.valid_until else ""])
            else:
                ws.append([i, "", "", c, "", ""])
            for cell in ws[ws.max_row]:
                cell.border = BOX
    _widths(ws, (6, 34, 26, 20, 18, 14))
    return _save(wb)


# ---------------------------------------------------------------- score sheets (附件一)


def _policy_max(name: str) -> float:
    return float(getattr(get_policy(), name))


def score_rows(sheets: Sequence[tuple[ScoreSheetRow, Cluster]]) -> list[list[Any]]:
    pass_mark = get_policy().pass_mark
    head = ["集群编号", "称号", "程序", "考评报告日期", "提交人（专家组组长）"]
    for title, max_name, _, _, _ in PARTS:
        head.append(f"{title}（{_policy_max(max_name):g}分）得分")
    head += ["一、达标项数", "二、前5项达标数", "二、后3项（否决项）", "总得分", f"是否合格（≥{pass_mark:g}分）",
             "专家组是否推荐", "达标值表版本"]
    rows: list[list[Any]] = [head]
    for s, c in sheets:
        rows.append([c.key, c.title or c.name, Procedure(s.procedure).label, s.recorded_on.isoformat(), s.recorded_by,
                     s.part1, s.part2, s.part3, s.part4, s.part1_met, s.part2_first5_met,
                     "均达标" if s.part2_vetoes_clear else "有否决项", s.total, "合格" if s.passed else "不合格",
                     "推荐" if s.recommend else "不推荐", s.thresholds or "（录入达标项数）"])
    return rows


def score_csv(sheets: Sequence[tuple[ScoreSheetRow, Cluster]]) -> bytes:
    return _csv(score_rows(sheets))


def score_xlsx(sheets: Sequence[tuple[ScoreSheetRow, Cluster]]) -> bytes:
    """A summary sheet, then one worksheet per score sheet in 附件一's layout."""
    wb = Workbook()
    summary = wb.active
    summary.title = "汇总"
    for row in score_rows(sheets):
        summary.append(row)
    for cell in summary[1]:
        cell.font, cell.fill, cell.border = Font(bold=True), HEAD, BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    _widths(summary, (18, 28, 10, 12, 16, 12, 12, 12, 12, 10, 10, 12, 8, 10, 10))
    pass_mark = get_policy().pass_mark
    for n, (s, c) in enumerate(sheets, start=1):
        ws = wb.create_sheet(f"{n}-{c.key}"[:31])
        ws.append(["附件一　评价体系打分表"])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append(["集群", f"{c.title or c.name}（{c.key}）"])
        ws.append(["程序", Procedure(s.procedure).label])
        ws.append(["考评报告日期", s.recorded_on.isoformat()])
        ws.append(["专家组组长", s.recorded_by])
        ws.append(["达标值表", s.thresholds or "（未录入指标数值，达标项数由专家组填写）"])
        ws.append([])
        ws.append(["评价内容", "分值", "达标情况", "得分"])
        for cell in ws[ws.max_row]:
            cell.font, cell.fill, cell.border = Font(bold=True), HEAD, BOX
        for title, max_name, met_name, met_text, score_name in PARTS:
            met = ""
            if met_name == "part1_met":
                met = f"{s.part1_met} {met_text}"
            elif met_name == "part2_first5_met":
                met = f"{met_text} {s.part2_first5_met} 项；后 3 项{'均达标' if s.part2_vetoes_clear else '有否决项（本部分 0 分）'}"
            ws.append([title, _policy_max(max_name), met, getattr(s, score_name)])
            for cell in ws[ws.max_row]:
                cell.border = BOX
        ws.append(["总得分", 100, "", s.total])
        ws.append(["是否合格", f"≥{pass_mark:g} 分合格", "", "合格" if s.passed else "不合格"])
        ws.append(["专家组意见", "", "", "推荐" if s.recommend else "不推荐"])
        for row in ws.iter_rows(min_row=ws.max_row - 2, max_row=ws.max_row):
            for cell in row:
                cell.border = BOX
                cell.font = Font(bold=True)
        _widths(ws, (32, 14, 44, 12))
    return _save(wb)
