"""Writes and reads of program 4's store. Writes are idempotent: a journal row's key is the
workflow id plus the event's sequence number (``idem_key``), chained with ``domain.journal``;
the read model is refreshed only by a snapshot at least as new as the one it holds."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Iterable

from sqlalchemy import false, func, or_
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from domain.brand.machine import TERMINAL
from domain.brand.model import Event, PilotProfile
from store.brand.models import BrandBatchRow, BrandPilotRow
from store import journal as kernel_journal
from store.db import session, write_lock
from store.models import JournalRow


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _d(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


idem_key = kernel_journal.idem_key


def claim(engine: Engine, profile: PilotProfile, workflow_id: str, policy_version: str, today: date) -> bool:
    """Insert the read-model row for a new pilot (the primary key refuses a second). False when
    the key is taken."""
    with session(engine) as s:
        if s.get(BrandPilotRow, profile.key) is not None:
            return False
        s.add(BrandPilotRow(key=profile.key, workflow_id=workflow_id, stage="applied", policy_version=policy_version,
                            filed_on=today, industries=list(profile.industries), titles=[], experts=[],
                            deadlines=[], **_profile(profile), updated_at=_now()))
    return True


def release(engine: Engine, key: str) -> None:
    """Undo a claim whose workflow never started."""
    with session(engine) as s:
        row = s.get(BrandPilotRow, key)
        if row is not None and row.last_seq == 0:
            s.delete(row)


def _profile(p: PilotProfile) -> dict[str, Any]:
    return {"name": p.name, "province": p.province, "city": p.city, "county": p.county, "applicant": p.applicant,
            "applicant_kind": p.applicant_kind}


def record(engine: Engine, workflow_id: str, run_id: str, journal: str, events: Iterable[Event], prev_head: str,
           profile: PilotProfile | None = None, snapshot: dict[str, Any] | None = None,
           batch: dict[str, Any] | None = None) -> int:
    events = list(events)
    with write_lock(engine), session(engine) as s:
        new = kernel_journal.append(s, workflow_id, run_id, journal, events, prev_head)
        written = len(new)
        for e in new:
            if profile is not None and e.kind in NOTIFIED:
                _notify(s, workflow_id, journal, e, profile, snapshot or {})
        last = events[-1].seq if events else 0
        if profile is not None and snapshot is not None:
            row = s.get(BrandPilotRow, profile.key)
            if row is None:
                row = BrandPilotRow(key=profile.key, workflow_id=workflow_id, stage=snapshot["stage"],
                                    industries=list(profile.industries), titles=[], experts=[], deadlines=[])
            if last >= row.last_seq:
                for k, v in _profile(profile).items():
                    setattr(row, k, v)
                row.industries = list(profile.industries)
                row.workflow_id = workflow_id
                row.stage = snapshot["stage"]
                row.procedure = snapshot.get("procedure") or ""
                row.plan_years = snapshot.get("plan_years") or 1
                for name in ("recommended_on", "approved_on", "granted_on", "valid_until", "next_due"):
                    setattr(row, name, _d(snapshot.get(name)))
                row.batch_id = snapshot.get("batch_id")
                row.cycle = snapshot.get("cycle") or 0
                row.titles = list(snapshot.get("titles") or [])
                row.experts = list(snapshot.get("experts") or [])
                row.deadlines = list(snapshot.get("deadlines") or [])
                row.material_total = snapshot.get("material_total")
                row.defence_total = snapshot.get("defence_total")
                row.excellent = bool(snapshot.get("excellent"))
                row.next_due_what = snapshot.get("next_due_what")
                row.overdue = bool(snapshot.get("overdue"))
                row.last_seq = last
                row.live = snapshot["stage"] not in {t.value for t in TERMINAL}
                row.updated_at = _now()
                s.add(row)
        if batch is not None:
            row = s.get(BrandBatchRow, batch["batch_id"]) or BrandBatchRow(batch_id=batch["batch_id"],
                                                                            cutoff=_d(batch["cutoff"]), members=[],
                                                                            decisions={})
            row.closed = bool(batch.get("closed"))
            row.members = list(batch.get("members") or [])
            row.overdue = bool(batch.get("overdue"))
            if batch.get("held_on"):
                row.held_on = _d(batch["held_on"])
                row.held_by = batch.get("held_by") or ""
                row.decisions = dict(batch.get("decisions") or {})
            row.updated_at = _now()
            s.add(row)
    return written


# ---------------------------------------------------------------- notifications

# who hears of a clock's reminder or escalation, of a batch decision and of a title decision
RECIPIENTS = {"summary": ("implementing_body", "province_department"),
              "supervision": ("province_department", "miit_reviewer"),
              "expiry": ("implementing_body", "province_department")}
NOTIFIED = ("reminder", "overdue", "batch", "decision", "title")


def _notify(s, workflow_id: str, journal: str, e: Event, profile: PilotProfile, snapshot: dict[str, Any]) -> None:
    """One outbox row per person addressed, in the same transaction as the journal row (a retry
    writes none twice): the kernel's 通知 page and mail deliver it."""
    from domain.brand.access import PilotFacts, sees
    from domain.brand.labels import deadline_label, describe_event, event_label
    from domain.roles import User
    from store.models import OutboxRow, UserRow

    if e.kind in ("reminder", "overdue"):
        roles = RECIPIENTS.get(e.data.get("what", ""), ("implementing_body",))
    else:
        roles = ("implementing_body", "local_government", "province_department")
    facts = PilotFacts(profile.key, profile.province, profile.city, profile.county, profile.applicant_kind,
                       tuple(snapshot.get("experts") or ()))
    what = deadline_label(e.data.get("what")) if e.kind in ("reminder", "overdue") else event_label(e.kind)
    subject = f"{profile.name}：{event_label(e.kind)} {what}" if e.kind in ("reminder", "overdue") else \
        f"{profile.name}：{what}"
    body = f"{profile.key} {e.on}：{describe_event(e.kind, e.data)}"
    for u in s.exec(select(UserRow).where(col(UserRow.role).in_(roles), UserRow.active == True)).all():  # noqa: E712
        user = User(u.username, u.role, u.name, tuple(u.industries or ()), tuple(u.provinces or ()),
                    tuple(u.clusters or ()), tuple(u.cities or ()))
        if sees(user, facts):
            s.add(OutboxRow(idem_key=f"{idem_key(workflow_id, e.seq)}#{u.username}", recipient=f"user:{u.username}",
                            kind=e.kind if e.kind in ("reminder", "overdue") else "notice", subject=subject[:200],
                            body=body,
                            created_on=e.on, created_at=_now()))


