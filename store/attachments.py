"""The attachments' rows (issue 10 item 4): derived from ``attachment`` journal events in the
record activity's transaction (``store.cnlic.lifecycle._derive``), read by the console, the CLI
and the audit. The bytes are in the blob store (``store.blobs``)."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from domain.cnlic.model import Event
from store.db import session
from store.models import AttachmentRow, JournalRow


def derive(s: Session, key: str, e: Event) -> None:
    """One row per attachment event; the caller derives each journal row once."""
    d = e.data
    s.add(AttachmentRow(cluster_key=key, seq=e.seq, sha256=d["sha256"], name=d["name"], size=int(d["size"]),
                        media_type=d["type"], purpose=d["purpose"], note=d.get("note") or "",
                        uploaded_role=e.actor.role, uploaded_by=e.actor.name, uploaded_on=e.on,
                        recorded_at=datetime.now(timezone.utc)))


def of_cluster(engine: Engine, key: str) -> list[AttachmentRow]:
    with session(engine) as s:
        return list(s.exec(select(AttachmentRow).where(AttachmentRow.cluster_key == key)
                           .order_by(AttachmentRow.seq)).all())


def find(engine: Engine, key: str, sha256: str) -> AttachmentRow | None:
    """The first attachment of these bytes to this cluster (its original name)."""
    with session(engine) as s:
        return s.exec(select(AttachmentRow).where(AttachmentRow.cluster_key == key, AttachmentRow.sha256 == sha256)
                      .order_by(AttachmentRow.seq)).first()


def count(engine: Engine, key: str) -> int:
    with session(engine) as s:
        return s.exec(select(func.count()).select_from(AttachmentRow).where(AttachmentRow.cluster_key == key)).one()


def referenced(engine: Engine) -> set[str]:
    """Every SHA-256 an attachment row names: the blobs the orphan sweep must keep."""
    with session(engine) as s:
        return set(s.exec(select(AttachmentRow.sha256).distinct()).all())


def journaled(rows: list[JournalRow]) -> list[JournalRow]:
    """The attachment events among a cluster's journal rows: what the audit checks blobs
    against (the journal, not the derived rows, is what the hash chain vouches for)."""
    return [r for r in rows if r.kind == "attachment"]
