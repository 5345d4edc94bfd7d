"""达标值 tables (issue 11; RULES.md "Thresholds", 附件一 备注1): filing a version (form, API,
CLI or XLSX), listing and reading them, resolving the one in force for a score sheet, and the
XLSX of a table and of the 附件一 score sheet, both ways.

An association files tables for its own industries, the secretariat for any
(``domain.cnlic.thresholds.check_may_file``). A version is never edited: filing different content
appends the next version; filing the same content again returns the version that holds it.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Mapping

from sqlalchemy.engine import Engine

from domain.cnlic.access import User
from domain.errors import DomainError
from domain.limits import LIMITS
from domain.cnlic.policy import Policy, get_policy
from domain.cnlic.thresholds import (
    DIRECTIONS,
    TIER_LABELS,
    ThresholdTable,
    ThresholdsInvalid,
    check_may_file,
    check_table_rows,
    check_tier,
    in_force,
    indicator_by_key,
    missing_error,
    threshold_indicators,
)
from store.cnlic import thresholds as repo
from store.cnlic.models import ThresholdVersionRow

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLE_SHEET = "达标值表"
SCORE_SHEET = "附件一打分表"
MAX_UNZIPPED = 16 * 1024 * 1024
HEADER_ROW = 5  # the rows start below this line in both templates
PART_LABELS = {"part1": "一、特色产业基本情况（60分）", "part2": "二、质量安全情况（20分）"}


@dataclass
class Filed:
    table: ThresholdTable
    created: bool  # false: the same content was already filed as this version


def _industry(industry: Any) -> str:
    name = str(industry or "").strip()
    if not name or len(name) > 50:
        raise DomainError("thresholds_industry_missing", "达标值表须写明行业（不超过 50 字）")
    return name


def check_path(industry: str, tier: str) -> None:
    """An industry and tier as a URL names them: refused in Chinese, never by a pattern."""
    _industry(industry)
    check_tier(tier)


def file_table(engine: Engine, user: User, industry: str, tier: str, effective_from: Any,
               rows: list[Mapping[str, Any]], note: str = "", policy: Policy | None = None) -> Filed:
    policy = policy or get_policy()
    industry = _industry(industry)
    check_tier(tier)
    check_may_file(user.role, user.industries, industry)
    try:
        on = effective_from if isinstance(effective_from, date) else date.fromisoformat(str(effective_from))
    except ValueError:
        raise DomainError("thresholds_date_invalid", f"生效日期“{effective_from}”应为 YYYY-MM-DD") from None
    checked = check_table_rows(policy, rows)
    row, created = repo.file_version(engine, industry, tier, on, checked, role=user.role, by=user.name,
                                     note=str(note or "")[:500])
    return Filed(repo.to_table(row), created)


def table_list(engine: Engine, today: date) -> list[dict[str, Any]]:
    """One line per industry and tier: its versions and the one in force today."""
    grouped: dict[tuple[str, str], list[ThresholdVersionRow]] = {}
    for r in repo.versions(engine):
        grouped.setdefault((r.industry, r.tier), []).append(r)
    out = []
    for (industry, tier), rows in sorted(grouped.items()):
        current = in_force([repo.to_table(r) for r in rows], today)
        out.append({"industry": industry, "tier": tier, "tier_label": TIER_LABELS.get(tier, tier),
                     "versions": [{"version": r.version, "effective_from": r.effective_from.isoformat(),
                                   "filed_by": r.filed_by, "filed_role": r.filed_role,
                                   "filed_at": r.filed_at.isoformat() if r.filed_at else "", "note": r.note}
                                  for r in rows],
                     "in_force": current.version if current else None})
    return out


def show(engine: Engine, industry: str, tier: str, version: int | None = None,
         on: date | None = None, policy: Policy | None = None) -> dict[str, Any]:
    """A version's rows with their names and units (the newest, or the one in force on ``on``)."""
    policy = policy or get_policy()
    check_tier(tier)
    if version is not None:
        row = repo.version(engine, industry, tier, version)
        table = repo.to_table(row) if row else None
    else:
        tables = repo.tables(engine, industry, tier)
        table = in_force(tables, on) if on else (tables[-1] if tables else None)
    if table is None:
        raise DomainError("thresholds_unknown", f"没有“{industry}”行业“{TIER_LABELS[tier]}”级的达标值表"
                          + (f"第 {version} 版" if version else ""))
    row = repo.version(engine, industry, tier, table.version)
    lines = []
    for key, ind, part in threshold_indicators(policy):
        t = table.row(key)
        lines.append({"key": key, "part": part, "label": ind.label_of(key), "unit": ind.unit_of(key),
                      "direction": t.direction if t else "", "value": t.value if t else None,
                      "alternative": key == ind.alt_key})
    return {"industry": industry, "tier": tier, "tier_label": TIER_LABELS[tier], "version": table.version,
            "ref": table.ref, "effective_from": table.effective_from.isoformat(), "filed_by": table.filed_by,
            "filed_role": row.filed_role if row else "", "note": row.note if row else "", "rows": lines}


