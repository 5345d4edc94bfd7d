"""Housekeeping the console process runs on a schedule (APScheduler, ``console.scheduler``):
never a business deadline — those are Temporal timers in the workflows.

- ``deadline_digest``: once a day, one message per user into the notification outbox listing
  the user's to-do items (``service.cnlic.todo``, the same as 我的待办) and the deadlines in the
  user's scope that are overdue or fall due soon.
- ``reconcile``: compares the read model with the workflows (Temporal visibility, then the
  workflow's own view for every suspect) and overwrites drifted rows, logging each repair.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from temporalio.service import RPCError

from domain.calendar import SHANGHAI
from domain.cnlic import labels
from domain.cnlic.model import Stage
from service.cnlic import todo
from service.cnlic.console import ConsoleService
from service.users import to_user
from store.cnlic import readmodel
from store import users as user_repo
from store.cnlic.models import Cluster
from workflows.cnlic.contracts import ClusterView, designation_workflow_id
from workflows.cnlic.designation import (
    CLUSTER_KEY,
    CLUSTER_STAGE,
    NEXT_DEADLINE,
    OVERDUE,
    TITLE_STATUS,
    VALID_UNTIL,
)

log = logging.getLogger("designation.housekeeping")

DIGEST_WORKING_DAYS = 10
DIGEST_TODO_LINES = 200  # the digest names the soonest to-do items; the console has them all
ENDED = (Stage.REVOKED, Stage.WITHDRAWN, Stage.REFUSED)


# ---------------------------------------------------------------- the daily digest


@dataclass(frozen=True)
class DigestResult:
    day: date
    written: list[str]  # usernames that got a digest
    skipped: list[str]  # nothing due, or already sent today


async def deadline_digest(console: ConsoleService, within: int = DIGEST_WORKING_DAYS) -> DigestResult:
    today = await console.today()
    written, skipped = [], []
    for row in user_repo.users(console.engine):
        if not row.active:
            continue
        user = to_user(row)
        mine = await todo.todo(console, user, limit=DIGEST_TODO_LINES)
        _, entries = await console.radar(user, within=within, limit=1000)
        if not entries and not mine.total:
            skipped.append(user.username)
            continue
        overdue = [e for e in entries if e.overdue]
        soon = [e for e in entries if not e.overdue]
        subject = (f"【时限日报】{today.isoformat()}：我的待办 {mine.total} 项（{mine.overdue} 项已逾期）；"
                   f"范围内 {len(overdue)} 项时限已逾期，{len(soon)} 项 {within} 个工作日内到期")
        lines = [f"{user.name}（{user.role_label}）：", "", f"我的待办（{mine.total} 项，最早到期的在前）："]
        for i in mine.items:
            lines.append(f"- {i.cluster_key} {i.title or i.cluster_name}：{i.label}，{_clock_line(i)}")
        if mine.total > len(mine.items):
            lines.append(f"- 另有 {mine.total - len(mine.items)} 项，见控制台“我的待办”")
        lines += ["", f"范围内的时限（已逾期或 {within} 个工作日内到期）："]
        for e in entries:
            lines.append(f"- {e.cluster_key} {e.title or e.cluster_name}：{labels.deadline_label(e.what)}，"
                         f"截止 {e.due.isoformat()}（{_left(e.overdue, e.days_left, e.working_days_left)}）")
        if readmodel.add_digest(console.engine, f"digest:{today.isoformat()}:{user.username}",
                                f"user:{user.username}", subject, "\n".join(lines), today):
            written.append(user.username)
        else:
            skipped.append(user.username)
    log.info("deadline digest %s: %d written, %d skipped", today, len(written), len(skipped))
    return DigestResult(today, written, skipped)


def _left(overdue: bool, days_left: int | None, working_days_left: int | None) -> str:
    return f"已逾期 {-(days_left or 0)} 天" if overdue else f"剩 {working_days_left} 个工作日"


def _clock_line(i: todo.TodoItem) -> str:
    if i.due is None:
        return "无时限"
    return f"{i.clock_label} {i.due.isoformat()}（{_left(i.overdue, i.days_left, i.working_days_left)}）"


# ---------------------------------------------------------------- reconciliation


@dataclass
class Repair:
    key: str
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field -> (read model, workflow)
    deadlines: tuple[list[str], list[str]] | None = None  # (read model, workflow) deadline keys when they differ

    def describe(self) -> str:
        parts = [f"{name}: {old!r} → {new!r}" for name, (old, new) in self.changes.items()]
        if self.deadlines is not None:
            parts.append(f"deadlines: {self.deadlines[0]} → {self.deadlines[1]}")
        return f"{self.key}: " + "; ".join(parts)


@dataclass
class ReconcileResult:
    checked: int = 0
    suspects: list[str] = field(default_factory=list)
    repaired: list[Repair] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # an activity was still writing
    problems: list[str] = field(default_factory=list)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _attr_date(value: Any) -> str | None:
    return value.astimezone(SHANGHAI).date().isoformat() if value is not None else None


def drifted(row: Cluster, attrs: Any) -> bool:
    """Whether visibility's search attributes disagree with the read-model row (a cheap
    first look; the workflow's own view decides)."""
    if attrs.get(CLUSTER_STAGE) not in (None, row.stage):
        return True
    if attrs.get(TITLE_STATUS) not in (None, row.title_status):
        return True
    if attrs.get(OVERDUE) is not None and bool(attrs.get(OVERDUE)) != bool(row.overdue):
        return True
    if _attr_date(attrs.get(NEXT_DEADLINE)) != _iso(row.next_deadline):
        return True
    return _attr_date(attrs.get(VALID_UNTIL)) != _iso(row.valid_until)


