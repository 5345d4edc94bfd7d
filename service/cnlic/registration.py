"""Register and onboard clusters (issue 10 item 2): one request at a time (console form,
``POST /api/clusters``, ``designation cluster add``) or many from an XLSX file (bulk
onboarding of titles that exist on paper). Who may start what is ``domain.cnlic.starts``; the
checks of the data are the typed schemas of ``service.cnlic.starts`` and then the domain's own
(``LifecycleService.register`` does a dry run of ``Lifecycle.start`` before it claims the key).

A repeated request is idempotent by its data: a key that exists with the same registration
(the journal's ``registered`` event) is *unchanged*; with different data it is refused
``cluster_exists``. So re-importing a file changes nothing.
"""

from __future__ import annotations

import asyncio
import io
import json
import time
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import col, select

from domain.cnlic.access import User
from domain.errors import DomainError
from domain.cnlic.lifecycle import Lifecycle, new_state, parse_start as parse_start_spec, profile_from_dict
from domain.limits import LIMITS
from domain.cnlic.policy import get_policy
from domain.cnlic.rules import check_unique_lifecycle
from domain.cnlic.starts import check_may_start
from domain.cnlic.model import Region
from service.cnlic.lifecycle import LifecycleService
from service.cnlic.starts import (
    OnboardingStart,
    choices_of,
    flat_fields,
    header,
    is_list,
    nest,
    parse_as,
    parse_start,
)
from store.cnlic import lifecycle as repo
from store.db import session
from store.models import JournalRow
from workflows.cnlic.contracts import designation_workflow_id

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONCURRENCY = 8  # workflow starts in flight at once during an import
RECORD_WAIT = 5.0  # seconds to wait for a just-started lifecycle's registration to reach the journal
DATA_SHEET = "集群"
HELP_SHEET = "填写说明"
MAX_UNZIPPED = 64 * 1024 * 1024  # an XLSX is a zip: refuse one that inflates beyond this before parsing
LIST_SEPARATORS = ("、", "，", ",", "；", ";", "\n")


@dataclass
class Added:
    key: str
    workflow_id: str
    kind: str
    stage: str
    outcome: str  # accepted | unchanged
    override_reason: str | None = None


@dataclass
class RowResult:
    row: int  # the spreadsheet's row number
    key: str
    outcome: str  # accepted | refused | unchanged
    code: str = ""
    message: str = ""
    workflow_id: str = ""


@dataclass
class ImportReport:
    rows: list[RowResult] = field(default_factory=list)
    elapsed_s: float = 0.0

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    @property
    def summary(self) -> dict[str, int]:
        return {o: self.count(o) for o in ("accepted", "unchanged", "refused")}


OUTCOME_LABELS = {"accepted": "已登记", "unchanged": "未改动（已存在且相同）", "refused": "拒绝"}


