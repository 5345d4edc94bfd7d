"""The kernel journal's one writer (``store.journal``), on SQLite and PostgreSQL: every program's
record activity appends through it, so a retried or half-written batch writes only what is
missing and the chain it leaves is the one ``domain.journal`` computes."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from domain.cnlic.model import Event
from domain.journal import GENESIS, head_of
from store import journal
from store.db import session
from store.models import JournalRow


def _events(n: int) -> list[Event]:
    return [Event(seq=i, on=date(2027, 1, i), kind="action", data={"n": i}) for i in range(1, n + 1)]


def test_a_retried_batch_writes_only_what_is_missing_and_keeps_the_chain(engine):
    events = _events(4)
    with session(engine) as s:  # an earlier attempt wrote the first two, then failed
        assert [e.seq for e in journal.append(s, "wf-1", "run-a", "demo.k", events[:2], GENESIS)] == [1, 2]
    with session(engine) as s:  # the retry hands over the whole batch
        assert [e.seq for e in journal.append(s, "wf-1", "run-a", "demo.k", events, GENESIS)] == [3, 4]
    with session(engine) as s:  # and a third attempt writes nothing
        assert journal.append(s, "wf-1", "run-a", "demo.k", events, GENESIS) == []
    with session(engine) as s:
        rows = list(s.exec(select(JournalRow).where(JournalRow.workflow_id == "wf-1").order_by(JournalRow.seq)).all())
    assert [r.seq for r in rows] == [1, 2, 3, 4]
    assert [r.idem_key for r in rows] == [journal.idem_key("wf-1", i) for i in range(1, 5)]
    assert rows[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:]))
    assert rows[-1].hash == head_of("demo.k", events)


def test_two_workflows_with_the_same_sequence_numbers_do_not_collide(engine):
    with session(engine) as s:
        assert len(journal.append(s, "wf-a", "r", "brand.a", _events(2), GENESIS)) == 2
        assert len(journal.append(s, "wf-b", "r", "guangdong.b", _events(2), GENESIS)) == 2