def view_fields(view: ClusterView) -> dict[str, Any]:
    """The read-model columns as the workflow sees them (the same rules as the snapshot)."""
    upcoming = sorted((d for d in view.deadlines if not d.overdue), key=lambda d: (d.due, d.key))
    return {
        "stage": view.stage,
        "procedure": view.procedure,
        "title_status": view.title_status,
        "title": view.title or "",
        "valid_until": view.valid_until,
        "conferred_on": view.conferred_on,
        "expired_on": view.expired_on,
        "next_deadline": upcoming[0].due if upcoming else None,
        "next_deadline_what": upcoming[0].what if upcoming else None,
        "overdue": any(d.overdue for d in view.deadlines),
        "cycle": view.cycle,
        "live": view.stage not in ENDED,
    }


def _deadline_facts(view: ClusterView, timeline: list, existing: dict[str, Any]) -> list[readmodel.DeadlineFacts]:
    armed = {}
    for e in timeline:
        if e.kind == "deadline":
            armed[e.data.get("key")] = e
    out = []
    for d in view.deadlines:
        row = existing.get(d.key)
        event = armed.get(d.key)
        if row is not None and row.due == d.due:
            armed_on, anchor = row.armed_on, row.anchor
        elif event is not None:
            armed_on, anchor = event.on, date.fromisoformat(event.data.get("anchor") or event.on.isoformat())
        else:
            armed_on, anchor = view.today, view.today
        out.append(readmodel.DeadlineFacts(d.key, d.what, d.due, armed_on, anchor, list(d.reminders),
                                           d.calendar_version, d.provisional, d.basis, d.overdue_since))
    return out


async def _activity_pending(console: ConsoleService, key: str) -> bool:
    handle = console.lifecycle.client.get_workflow_handle(designation_workflow_id(key))
    desc = await handle.describe()
    return bool(desc.raw_description.pending_activities)


