"""The service layer of program 3: what the console, the API, the CLI and the simulator call.
Every action is checked against the user's role and scope (``domain.guangdong.access``) and
against the limits before Temporal sees it; a refused Update's cause becomes the rule's
``DomainError``. The zone office's form and summary are kept as a draft in the store; to
submit, the draft is judged complete and consistent here, saved as documents named by their
SHA-256, and only the hashes go into the workflow."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Awaitable, Callable, Mapping

from sqlalchemy.engine import Engine
from temporalio.client import Client, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from domain.attachments import check_file
from domain.calendar import SHANGHAI
from domain.errors import DomainError
from domain.guangdong import access
from domain.guangdong.filing import ACTIONS
from domain.guangdong.form import Change, FormInvalid, check_form, year_on_year
from domain.guangdong.labels import step_label
from domain.guangdong.model import Step, filing_key, journal_key
from domain.guangdong.policy import DEFAULT_POLICY_VERSION, due_date, get_policy
from domain.guangdong.summary import check_summary
from domain.guangdong.zones import Zone
from domain.limits import check_data
from domain.roles import User
from store.guangdong import repo
from store.guangdong.models import FilingRow
from workflows.guangdong.contracts import (
    FilingActionInput,
    FilingAttachInput,
    FilingResult,
    RoundInput,
    ZoneRef,
    filing_workflow_id,
    round_workflow_id,
)
from workflows.guangdong.round import AssessmentRoundWorkflow

CONTACT_FIELDS = {"unit": "申报单位", "contact": "联系人", "phone": "联系电话", "mobile": "手  机", "address": "地  址",
                  "postcode": "邮  编", "fax": "传  真"}


def domain_error_from(e: BaseException) -> DomainError | None:
    cause: BaseException | None = e
    while cause is not None:
        if isinstance(cause, ApplicationError) and cause.type:
            return DomainError(cause.type, cause.message)
        cause = cause.__cause__ or getattr(cause, "cause", None)
    return None


@dataclass
class FilingDetail:
    zone: Zone
    row: FilingRow | None
    values: dict[str, Any]  # the form shown: the submitted one, or the zone's draft
    summary: dict[str, str]
    contact: dict[str, str]
    draft: bool  # values are the draft, not yet submitted
    changes: list[Change]  # every numeric field against the previous round
    previous_year: int
    allowed: list[str]  # what this user may do now
    journal: list[Any]


class GuangdongService:
    def __init__(self, client: Client | None, engine: Engine, *, task_queue: str,
                 now: Callable[[], Awaitable[datetime]] | None = None) -> None:
        self.client = client
        self.engine = engine
        self.task_queue = task_queue
        self._now = now

    @classmethod
    def of_console(cls, console: Any) -> "GuangdongService":
        lifecycle = console.lifecycle
        return cls(lifecycle.client, console.engine, task_queue=lifecycle.task_queue, now=lifecycle._now)

    async def today(self) -> date:
        now = await self._now() if self._now else datetime.now(SHANGHAI)
        return now.astimezone(SHANGHAI).date()

    # ------------------------------------------------------------------ zones

    def ensure_zones(self) -> int:
        return repo.load_zones(self.engine)

    def zones(self, user: User) -> list[Zone]:
        return access.visible(user, repo.zones(self.engine))

    def zone(self, user: User, key: str) -> Zone:
        z = repo.zone(self.engine, key)
        if z is None:
            raise DomainError("zone_unknown", f"没有编号为 {key} 的示范区")
        access.check_scope(user, z)
        return z

    # ------------------------------------------------------------------ the round

    async def open_round(self, user: User, data_year: int, due: date | None = None,
                         policy_version: str = DEFAULT_POLICY_VERSION) -> str:
        """The province opens the round for ``data_year``'s data: one filing per zone."""
        access.check_open_round(user)
        policy = get_policy(policy_version)
        today = await self.today()
        if not isinstance(data_year, int) or not policy.first_year <= data_year < today.year:
            raise DomainError("round_year_invalid", f"年度考核收集已结束年度的数据：{policy.first_year}–{today.year - 1} 年，"
                                                    f"不是 {data_year}")
        if repo.round_of(self.engine, data_year) is not None:
            raise DomainError("round_exists", f"{data_year} 年度的考核已经开启")
        if due is not None and due <= today:
            raise DomainError("round_due_invalid", f"截止日期 {due} 应晚于今天 {today}")
        if due is None and due_date(policy, data_year) <= today:
            raise DomainError("round_due_passed", f"按政策 {data_year} 年度的材料应于 {due_date(policy, data_year)} 前报送，"
                                                  "该日期已过；请另定截止日期")
        self.ensure_zones()
        zones = [ZoneRef(z.key, z.name, z.city) for z in repo.zones(self.engine)]
        workflow_id = round_workflow_id(data_year)
        try:
            await self.client.start_workflow(
                AssessmentRoundWorkflow.run,
                RoundInput(data_year=data_year, policy_version=policy.version, actor=user.actor, zones=zones, due=due),
                id=workflow_id, task_queue=self.task_queue, id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
        except WorkflowAlreadyStartedError:
            raise DomainError("round_exists", f"{data_year} 年度的考核已经开启") from None
        return workflow_id

    def rounds(self) -> list[Any]:
        return repo.rounds(self.engine)

    def round_of(self, data_year: int) -> Any:
        row = repo.round_of(self.engine, data_year)
        if row is None:
            raise DomainError("round_unknown", f"{data_year} 年度的考核尚未开启")
        return row

    def filings(self, user: User, data_year: int) -> list[tuple[Zone, FilingRow | None]]:
        """Every zone in the user's scope with its filing in the round (None until it is opened)."""
        zones = self.zones(user)
        rows = {r.zone_key: r for r in repo.filings(self.engine, data_year, [z.key for z in zones])}
        return [(z, rows.get(z.key)) for z in zones]

    def filing(self, user: User, data_year: int, zone_key: str) -> FilingDetail:
        z = self.zone(user, zone_key)
        row = repo.filing(self.engine, data_year, zone_key)
        draft = repo.draft(self.engine, data_year, zone_key)
        doc = repo.document(self.engine, row.form_sha256) if row else None
        summary_doc = repo.document(self.engine, row.summary_sha256) if row else None
        editing = row is not None and row.step in (Step.FILLING, Step.RETURNED) and draft is not None
        if editing or doc is None:
            values = dict(draft.form) if draft else {}
            summary = dict(draft.summary) if draft else {}
            contact = dict(draft.contact) if draft else {}
            is_draft = True
        else:
            values = dict(doc.content.get("form") or {})
            contact = dict(doc.content.get("contact") or {})
            summary = dict(summary_doc.content) if summary_doc else {}
            is_draft = False
        try:
            parsed = check_form(values, complete=False)
        except FormInvalid:
            parsed = {}
        last = repo.submitted_forms(self.engine, [data_year - 1], [zone_key]).get((data_year - 1, zone_key))
        allowed = self.allowed(user, row)
        key = journal_key(filing_key(data_year, zone_key))
        return FilingDetail(z, row, values, summary, contact, is_draft, year_on_year(parsed, (last or {}).get("form")),
                            data_year - 1, allowed, repo.journal(self.engine, key))

    @staticmethod
    def allowed(user: User, row: FilingRow | None) -> list[str]:
        if row is None:
            return []
        from domain.guangdong.filing import TABLE

        out = [r.trigger for r in TABLE if r.source == row.step and r.role == user.role]
        if user.role == "zone_office" and row.step in (Step.FILLING, Step.RETURNED):
            out.insert(0, "save_draft")
        return list(dict.fromkeys(out))

    def history(self, user: User, zone_key: str) -> list[tuple[FilingRow, dict[str, Any]]]:
        """The zone's filings over the years, newest first, with the form each submitted."""
        self.zone(user, zone_key)
        rows = repo.filings(self.engine, None, [zone_key])
        forms = repo.submitted_forms(self.engine, [r.data_year for r in rows], [zone_key])
        return [(r, (forms.get((r.data_year, zone_key)) or {}).get("form") or {}) for r in rows]

    # ------------------------------------------------------------------ the zone office's draft

    def _editable(self, user: User, data_year: int, zone_key: str) -> tuple[Zone, FilingRow]:
        z = self.zone(user, zone_key)
        if user.role != "zone_office":
            raise DomainError("role_not_allowed", "考核表和年度工作总结由示范区办公室填写")
        row = repo.filing(self.engine, data_year, zone_key)
        if row is None:
            raise DomainError("round_unknown", f"{data_year} 年度的考核尚未开启")
        if row.step not in (Step.FILLING, Step.RETURNED):
            raise DomainError("action_not_allowed", f"{z.name}的考核材料{step_label(row.step)}，此时不能修改")
        return z, row

    def save_draft(self, user: User, data_year: int, zone_key: str, form: Mapping[str, Any] | None = None,
                   summary: Mapping[str, Any] | None = None, contact: Mapping[str, Any] | None = None) -> Any:
        """Keep what the zone office wrote: each value in its kind (a 130% share is refused,
        naming the field), the fields consistent; not yet complete."""
        self._editable(user, data_year, zone_key)
        check_data({"form": dict(form or {}), "contact": dict(contact or {})}, what="考核表")
        parsed_form = check_form(form, complete=False) if form is not None else None
        parsed_summary = check_summary(summary, complete=False) if summary is not None else None
        parsed_contact = _contact(contact) if contact is not None else None
        return repo.save_draft(self.engine, data_year, zone_key, user.name, parsed_form, parsed_summary, parsed_contact)

    async def submit(self, user: User, data_year: int, zone_key: str, form: Mapping[str, Any] | None = None,
                     summary: Mapping[str, Any] | None = None, contact: Mapping[str, Any] | None = None) -> FilingResult:
        """Submit the draft (with what is given saved first): complete, consistent, then the
        documents are kept and their hashes go to the workflow (``submit``, or ``correct``
        after a return)."""
        if form is not None or summary is not None or contact is not None:
            self.save_draft(user, data_year, zone_key, form, summary, contact)
        _, row = self._editable(user, data_year, zone_key)
        draft = repo.draft(self.engine, data_year, zone_key)
        values = check_form(draft.form if draft else {}, complete=True)
        sections = check_summary(draft.summary if draft else {}, complete=True)
        form_sha = repo.put_document(self.engine, "form", zone_key, data_year,
                                     {"form": values, "contact": dict(draft.contact or {})}, user.name)
        summary_sha = repo.put_document(self.engine, "summary", zone_key, data_year, sections, user.name)
        action = "correct" if row.step == Step.RETURNED else "submit"
        return await self._update(data_year, zone_key, action,
                                  FilingActionInput(user.actor, {"form_sha256": form_sha, "summary_sha256": summary_sha}))

    async def attach(self, user: User, data_year: int, zone_key: str, name: str, content: bytes,
                     note: str = "") -> FilingResult:
        """An attachment of the 年度工作总结: checked, kept in the blob store, journaled."""
        from store.blobs import blob_store

        self._editable(user, data_year, zone_key)
        meta = check_file(name, content, "report", note)
        blob_store(self.engine).put(content)
        return await self._update(data_year, zone_key, "attach", FilingAttachInput(user.actor, meta))

    # ------------------------------------------------------------------ sign-offs, returns, receipt

    async def act(self, user: User, data_year: int, zone_key: str, action: str, data: Mapping[str, Any]) -> FilingResult:
        if action not in ("sign_off", "return_filing", "receive"):
            if action in ACTIONS:
                raise DomainError("action_not_allowed", "报送、更正和附件请用各自的入口（submit、attach）")
            raise DomainError("action_unknown", f"未知的操作“{action}”")
        self.zone(user, zone_key)
        check_data(dict(data))
        return await self._update(data_year, zone_key, action, FilingActionInput(user.actor, dict(data)))

    async def _update(self, data_year: int, zone_key: str, action: str, inp: Any) -> FilingResult:
        if self.client is None:
            raise DomainError("temporal_unavailable", "需要连接 Temporal")
        handle = self.client.get_workflow_handle(filing_workflow_id(data_year, zone_key))
        try:
            for attempt in range(3):
                try:
                    return await handle.execute_update(action, inp, result_type=FilingResult)
                except WorkflowUpdateFailedError as e:
                    error = domain_error_from(e)
                    if error is None or error.code != "UnprocessedUpdate" or attempt == 2:
                        raise
                    await asyncio.sleep(0.5 * (attempt + 1))
            raise AssertionError("unreachable")  # pragma: no cover
        except WorkflowUpdateFailedError as e:
            raise domain_error_from(e) or DomainError("action_failed", str(e)) from None
        except WorkflowUpdateRPCTimeoutOrCancelledError:
            raise DomainError("temporal_timeout", "工作流服务未在时限内答复，操作结果未知，请稍后刷新查看") from None
        except RPCError as e:
            if e.status == RPCStatusCode.NOT_FOUND:
                row = repo.filing(self.engine, data_year, zone_key)
                if row is not None and row.step == Step.RECEIVED:
                    raise DomainError("filing_received", "该示范区的考核材料已由省级接收，不能再办理") from None
                raise DomainError("round_unknown", f"{data_year} 年度没有 {zone_key} 的考核") from None
            raise DomainError("temporal_unavailable", "工作流服务暂时不可用，请稍后重试") from None


def _contact(data: Mapping[str, Any]) -> dict[str, str]:
    if not isinstance(data, Mapping):
        raise DomainError("invalid_data", "申报单位信息应为对象")
    unknown = [k for k in data if k not in CONTACT_FIELDS]
    if unknown:
        raise DomainError("invalid_data", f"申报单位信息没有“{str(unknown[0])[:30]}”一项")
    out = {}
    for k, label in CONTACT_FIELDS.items():
        v = str(data.get(k) or "").strip()
        if len(v) > 200:
            raise DomainError("text_too_long", f"{label.replace(' ', '')}超过 200 字")
        if v:
            out[k] = v
    return out