def resolve(engine: Engine, industry: str, tier: str, on: date) -> ThresholdTable:
    """The table a score sheet is checked against: the version in force on the visit date."""
    table = in_force(repo.tables(engine, industry, tier), on)
    if table is None:
        raise missing_error(industry, tier, on)
    return table


def in_force_by_tier(engine: Engine, industry: str, on: date) -> list[ThresholdTable]:
    """The industry's table in force on ``on`` for each tier that has one."""
    out = []
    for tier in TIER_LABELS:
        table = in_force(repo.tables(engine, industry, tier), on)
        if table is not None:
            out.append(table)
    return out


# ------------------------------------------------------------------ XLSX


def _open(content: bytes):
    limit = LIMITS.import_file_bytes
    if len(content) > limit:
        raise DomainError("file_too_large", f"上传文件 {len(content) // 1024} KB，超过上限 {limit // (1024 * 1024)} MiB")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            inflated = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile:
        raise DomainError("file_invalid", "上传文件不是有效的 XLSX（Excel 2007 及以后的格式），请用下载的模板填写") from None
    if inflated > MAX_UNZIPPED:
        raise DomainError("file_too_large", "上传文件解压后过大，请用下载的模板填写")
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(content), data_only=True)
    except Exception as e:  # a broken file raises many kinds; all mean the same to a clerk
        raise DomainError("file_invalid", f"无法读取上传文件（{e.__class__.__name__}），请用下载的模板填写") from None


def _styled_header(ws, row: int, titles: list[str], widths: list[int]) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    for i, (title, width) in enumerate(zip(titles, widths), 1):
        c = ws.cell(row=row, column=i, value=title)
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDEBF7")
        ws.column_dimensions[get_column_letter(i)].width = width