def _differences(console: ConsoleService, row: Cluster, view: ClusterView) -> tuple | None:
    """What the row and its deadlines lack of the view, or None when they agree."""
    want = view_fields(view)
    changes = {name: (getattr(row, name), value) for name, value in want.items() if getattr(row, name) != value}
    existing = {d.key: d for d in readmodel.open_deadlines_of(console.engine, row.key)}
    have = {k: (d.due, d.overdue_since) for k, d in existing.items()}
    wanted = {d.key: (d.due, d.overdue_since) for d in view.deadlines}
    if not changes and have == wanted:
        return None
    return want, changes, existing, have, wanted


async def reconcile_cluster(console: ConsoleService, row: Cluster) -> Repair | None | str:
    """Compare one row with its workflow and repair it. Returns the repair, None when the
    row was right, or "pending" when an activity is still writing it."""
    key = row.key
    view = await console.lifecycle.view(key)
    found = _differences(console, row, view)
    if found is None:
        return None
    # mid-update (issue 9): an action or a clock is being applied, or its record activity is
    # on its way — the row will be written; repairing now would race the writer
    if view.busy or (view.seq > row.last_seq and await _activity_pending(console, key)):
        return "pending"
    # and look twice: drift is what stays put; a row or a view that moved meanwhile was an
    # update completing between the two reads, not drift
    again = await console.lifecycle.view(key)
    fresh = readmodel.cluster_row(console.engine, key)
    if fresh is None or again.busy or again.seq != view.seq or fresh.last_seq != row.last_seq:
        return "pending"
    row, view = fresh, again
    found = _differences(console, row, view)
    if found is None:
        return None
    want, changes, existing, have, wanted = found
    deadlines_differ = have != wanted
    _, timeline = console.lifecycle.timeline(key)
    facts = _deadline_facts(view, timeline, existing) if deadlines_differ else None
    if not readmodel.repair_cluster(console.engine, key, want, facts, max(view.seq, row.last_seq)):
        return "pending"
    return Repair(key, changes, (sorted(have), sorted(wanted)) if deadlines_differ else None)


async def reconcile(console: ConsoleService) -> ReconcileResult:
    result = ReconcileResult()
    rows = {r.key: r for r in readmodel.live_rows(console.engine)}
    listed: dict[str, Any] = {}
    try:
        async for wf in console.lifecycle.client.list_workflows(
                "WorkflowType = 'DesignationWorkflow' AND ExecutionStatus = 'Running'"):
            attrs = wf.typed_search_attributes
            key = attrs.get(CLUSTER_KEY) or wf.id.removeprefix("designation-")
            listed[key] = attrs
    except RPCError as e:
        result.problems.append(f"Temporal visibility unavailable: {e.message}")
        log.warning("reconcile skipped: Temporal visibility unavailable (%s)", e.message)
        return result
    result.checked = len(set(rows) | set(listed))
    suspects = set()
    for key, attrs in listed.items():
        row = rows.get(key) or readmodel.cluster_row(console.engine, key)
        if row is None:
            result.problems.append(f"{key}: running workflow without a read-model row")
            log.error("reconcile: %s has a running workflow but no read-model row (registration not claimed)", key)
        elif drifted(row, attrs):
            suspects.add(key)
    suspects |= {key for key in rows if key not in listed}  # live in the read model, not running
    result.suspects = sorted(suspects)
    for key in result.suspects:
        row = rows.get(key) or readmodel.cluster_row(console.engine, key)
        if row is None:
            continue
        try:
            outcome = await reconcile_cluster(console, row)
        except Exception as e:  # one cluster's trouble must not stop the others
            result.problems.append(f"{key}: {e}")
            log.warning("reconcile: %s not checked: %s", key, e)
            continue
        if outcome == "pending":
            result.skipped.append(key)
        elif isinstance(outcome, Repair):
            result.repaired.append(outcome)
            log.warning("reconcile repaired %s", outcome.describe())
    log.info("reconcile: %d checked, %d suspect, %d repaired", result.checked, len(result.suspects),
             len(result.repaired))
    return result

