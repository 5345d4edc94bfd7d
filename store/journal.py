"""The kernel journal's one writer (RULES.md "Shared by every program"): a batch of a workflow's
events chained from the head it hands over (``domain.journal``) and appended once — every
program's record activity writes through here. Keyed by ``<workflow id>#<seq>``, so a retried
activity writes nothing again; the database itself skips what is already there (no lookup first
on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterable

from sqlalchemy import insert
from sqlmodel import Session, col, select

from domain.journal import event_hash
from store.models import JournalRow


def idem_key(workflow_id: str, seq: int) -> str:
    return f"{workflow_id}#{seq}"


def append(s: Session, workflow_id: str, run_id: str, key: str, events: Iterable[Any], prev_head: str,
           now: datetime | None = None) -> list[Any]:
    """Chain ``events`` under journal ``key`` from ``prev_head`` and insert those not journaled
    yet; returns the events written, in order (empty on a retry)."""
    events = list(events)
    now = now or datetime.now(timezone.utc)
    head, rows = prev_head, []
    for e in events:
        prev, head = head, event_hash(head, key, e)
        rows.append(dict(prev_hash=prev, hash=head, idem_key=idem_key(workflow_id, e.seq), cluster_key=key,
                         workflow_id=workflow_id, run_id=run_id, seq=e.seq, on=e.on, kind=e.kind,
                         actor_role=e.actor.role, actor_name=e.actor.name, data=e.data, recorded_at=now))
    written = _insert_new(s, rows)
    return [e for e in events if e.seq in written]


_TABLE = JournalRow.__table__
_INSERT_NEW: dict[str, Any] = {}


def _insert_new_statement(dialect: str) -> Any:
    """``INSERT … ON CONFLICT (idem_key) DO NOTHING RETURNING seq`` on the table, built once per
    dialect: a Core statement, so a write skips the ORM's bulk-insert bookkeeping (a quarter of
    the simulator's store time went there, issue 15)."""
    stmt = _INSERT_NEW.get(dialect)
    if stmt is None:
        from sqlalchemy.dialects import postgresql, sqlite

        dialect_insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
        stmt = _INSERT_NEW.setdefault(dialect, dialect_insert(_TABLE).on_conflict_do_nothing(
            index_elements=["idem_key"]).returning(_TABLE.c.seq))
    return stmt


def _insert_new(s: Session, rows: list[dict[str, Any]]) -> set[int]:
    if not rows:
        return set()
    dialect = s.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        return {r[0] for r in s.connection().execute(_insert_new_statement(dialect), rows)}
    seqs = [r["seq"] for r in rows]
    # ix_journal_workflow_seq: a point lookup whatever the journal's size (issue 9, 15)
    existing = set(s.exec(select(JournalRow.seq).where(JournalRow.workflow_id == rows[0]["workflow_id"],
                                                     col(JournalRow.seq).in_(seqs))).all())
    new = [r for r in rows if r["seq"] not in existing]
    if new:
        s.execute(insert(JournalRow), new)
    return {r["seq"] for r in new}