# ---------------------------------------------------------------- reads


def pilot(engine: Engine, key: str) -> BrandPilotRow | None:
    with session(engine) as s:
        return s.get(BrandPilotRow, key)


def _scoped(q, scope: dict[str, tuple[str, ...]] | None):
    if scope is None:
        return q
    conds = []
    if scope.get("keys"):
        conds.append(col(BrandPilotRow.key).in_(list(scope["keys"])))
    if scope.get("places"):
        conds.append(col(BrandPilotRow.city).in_(list(scope["places"])))
        conds.append(col(BrandPilotRow.county).in_(list(scope["places"])))
    if scope.get("provinces"):
        conds.append(col(BrandPilotRow.province).in_(list(scope["provinces"])))
    if "expert" in scope:  # JSON lists: compared in Python below
        return q
    return q.where(or_(*conds)) if conds else q.where(false())  # an empty scope sees nothing


def pilots(engine: Engine, scope: dict[str, tuple[str, ...]] | None = None, stage: str | None = None,
           province: str | None = None, limit: int = 500) -> list[BrandPilotRow]:
    with session(engine) as s:
        q = _scoped(select(BrandPilotRow), scope)
        if stage:
            q = q.where(BrandPilotRow.stage == stage)
        if province:
            q = q.where(BrandPilotRow.province == province)
        rows = list(s.exec(q.order_by(BrandPilotRow.key).limit(limit if not (scope and "expert" in scope) else 100_000)).all())
    if scope and "expert" in scope:
        names = set(scope["expert"])
        rows = [r for r in rows if names & set(r.experts or [])][:limit]
    return rows


def recommendations(engine: Engine, province: str, year: int) -> list[str]:
    """The pilots a province recommended in a calendar year (§三(三) quota), from the read model."""
    with session(engine) as s:
        rows = s.exec(select(BrandPilotRow.key).where(
            BrandPilotRow.province == province, col(BrandPilotRow.recommended_on) >= date(year, 1, 1),
            col(BrandPilotRow.recommended_on) <= date(year, 12, 31))).all()
        return sorted(rows)


def batches(engine: Engine) -> list[BrandBatchRow]:
    with session(engine) as s:
        return list(s.exec(select(BrandBatchRow).order_by(col(BrandBatchRow.batch_id).desc())).all())


def journal(engine: Engine, key: str) -> list[JournalRow]:
    with session(engine) as s:
        return list(s.exec(select(JournalRow).where(JournalRow.cluster_key == key).order_by(JournalRow.seq)).all())


def journal_all(engine: Engine) -> list[JournalRow]:
    with session(engine) as s:
        return list(s.exec(select(JournalRow).where(col(JournalRow.cluster_key).startswith("brand.", autoescape=True))
                           .order_by(JournalRow.on, JournalRow.id)).all())


def action_events(engine: Engine, action: str, key: str | None = None) -> list[JournalRow]:
    """The journal's ``action`` rows of one kind (their data holds the form as filed)."""
    with session(engine) as s:
        q = select(JournalRow).where(col(JournalRow.cluster_key).startswith("brand.", autoescape=True),
                                     JournalRow.kind == "action")
        if key is not None:
            q = q.where(JournalRow.cluster_key == f"brand.{key}")
        rows = s.exec(q.order_by(JournalRow.on, JournalRow.id)).all()
    return [r for r in rows if (r.data or {}).get("action") == action]


def decisions(engine: Engine) -> list[JournalRow]:
    with session(engine) as s:
        return list(s.exec(select(JournalRow).where(col(JournalRow.cluster_key).startswith("brand.", autoescape=True),
                                                    JournalRow.kind == "decision").order_by(JournalRow.on)).all())


def is_empty(engine: Engine) -> bool:
    with session(engine) as s:
        return s.exec(select(func.count()).select_from(BrandPilotRow)).one() == 0


def done_by(engine: Engine, role: str, name: str, limit: int = 200) -> list[JournalRow]:
    with session(engine) as s:
        return list(s.exec(select(JournalRow).where(col(JournalRow.cluster_key).startswith("brand.", autoescape=True),
                                                    JournalRow.actor_role == role, JournalRow.actor_name == name)
                           .order_by(col(JournalRow.id).desc()).limit(limit)).all())
