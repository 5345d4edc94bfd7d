"""The directory of opinion-giving bodies (RULES.md "Bodies"; migration 0008): read and kept by
the secretariat. Names are unique; a body is deactivated, never deleted, so recorded opinions
keep naming it."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from domain.cnlic.bodies import BodyEntry
from domain.errors import DomainError
from store.db import session
from store.cnlic.models import BodyRow


def _entry(row: BodyRow) -> BodyEntry:
    return BodyEntry(row.name, row.kind, tuple(row.industries or ()), row.province or "", bool(row.active),
                     row.note or "")


def entries(engine: Engine, *, active_only: bool = False) -> list[BodyEntry]:
    with session(engine) as s:
        q = select(BodyRow).order_by(BodyRow.kind, BodyRow.name)
        if active_only:
            q = q.where(BodyRow.active == True)  # noqa: E712
        return [_entry(r) for r in s.exec(q).all()]


def get(engine: Engine, name: str) -> BodyEntry | None:
    with session(engine) as s:
        row = s.exec(select(BodyRow).where(BodyRow.name == name)).first()
        return _entry(row) if row is not None else None


def save(engine: Engine, entry: BodyEntry, by: str, *, create: bool) -> BodyEntry:
    """Add a body (``create``) or replace an existing one's kind, scope, flag and note."""
    now = datetime.now(timezone.utc)
    try:
        with session(engine) as s:
            row = s.exec(select(BodyRow).where(BodyRow.name == entry.name)).first()
            if create and row is not None:
                raise DomainError("body_exists", f"意见单位“{entry.name}”已在名录中")
            if not create and row is None:
                raise DomainError("body_entry_unknown", f"意见单位“{entry.name}”不在名录中")
            if row is None:
                row = BodyRow(name=entry.name, kind=entry.kind, industries=list(entry.industries))
            row.kind, row.industries, row.province = entry.kind, list(entry.industries), entry.province
            row.active, row.note, row.updated_by, row.updated_at = entry.active, entry.note, by, now
            s.add(row)
    except IntegrityError:
        raise DomainError("body_exists", f"意见单位“{entry.name}”已在名录中") from None
    return entry
