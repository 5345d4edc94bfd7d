"""Email deliveries in the store (issue 10 §7), on SQLite and PostgreSQL: a (notification,
user) pair is claimed once, a failure waits for its retry time, the last attempt gives up, and
a send cut short by a crash is marked, never handed out again."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from store import notifications as repo
from store.db import session
from store.models import OutboxRow

NOW = datetime(2027, 3, 1, 2, 0, tzinfo=timezone.utc)


def outbox_row(engine, key: str = "n1") -> int:
    with session(engine) as s:
        row = OutboxRow(idem_key=key, cluster_key=None, recipient="user:li", kind="digest", subject="日报", body="…",
                        created_on=date(2027, 3, 1), created_at=NOW)
        s.add(row)
        s.flush()
        return row.id


def test_a_pair_is_claimed_once_and_a_failure_is_retried_only_when_due(engine):
    outbox_id = outbox_row(engine)
    first = repo.claim(engine, outbox_id, 7, "li@example.cn", NOW)
    assert first is not None and first.attempt == 1
    assert repo.claim(engine, outbox_id, 7, "li@example.cn", NOW) is None  # a rerun finds it taken
    repo.record_failure(engine, first.delivery_id, "ConnectionRefusedError: …", NOW + timedelta(minutes=1))
    assert repo.claim(engine, outbox_id, 7, "li@example.cn", NOW + timedelta(seconds=30)) is None
    second = repo.claim(engine, outbox_id, 7, "li@example.cn", NOW + timedelta(minutes=2))
    assert second is not None and second.attempt == 2
    repo.record_failure(engine, second.delivery_id, "SMTPDataError: 554", None)  # the last attempt
    assert repo.claim(engine, outbox_id, 7, "li@example.cn", NOW + timedelta(days=1)) is None
    [row] = repo.deliveries(engine, outbox_id)
    assert (row.status, row.attempts, row.last_error) == ("failed", 2, "SMTPDataError: 554")


def test_a_send_cut_short_is_marked_interrupted_and_never_claimed_again(engine):
    outbox_id = outbox_row(engine)
    claimed = repo.claim(engine, outbox_id, 7, "li@example.cn", NOW)
    assert repo.interrupt_stale(engine, NOW - timedelta(minutes=10)) == 0  # still fresh: someone is sending
    assert repo.interrupt_stale(engine, NOW + timedelta(minutes=10)) == 1
    assert repo.claim(engine, outbox_id, 7, "li@example.cn", NOW + timedelta(hours=1)) is None
    [row] = repo.deliveries(engine, outbox_id)
    assert row.id == claimed.delivery_id and row.status == "interrupted" and row.sent_at is None