class RegistrationService:
    def __init__(self, lifecycle: LifecycleService, *, concurrency: int = CONCURRENCY) -> None:
        self.lifecycle = lifecycle
        self.engine = lifecycle.engine
        self.concurrency = concurrency

    # ------------------------------------------------------------------ one request

    async def add(self, user: User, data: Any) -> Added:
        """Start one lifecycle from a request (API body, CLI file, form) as ``user``."""
        request = parse_start(data)
        check_may_start(user.role, user.industries, request.kind, request.cluster.industry)
        return await self._start(user, request)

    async def _start(self, user: User, request: Any) -> Added:
        cluster, start = request.to_register()
        today = await self.lifecycle.today()
        start.setdefault("on", today.isoformat())
        key = cluster["key"]
        if repo.cluster(self.engine, key) is not None:
            await self._same_or_refuse(key, cluster, start, user, today)
            return Added(key, designation_workflow_id(key), request.kind, start["stage"], "unchanged")
        registered = await self.lifecycle.register(cluster, start, user.actor)
        return Added(registered.key, registered.workflow_id, request.kind, start["stage"], "accepted",
                     registered.override_reason)

    async def _same_or_refuse(self, key: str, cluster: dict[str, Any], start: dict[str, Any], user: User,
                              today: date) -> None:
        """A key already taken: the same registration again is no change; anything else is
        refused (keys are never reused, RULES.md: the journal's idempotency keys name them)."""
        policy = get_policy()
        spec = parse_start_spec(start, cluster)
        wanted = Lifecycle(new_state(profile_from_dict(cluster), policy.version), policy).start(spec, user.actor, today)
        mine = _comparable(wanted.events[0].data)
        recorded = await self._registration(key)
        if recorded is None or _comparable(recorded) != mine:
            raise DomainError("cluster_exists", f"集群编号 {key} 已被使用，且登记内容与本次不同；编号不能复用，请核对或使用新的编号")

    async def _registration(self, key: str) -> dict[str, Any] | None:
        deadline = time.monotonic() + RECORD_WAIT
        while True:
            with session(self.engine) as s:
                row = s.exec(select(JournalRow).where(JournalRow.cluster_key == key, JournalRow.kind == "registered")
                             .order_by(col(JournalRow.seq)).limit(1)).first()
            if row is not None:
                return dict(row.data or {})
            if time.monotonic() > deadline:
                return None
            await asyncio.sleep(0.1)

    # ------------------------------------------------------------------ bulk onboarding

    async def import_xlsx(self, user: User, content: bytes) -> ImportReport:
        """Onboard every valid row of an XLSX file made from ``template_xlsx``: a report per
        row; accepted rows started (``CONCURRENCY`` at a time), the rest left alone."""
        began = time.monotonic()
        check_may_start(user.role, user.industries, "onboarding", "")
        rows = read_rows(content)
        report = ImportReport()
        results: dict[int, RowResult] = {}
        todo: list[tuple[int, OnboardingStart]] = []
        seen: dict[str, int] = {}
        live: list[tuple[str, Region, str]] = []
        policy = get_policy()
        for number, values in rows:
            key = str(values.get("cluster.key") or "")
            try:
                request = parse_as(OnboardingStart, {"kind": "onboarding", **nest(values)})
                if request.cluster.key in seen:
                    raise DomainError("cluster_exists", f"集群编号 {request.cluster.key} 与第 {seen[request.cluster.key]} 行重复")
                seen[request.cluster.key] = number
                # two rows of one file for the same region and industry: the second is refused
                # as the service would refuse it after the first had started (§二(二)4)
                if repo.cluster(self.engine, request.cluster.key) is None:
                    r = request.cluster.region
                    region = Region(province=r.province or "", city=r.city or "", county=r.county or "", code=r.code or "")
                    check_unique_lifecycle(policy, request.cluster.key, region, request.cluster.industry, live)
                    live.append((request.cluster.key, region, request.cluster.industry))
                todo.append((number, request))
            except DomainError as e:
                results[number] = RowResult(number, key, "refused", e.code, e.message)
        semaphore = asyncio.Semaphore(self.concurrency)

        async def one(number: int, request: OnboardingStart) -> None:
            async with semaphore:
                try:
                    added = await self._start(user, request)
                    results[number] = RowResult(number, added.key, added.outcome, workflow_id=added.workflow_id)
                except DomainError as e:
                    results[number] = RowResult(number, request.cluster.key, "refused", e.code, e.message)

        await asyncio.gather(*(one(n, r) for n, r in todo))
        report.rows = [results[n] for n, _ in rows]
        report.elapsed_s = time.monotonic() - began
        return report


def _comparable(registration: dict[str, Any]) -> str:
    """What makes two registrations the same: profile, start and title (not who or when)."""
    keep = {k: registration.get(k) for k in ("profile", "start", "title")}
    return json.dumps(keep, ensure_ascii=False, sort_keys=True, default=str)


# ---------------------------------------------------------------- the XLSX template and reader


def columns() -> list[tuple[str, Any]]:
    """The template's columns: every field of ``OnboardingStart``, in order."""
    return flat_fields(OnboardingStart)


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    cols = columns()
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for i, (name, f) in enumerate(cols, start=1):
        cell = ws.cell(row=1, column=i, value=header(f))
        cell.font = bold
        if f.is_required():
            cell.fill = required_fill
        ws.column_dimensions[get_column_letter(i)].width = max(12, min(40, len(header(f)) * 2 + 2))
        options = choices_of(f)
        if options and not is_list(f):
            dv = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=not f.is_required())
            dv.error, dv.errorTitle = f"应为 {'、'.join(options)} 之一", header(f)
            ws.add_data_validation(dv)
            dv.add(f"{get_column_letter(i)}2:{get_column_letter(i)}{LIMITS.import_rows + 1}")
    ws.freeze_panes = "A2"
    help_ = wb.create_sheet(HELP_SHEET)
    help_.append(["导入已授名称号：每行一个集群，填写“集群”工作表（第一行为列名，勿改动），上传后逐行校验，"
                  "合格的行登记并按今天的实际位置起算年度报告、复评申请、到期和年度认定；再次导入同一文件不会重复登记。"])
    help_.append([f"上限：文件 {LIMITS.import_file_bytes // (1024 * 1024)} MiB，{LIMITS.import_rows} 行。"
                  "黄色列必填。日期写作 YYYY-MM-DD。多个命名元素用“、”分隔。"])
    help_.append([])
    help_.append(["列名", "字段", "必填", "说明", "可填的值"])
    for cell in help_[4]:
        cell.font = bold
    for name, f in cols:
        options = choices_of(f)
        allowed = "；".join(f"{k}（{v}）" for k, v in options.items()) if options else ""
        help_.append([header(f), name, "是" if f.is_required() else "", f.description or "", allowed])
    for col_letter, width in (("A", 28), ("B", 28), ("C", 8), ("D", 70), ("E", 60)):
        help_.column_dimensions[col_letter].width = width
    for row in help_.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read_rows(content: bytes) -> list[tuple[int, dict[str, Any]]]:
    """The data rows of an import file as ``(row number, {dotted field: value})``, bounded
    before anything is parsed: the file's size, its inflated size, then the row count."""
    limit = LIMITS.import_file_bytes
    if len(content) > limit:
        raise DomainError("file_too_large", f"导入文件 {len(content) // 1024} KB，超过上限 {limit // (1024 * 1024)} MiB")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            inflated = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile:
        raise DomainError("file_invalid", "导入文件不是有效的 XLSX（Excel 2007 及以后的格式），请用下载的模板填写") from None
    if inflated > MAX_UNZIPPED:
        raise DomainError("file_too_large", f"导入文件解压后 {inflated // (1024 * 1024)} MiB，超过上限 {MAX_UNZIPPED // (1024 * 1024)} MiB")
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            return _rows(wb)
        finally:
            wb.close()
    except DomainError:
        raise
    except Exception as e:  # openpyxl raises many kinds for a broken file; all mean the same to a clerk
        raise DomainError("file_invalid", f"无法读取导入文件（{e.__class__.__name__}），请用下载的模板填写") from None


