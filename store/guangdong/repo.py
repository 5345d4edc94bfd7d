"""Writes and reads of program 3's store. The record activity's write is idempotent: a
journal row's key is the workflow id plus the event's sequence, and the read model, the
notifications and the attachment rows are derived in the same transaction, once."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timezone
from typing import Any, Iterable

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from domain.guangdong import access
from domain.guangdong.labels import role_label, step_label
from domain.guangdong.model import Event
from domain.guangdong.zones import PROVINCE, ZONES, Zone
from domain.roles import User
from store import journal as kernel_journal
from store.db import session, write_lock
from store.guangdong.models import DocumentRow, DraftRow, FilingRow, RoundRow, ZoneRow
from store.models import JournalRow, OutboxRow, UserRow


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _d(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


# ---------------------------------------------------------------- zones (reference data)


def load_zones(engine: Engine) -> int:
    """Put 附件1's zones into the store (first start); returns how many were added."""
    with session(engine) as s:
        known = set(s.exec(select(ZoneRow.key)).all())
        added = 0
        for z in ZONES:
            if z.key not in known:
                s.add(ZoneRow(key=z.key, no=z.no, name=z.name, city=z.city, district=z.district, industry=z.industry,
                              province=PROVINCE))
                added += 1
        return added


def zones(engine: Engine) -> list[Zone]:
    with session(engine) as s:
        rows = s.exec(select(ZoneRow).order_by(ZoneRow.no)).all()
        return [Zone(r.no, r.key, r.name, r.city, r.district, r.industry) for r in rows]


def zone(engine: Engine, key: str) -> Zone | None:
    with session(engine) as s:
        r = s.get(ZoneRow, key)
        return Zone(r.no, r.key, r.name, r.city, r.district, r.industry) if r else None


# ---------------------------------------------------------------- the record activity


def record(engine: Engine, workflow_id: str, run_id: str, key: str, entity: str, data_year: int, zone_key: str,
           city: str, events: Iterable[Event], prev_head: str, snapshot: dict[str, Any]) -> int:
    events = list(events)
    with write_lock(engine), session(engine) as s:
        new = kernel_journal.append(s, workflow_id, run_id, key, events, prev_head)
        written = len(new)
        for e in new:
            _derive(s, workflow_id, key, e, data_year, zone_key)
        last = events[-1].seq if events else 0
        if entity == "round":
            _round(s, workflow_id, data_year, snapshot, last)
        else:
            _filing(s, workflow_id, data_year, zone_key, city, snapshot, last)
    return written


def _round(s: Any, workflow_id: str, data_year: int, snap: dict[str, Any], last: int) -> None:
    row = s.get(RoundRow, data_year)
    if row is None:
        row = RoundRow(data_year=data_year, workflow_id=workflow_id, policy_version=snap["policy_version"],
                       opened_on=_d(snap["opened_on"]), opened_by=snap["opened_by"], due=_d(snap["due"]),
                       reminders=list(snap["reminders"]), zones=int(snap["zones"]))
    if snap.get("closed_on"):
        row.closed_on = _d(snap["closed_on"])
    if last >= row.last_seq:
        row.last_seq = last
    row.updated_at = _now()
    s.add(row)


def _filing(s: Any, workflow_id: str, data_year: int, zone_key: str, city: str, snap: dict[str, Any], last: int) -> None:
    row = s.get(FilingRow, (data_year, zone_key))
    if row is None:
        row = FilingRow(data_year=data_year, zone_key=zone_key, workflow_id=workflow_id, city=city, step=snap["step"],
                        due=_d(snap["due"]), signed=[])
    elif last < row.last_seq:
        return  # a retried older write: the newer snapshot stays
    row.step = snap["step"]
    row.due = _d(snap["due"])
    row.overdue = bool(snap["overdue"])
    row.overdue_since = _d(snap.get("overdue_since"))
    row.late = bool(snap["late"])
    row.returns = int(snap["returns"])
    row.last_return = snap.get("last_return")
    row.form_sha256 = snap.get("form_sha256") or ""
    row.summary_sha256 = snap.get("summary_sha256") or ""
    row.submitted_on = _d(snap.get("submitted_on"))
    row.reached_province_on = _d(snap.get("reached_province_on"))
    row.received_on = _d(snap.get("received_on"))
    row.signed = list(snap.get("signed") or [])
    row.attachments = int(snap.get("attachments") or 0)
    row.last_seq = last
    row.updated_at = _now()
    s.add(row)


