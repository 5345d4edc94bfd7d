"""The log of audit reads: every replay, verification and export is itself recorded."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import select

from store.db import session
from store.models import AuditRead


def record_read(engine: Engine, actor: str, what: str, cluster_key: str | None, outcome: str) -> None:
    """One row, through Core: the audit's one-cluster commands touch no ORM mapper (issue 15, row 6)."""
    with engine.begin() as conn:
        conn.execute(insert(AuditRead.__table__).values(at=datetime.now(timezone.utc), actor=actor, what=what,
                                                        cluster_key=cluster_key, outcome=outcome[:500]))


def reads(engine: Engine, cluster_key: str | None = None) -> list[AuditRead]:
    with session(engine) as s:
        q = select(AuditRead)
        if cluster_key is not None:
            q = q.where(AuditRead.cluster_key == cluster_key)
        return list(s.exec(q.order_by(AuditRead.id)).all())