def _rows(wb: Any) -> list[tuple[int, dict[str, Any]]]:
    """The data rows of the first sheet (``集群``), keyed by field; the sheet is parsed lazily,
    so every read below may still meet a broken file (the caller turns that into one line)."""
    ws = wb[DATA_SHEET] if DATA_SHEET in wb.sheetnames else wb.worksheets[0]
    by_header: dict[str, str] = {}
    for name, f in columns():
        by_header[header(f)] = name
        by_header[str(f.title)] = name
        by_header[name] = name
    fields = dict(columns())
    it = ws.iter_rows(values_only=True)
    head = next(it, None)
    if head is None:
        raise DomainError("file_invalid", "导入文件是空的：第一行应为列名")
    mapping: dict[int, str] = {}
    unknown = []
    for i, h in enumerate(head):
        text = str(h).strip() if h is not None else ""
        if not text:
            continue
        if text not in by_header:
            unknown.append(text)
        else:
            mapping[i] = by_header[text]
    if unknown:
        raise DomainError("file_invalid", f"导入文件有模板中没有的列：{'、'.join(unknown[:10])}；请用下载的模板填写")
    missing = [header(f) for name, f in columns() if f.is_required() and name not in mapping.values()]
    if missing:
        raise DomainError("file_invalid", f"导入文件缺少必填的列：{'、'.join(missing)}")
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(it, start=2):
        if not any(v is not None and str(v).strip() for v in values):
            continue
        if len(rows) >= LIMITS.import_rows:
            raise DomainError("too_many_rows", f"导入文件超过 {LIMITS.import_rows} 行，请分成几个文件导入")
        row: dict[str, Any] = {}
        for i, v in enumerate(values):
            name = mapping.get(i)
            if name is None or v is None or (isinstance(v, str) and not v.strip()):
                continue
            row[name] = _cell(v, fields[name])
        rows.append((number, row))
    return rows


def _cell(value: Any, f: Any) -> Any:
    """A cell as the schema reads it: dates as dates, a list from its separated text, a
    select's Chinese label as its code, whole numbers in text columns without ``.0``."""
    if isinstance(value, datetime):
        return value.date()
    options = choices_of(f)
    if is_list(f):
        text = str(value)
        for sep in LIST_SEPARATORS[1:]:
            text = text.replace(sep, LIST_SEPARATORS[0])
        items = [x.strip() for x in text.split(LIST_SEPARATORS[0]) if x.strip()]
        return [_choice(x, options) for x in items] if options else items
    if options:
        return _choice(str(value).strip(), options)
    if isinstance(value, float) and value.is_integer() and f.annotation is str:
        return str(int(value))
    if isinstance(value, (int, float)) and f.annotation is str:
        return str(value)
    return value


def _choice(text: str, options: dict[str, str]) -> str:
    for code, label in options.items():
        if text in (code, label):
            return code
    return text


def report_xlsx(report: ImportReport) -> bytes:
    """The per-row report as a spreadsheet (the console offers it after an import)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "导入结果"
    ws.append(["行", "集群编号", "结果", "规则代码", "说明"])
    for r in report.rows:
        ws.append([r.row, r.key, OUTCOME_LABELS.get(r.outcome, r.outcome), r.code, r.message])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