def _derive(s: Any, workflow_id: str, key: str, e: Event, data_year: int, zone_key: str) -> None:
    """An attachment's row (the kernel's table, so the orphan sweep keeps its blob and the
    audit checks it); a reminder's or an escalation's notifications, to the users in scope."""
    if e.kind == "attachment":
        from store.attachments import derive

        derive(s, key, e)
        return
    if e.kind not in ("reminder", "overdue"):
        return
    z = s.get(ZoneRow, zone_key)
    if z is None:
        return
    zone = Zone(z.no, z.key, z.name, z.city, z.district, z.industry)
    roles = {e.data.get("holder")}
    if e.kind == "overdue":
        roles.add("province_department")
    if e.kind == "overdue":
        subject = f"逾期：{zone.name} {data_year} 年度考核材料未在 {e.data['due']} 前报至省级"
        body = (f"{zone.name}的 {data_year} 年度考核表和年度工作总结截止 {e.data['due']}，目前{step_label(e.data['step'])}"
                f"（{role_label(e.data['holder'])}办理），已上报省级主管部门。")
    else:
        subject = f"提醒：{zone.name} {data_year} 年度考核材料 {e.data['due']} 截止，还有 {e.data['days_left']} 天"
        body = f"目前{step_label(e.data['step'])}，请{role_label(e.data['holder'])}及时办理。"
    users = s.exec(select(UserRow).where(col(UserRow.role).in_(list(roles)), UserRow.active == True)).all()  # noqa: E712
    for u in users:
        person = User(u.username, u.role, u.name, tuple(u.industries or ()), tuple(u.provinces or ()),
                      tuple(u.clusters or ()), tuple(u.cities or ()))
        if not access.in_scope(person, zone):
            continue
        recipient = f"user:{u.username}"
        s.add(OutboxRow(idem_key=f"{workflow_id}#{e.seq}>{recipient}", cluster_key=key, recipient=recipient,
                        kind=e.kind, subject=subject[:300], body=body, created_on=e.on, created_at=_now()))


# ---------------------------------------------------------------- rounds and filings


def rounds(engine: Engine) -> list[RoundRow]:
    with session(engine) as s:
        return list(s.exec(select(RoundRow).order_by(col(RoundRow.data_year).desc())).all())


def round_of(engine: Engine, data_year: int) -> RoundRow | None:
    with session(engine) as s:
        return s.get(RoundRow, data_year)


def filings(engine: Engine, data_year: int | None = None, zone_keys: Iterable[str] | None = None) -> list[FilingRow]:
    with session(engine) as s:
        q = select(FilingRow)
        if data_year is not None:
            q = q.where(FilingRow.data_year == data_year)
        if zone_keys is not None:
            q = q.where(col(FilingRow.zone_key).in_(list(zone_keys)))
        return list(s.exec(q.order_by(col(FilingRow.data_year).desc(), FilingRow.zone_key)).all())


def filing(engine: Engine, data_year: int, zone_key: str) -> FilingRow | None:
    with session(engine) as s:
        return s.get(FilingRow, (data_year, zone_key))


def journal(engine: Engine, key: str) -> list[JournalRow]:
    with session(engine) as s:
        return list(s.exec(select(JournalRow).where(JournalRow.cluster_key == key).order_by(JournalRow.seq)).all())


# ---------------------------------------------------------------- drafts and documents


def draft(engine: Engine, data_year: int, zone_key: str) -> DraftRow | None:
    with session(engine) as s:
        return s.get(DraftRow, (data_year, zone_key))


def save_draft(engine: Engine, data_year: int, zone_key: str, by: str, form: dict[str, Any] | None = None,
               summary: dict[str, Any] | None = None, contact: dict[str, Any] | None = None) -> DraftRow:
    """Keep what the zone office wrote (the parts given replace the draft's)."""
    with session(engine) as s:
        row = s.get(DraftRow, (data_year, zone_key))
        if row is None:
            row = DraftRow(data_year=data_year, zone_key=zone_key, form={}, summary={}, contact={}, updated_by=by)
        if form is not None:
            row.form = dict(form)
        if summary is not None:
            row.summary = dict(summary)
        if contact is not None:
            row.contact = dict(contact)
        row.updated_by = by
        row.updated_at = _now()
        s.add(row)
        return row


def canonical_sha(content: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
                          .encode("utf-8")).hexdigest()


def put_document(engine: Engine, kind: str, zone_key: str, data_year: int, content: dict[str, Any], by: str) -> str:
    """Keep a submitted document once (content-addressed); returns its SHA-256."""
    sha = canonical_sha(content)
    with session(engine) as s:
        if s.get(DocumentRow, sha) is None:
            s.add(DocumentRow(sha256=sha, kind=kind, zone_key=zone_key, data_year=data_year, content=content,
                              saved_by=by, saved_at=_now()))
    return sha


def document(engine: Engine, sha256: str) -> DocumentRow | None:
    if not sha256:
        return None
    with session(engine) as s:
        return s.get(DocumentRow, sha256)


def submitted_forms(engine: Engine, data_years: Iterable[int], zone_keys: Iterable[str] | None = None
                    ) -> dict[tuple[int, str], dict[str, Any]]:
    """The forms submitted (the last one a filing named) for these years: (year, zone) → values."""
    with session(engine) as s:
        q = select(FilingRow.data_year, FilingRow.zone_key, DocumentRow.content).join(
            DocumentRow, col(DocumentRow.sha256) == col(FilingRow.form_sha256)).where(
            col(FilingRow.data_year).in_(list(data_years)))
        if zone_keys is not None:
            q = q.where(col(FilingRow.zone_key).in_(list(zone_keys)))
        return {(y, z): dict(c or {}) for y, z, c in s.exec(q).all()}