def table_template(industry: str, tier: str, current: Mapping[str, Any] | None = None,
                   policy: Policy | None = None) -> bytes:
    """The table's rows with names and units; blank, or prefilled with ``current`` (``show``)."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    policy = policy or get_policy()
    check_tier(tier)
    wb = Workbook()
    ws = wb.active
    ws.title = TABLE_SHEET
    ws["A1"] = "轻工业特色区域和产业集群评价体系达标值表（附件一 备注1）"
    ws["A2"], ws["B2"], ws["C2"], ws["D2"] = "行业", industry, "等级", TIER_LABELS[tier]
    ws["A3"], ws["B3"], ws["C3"], ws["D3"] = "生效日期", "", "说明", ""
    ws["A4"] = tier  # the tier's code, read back on upload (column A is hidden)
    if current:
        ws["B3"] = current.get("effective_from", "")
        ws["D3"] = f"在第 {current['version']} 版基础上修改；生效日期须改为新版本的日期"
    _styled_header(ws, HEADER_ROW, ["指标代码", "部分", "本行业指标项目", "单位", "比较方向", "达标值"],
                   [18, 28, 44, 10, 10, 12])
    prefill = {r["key"]: r for r in (current or {}).get("rows", [])}
    dv = DataValidation(type="list", formula1='"不低于,不高于"', allow_blank=True)
    ws.add_data_validation(dv)
    r = HEADER_ROW
    for key, ind, part in threshold_indicators(policy):
        r += 1
        label = ind.label_of(key)
        if key == ind.alt_key:
            label = f"或：{label}"
        had = prefill.get(key) or {}
        ws.append([key, PART_LABELS[part], label, ind.unit_of(key),
                   DIRECTIONS.get(had.get("direction") or ">=", "不低于"), had.get("value")])
        dv.add(f"E{r}")
    ws.column_dimensions["A"].hidden = True  # the indicator codes: read back on upload, not for people
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read_table_xlsx(content: bytes, policy: Policy | None = None) -> dict[str, Any]:
    """A filled template as ``{industry, tier, effective_from, note, rows}``; each row carries
    its spreadsheet row number so a refusal names it."""
    policy = policy or get_policy()
    wb = _open(content)
    ws = wb[TABLE_SHEET] if TABLE_SHEET in wb.sheetnames else wb.active
    industry = str(ws["B2"].value or "").strip()
    tier = str(ws["A4"].value or "").strip()
    if tier not in TIER_LABELS:
        by_label = {v: k for k, v in TIER_LABELS.items()} | {"基地": "base", "乡镇": "town", "乡": "town"}
        tier = by_label.get(str(ws["D2"].value or "").strip(), tier)
    effective = ws["B3"].value
    if isinstance(effective, datetime):
        effective = effective.date()
    rows = []
    for n, line in enumerate(ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True), HEADER_ROW + 1):
        line = tuple(line) + (None,) * 6
        key, _, label, unit, direction, value = line[:6]
        if key is None and value is None:
            continue
        rows.append({"row": n, "key": str(key or "").strip(), "unit": unit, "direction": direction, "value": value,
                     "label": label})
    return {"industry": industry, "tier": tier, "effective_from": effective, "note": str(ws["D3"].value or ""),
            "rows": rows}


def import_table_xlsx(engine: Engine, user: User, content: bytes, industry: str | None = None,
                      tier: str | None = None, policy: Policy | None = None) -> Filed:
    data = read_table_xlsx(content, policy)
    if industry is not None and data["industry"] != industry:
        raise DomainError("thresholds_file_mismatch", f"文件是“{data['industry']}”行业的达标值表，不是“{industry}”的")
    if tier is not None and data["tier"] != tier:
        raise DomainError("thresholds_file_mismatch",
                          f"文件是“{TIER_LABELS.get(data['tier'], data['tier'])}”级的达标值表，不是“{TIER_LABELS.get(tier, tier)}”级的")
    if data["effective_from"] in (None, ""):
        raise DomainError("thresholds_date_invalid", "第 3 行须填写生效日期（YYYY-MM-DD）")
    note = "" if str(data["note"]).startswith("在第 ") else data["note"]
    return file_table(engine, user, data["industry"], data["tier"], data["effective_from"], data["rows"], note,
                      policy)


def errors_by_row(e: DomainError) -> list[dict[str, Any]]:
    """A refusal's per-row errors (row, indicator, message) for a page or a CLI report."""
    labels = {k: ind.label_of(k) for k, (ind, _) in indicator_by_key(get_policy()).items()}
    if isinstance(e, ThresholdsInvalid):
        return [{"row": x.details.get("row"), "indicator": x.details.get("indicator"),
                 "label": labels.get(x.details.get("indicator") or "", x.details.get("indicator") or ""),
                 "code": x.code, "message": x.message} for x in e.errors]
    return [{"row": None, "indicator": None, "label": "", "code": e.code, "message": e.message}]


# ------------------------------------------------------------------ the 附件一 score sheet as XLSX

SCORE_PARTS = (("part1", "第一部分得分"), ("part2", "第二部分得分"), ("part3_grade", "第三部分评价（好/较好/一般）"),
               ("part3", "第三部分得分"), ("part4_grade", "第四部分评价（好/较好/一般）"), ("part4", "第四部分得分"),
               ("total", "总得分"))
GRADE_LABELS = {"good": "好", "fair": "较好", "average": "一般"}


def score_sheet_template(table: ThresholdTable | None, sheet: Mapping[str, Any] | None = None,
                         policy: Policy | None = None) -> bytes:
    """附件一 评价体系打分表 in its layout: the rows, the 达标值 in force, a value column, the
    computed 是否达标 (filled when ``sheet`` carries computed rows), and the part scores."""
    from openpyxl import Workbook

    policy = policy or get_policy()
    sheet = sheet or {}
    recorded = {r["key"]: r for r in sheet.get("rows") or []}  # a recorded sheet: value, threshold, met
    values = dict(sheet.get("values") or {}) or {k: r.get("value") for k, r in recorded.items()}
    met = {k: r.get("met") for k, r in recorded.items()}
    wb = Workbook()
    ws = wb.active
    ws.title = SCORE_SHEET
    ws["A1"] = "指标达标评价体系表（附件一 评价体系打分表）"
    ws["A2"], ws["B2"] = "达标值表", sheet.get("thresholds") or (table.ref if table else "（未找到生效的达标值表）")
    ws["A3"] = "“或”项只填其一；后3项填 有 或 无；是否达标由系统按达标值计算"
    _styled_header(ws, HEADER_ROW, ["指标代码", "部分", "本行业指标项目", "单位", "达标值", "数值", "是否达标"],
                   [18, 28, 44, 10, 16, 12, 10])
    ws.column_dimensions["A"].hidden = True  # the row codes: read back on upload, not for people
    for part, inds in (("part1", policy.score_part1_rows), ("part2", policy.score_part2_rows)):
        for ind in inds:
            for key in ind.keys:
                label = ind.label_of(key) if key == ind.key else f"或：{ind.label_of(key)}"
                if ind.yes_no:
                    threshold = "无"
                elif key in recorded:
                    threshold = recorded[key].get("threshold", "")
                else:
                    row = table.row(key) if table else None
                    threshold = row.describe() if row else ""
                value = values.get(key)
                ws.append([key, PART_LABELS[part], label, ind.unit_of(key), threshold, value,
                           {True: "达标", False: "未达标"}.get(met.get(key), "")])
    ws.append([])
    for key, label in SCORE_PARTS:
        value = sheet.get(key)
        ws.append([key, "", label, "分" if not key.endswith("grade") else "", "", GRADE_LABELS.get(value, value)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read_score_sheet_xlsx(content: bytes, policy: Policy | None = None) -> dict[str, Any]:
    """A filled 附件一 template as score-sheet data (values and part scores); the service
    adds the table and computes 是否达标 when the report is recorded."""
    policy = policy or get_policy()
    wb = _open(content)
    ws = wb[SCORE_SHEET] if SCORE_SHEET in wb.sheetnames else wb.active
    known = {k: ind for ind in policy.score_part1_rows + policy.score_part2_rows for k in ind.keys}
    parts = dict(SCORE_PARTS)
    grades = {v: k for k, v in GRADE_LABELS.items()}
    values: dict[str, Any] = {}
    out: dict[str, Any] = {}
    errors: list[DomainError] = []
    for n, line in enumerate(ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True), HEADER_ROW + 1):
        line = tuple(line) + (None,) * 7
        key, value = str(line[0] or "").strip(), line[5]
        if not key or value in (None, ""):
            continue
        if key in known:
            if known[key].yes_no:
                values[key] = str(value).strip()
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                values[key] = value
            else:
                try:
                    values[key] = float(str(value).strip())
                except ValueError:
                    errors.append(DomainError("score_not_a_number", f"第 {n} 行（{known[key].label_of(key)}）：数值应为数字，收到“{value}”",
                                              row=n, indicator=key))
        elif key in parts:
            if key.endswith("grade"):
                out[key] = grades.get(str(value).strip(), str(value).strip())
            else:
                try:
                    out[key] = float(value)
                except (TypeError, ValueError):
                    errors.append(DomainError("score_not_a_number", f"第 {n} 行（{parts[key]}）：应为数字，收到“{value}”",
                                              row=n, indicator=key))
        else:
            errors.append(DomainError("score_sheet_invalid", f"第 {n} 行：“{key}”不是附件一的指标", row=n, indicator=key))
    if errors:
        raise ThresholdsInvalid(errors)
    out["values"] = values
    return out


# ------------------------------------------------------------------ seed tables (demo, examples)

SEED_FILE = "examples/thresholds/demo.yaml"
SEED_FILER = User("seed", "secretariat", "综合业务部（演示达标值）")


def load_seed(engine: Engine, path: str | None = None, policy: Policy | None = None) -> list[Filed]:
    """File the seed tables (``examples/thresholds/demo.yaml``): the demo's and the examples'
    industries get a table in force, so a sheet with entered values is checked there too.
    Idempotent: filing the same content again creates no version."""
    from pathlib import Path

    from domain import yamlfmt

    file = Path(path) if path else Path(__file__).resolve().parents[2] / SEED_FILE
    data = yamlfmt.load(file.read_text(encoding="utf-8"), str(file))
    on = data["effective_from"]
    return [file_table(engine, SEED_FILER, t["industry"], t["tier"], t.get("effective_from", on),
                       [{"key": k, "value": v} for k, v in t["rows"].items()], "演示数据（示意值）", policy)
            for t in data["tables"]]


def recorded_score(engine: Engine, cluster_key: str) -> dict[str, Any] | None:
    """The cluster's latest recorded score sheet (the journal's site report event), if any."""
    from store.cnlic import lifecycle as journal_repo

    for row in reversed(journal_repo.journal(engine, cluster_key)):
        data = row.data or {}
        if row.kind == "action" and data.get("action") == "record_site_report":
            return dict((data.get("report") or {}).get("score") or {}) or None
    return None
