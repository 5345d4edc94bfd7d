"""The notification outbox as its readers see it (issue 10 §7): which rows are addressed to a
user, their per-user read state, and the email deliveries of (outbox row, user) pairs.

A row is addressed to a user when its recipient is the user's role and its cluster is in the
user's scope (``domain.cnlic.access.scope_of``, as SQL by ``readmodel.scope_clause``), or when its
recipient is ``user:<username>`` (the daily digest).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable

from sqlalchemy import and_, func, or_, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from domain.cnlic.access import User, scope_of
from store.db import session
from store.models import EmailDeliveryRow, NotificationReadRow, OutboxRow, UserRow
from store.cnlic.models import Cluster
from store.cnlic.readmodel import scope_clause

MAX_LIST = 200

# email delivery states (EmailDeliveryRow.status)
SENDING, SENT, RETRY, FAILED, INTERRUPTED = "sending", "sent", "retry", "failed", "interrupted"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def user_recipient(username: str) -> str:
    return f"user:{username}"


def addressed_to(user: User) -> Any:
    """The SQL condition on OutboxRow: addressed to this user."""
    scope = scope_of(user)
    by_role = col(OutboxRow.recipient) == user.role
    if not scope.everything:
        by_role = and_(by_role, or_(col(OutboxRow.cluster_key).is_(None),
                                    col(OutboxRow.cluster_key).in_(select(Cluster.key).where(scope_clause(scope)))))
    return or_(by_role, col(OutboxRow.recipient) == user_recipient(user.username))


# ---------------------------------------------------------------- the console's list


@dataclass(frozen=True)
class Notification:
    row: OutboxRow
    read_at: datetime | None


@dataclass(frozen=True)
class NotificationList:
    total: int
    unread: int
    items: list[Notification]


def _read_join(uid: int) -> Any:
    return and_(col(NotificationReadRow.outbox_id) == col(OutboxRow.id), col(NotificationReadRow.user_id) == uid)


def unread_count(engine: Engine, user: User, uid: int) -> int:
    with session(engine) as s:
        return s.exec(select(func.count()).select_from(OutboxRow).outerjoin(NotificationReadRow, _read_join(uid))
                      .where(addressed_to(user), col(NotificationReadRow.id).is_(None))).one()


def notifications(engine: Engine, user: User, uid: int, unread_only: bool = False, limit: int = 50,
                  offset: int = 0) -> NotificationList:
    """Newest first."""
    limit = min(max(1, limit), MAX_LIST)
    where = [addressed_to(user)]
    if unread_only:
        where.append(col(NotificationReadRow.id).is_(None))
    with session(engine) as s:
        total = s.exec(select(func.count()).select_from(OutboxRow).outerjoin(NotificationReadRow, _read_join(uid))
                       .where(*where)).one()
        rows = s.exec(select(OutboxRow, NotificationReadRow.read_at)
                      .outerjoin(NotificationReadRow, _read_join(uid)).where(*where)
                      .order_by(col(OutboxRow.id).desc()).offset(max(0, offset)).limit(limit)).all()
    unread = total if unread_only else unread_count(engine, user, uid)
    return NotificationList(total, unread, [Notification(row, _aware(read_at)) for row, read_at in rows])


def mark_read(engine: Engine, user: User, uid: int, ids: Iterable[int] | None = None) -> int:
    """Mark these rows (or, with ``ids`` None, every row) addressed to the user as read.
    Rows not addressed to the user are ignored; returns how many became read."""
    wanted = None if ids is None else sorted({int(i) for i in ids})
    if wanted is not None and not wanted:
        return 0
    for _ in range(3):  # a concurrent mark of the same rows: look again
        try:
            with session(engine) as s:
                q = (select(OutboxRow.id).outerjoin(NotificationReadRow, _read_join(uid))
                     .where(addressed_to(user), col(NotificationReadRow.id).is_(None)))
                if wanted is not None:
                    q = q.where(col(OutboxRow.id).in_(wanted))
                unread = list(s.exec(q).all())
                now = _now()
                for outbox_id in unread:
                    s.add(NotificationReadRow(user_id=uid, outbox_id=outbox_id, read_at=now))
            return len(unread)
        except IntegrityError:
            continue
    return 0


# ---------------------------------------------------------------- email deliveries


def email_users(engine: Engine) -> list[UserRow]:
    with session(engine) as s:
        return list(s.exec(select(UserRow).where(UserRow.active == True, col(UserRow.email).is_not(None),  # noqa: E712
                                                 UserRow.email != "").order_by(UserRow.id)).all())


def due_for_email(engine: Engine, user: User, uid: int, since: datetime, now: datetime,
                  limit: int = 100) -> list[OutboxRow]:
    """Rows addressed to the user, created since ``since``, never claimed for this user or
    waiting for a retry that is due; oldest first."""
    join = and_(col(EmailDeliveryRow.outbox_id) == col(OutboxRow.id), col(EmailDeliveryRow.user_id) == uid)
    with session(engine) as s:
        return list(s.exec(
            select(OutboxRow).outerjoin(EmailDeliveryRow, join)
            .where(addressed_to(user), col(OutboxRow.created_at) >= since,
                   or_(col(EmailDeliveryRow.id).is_(None),
                       and_(col(EmailDeliveryRow.status) == RETRY, col(EmailDeliveryRow.next_attempt_at) <= now)))
            .order_by(OutboxRow.id).limit(limit)).all())


@dataclass(frozen=True)
class Claim:
    delivery_id: int
    attempt: int


def claim(engine: Engine, outbox_id: int, uid: int, address: str, now: datetime) -> Claim | None:
    """Take one (row, user) pair for sending, committed before anything is sent: a first
    attempt inserts the pair (its unique key lets one claimant win), a retry moves it from
    ``retry`` to ``sending`` only if nobody else did. None when someone else holds it."""
    try:
        with session(engine) as s:
            row = s.exec(select(EmailDeliveryRow).where(EmailDeliveryRow.outbox_id == outbox_id,
                                                        EmailDeliveryRow.user_id == uid)).first()
            if row is None:
                row = EmailDeliveryRow(outbox_id=outbox_id, user_id=uid, address=address[:254], status=SENDING,
                                       attempts=1, claimed_at=now)
                s.add(row)
                s.flush()
                return Claim(row.id or 0, 1)
            if row.status != RETRY or _aware(row.next_attempt_at) is None or _aware(row.next_attempt_at) > now:
                return None
            delivery_id, attempt = row.id or 0, row.attempts + 1  # read before the update refreshes ``row``
            taken = s.exec(update(EmailDeliveryRow)  # type: ignore[call-overload]
                           .where(col(EmailDeliveryRow.id) == delivery_id, col(EmailDeliveryRow.status) == RETRY,
                                  col(EmailDeliveryRow.attempts) == attempt - 1)
                           .values(status=SENDING, attempts=attempt, claimed_at=now, address=address[:254]))
            if taken.rowcount != 1:
                return None
            return Claim(delivery_id, attempt)
    except IntegrityError:  # another job inserted the pair first
        return None


def record_sent(engine: Engine, delivery_id: int, now: datetime) -> None:
    with session(engine) as s:
        s.exec(update(EmailDeliveryRow).where(col(EmailDeliveryRow.id) == delivery_id)  # type: ignore[call-overload]
               .values(status=SENT, sent_at=now, next_attempt_at=None))


def record_failure(engine: Engine, delivery_id: int, error: str, retry_at: datetime | None) -> None:
    """A failed attempt: retried at ``retry_at``, or given up on when it is None."""
    with session(engine) as s:
        s.exec(update(EmailDeliveryRow).where(col(EmailDeliveryRow.id) == delivery_id)  # type: ignore[call-overload]
               .values(status=RETRY if retry_at is not None else FAILED, last_error=error[:500],
                       next_attempt_at=retry_at))


def interrupt_stale(engine: Engine, claimed_before: datetime) -> int:
    """Sends claimed long ago and never finished (the process died mid-send): they may have
    gone out, so they are marked, not resent."""
    with session(engine) as s:
        result = s.exec(update(EmailDeliveryRow)  # type: ignore[call-overload]
                        .where(col(EmailDeliveryRow.status) == SENDING, col(EmailDeliveryRow.claimed_at) < claimed_before)
                        .values(status=INTERRUPTED, last_error="发送过程中断，是否送达未知；为免重复不再重发"))
        return result.rowcount or 0


def deliveries(engine: Engine, outbox_id: int | None = None) -> list[EmailDeliveryRow]:
    with session(engine) as s:
        q = select(EmailDeliveryRow).order_by(EmailDeliveryRow.id)
        if outbox_id is not None:
            q = q.where(EmailDeliveryRow.outbox_id == outbox_id)
        return list(s.exec(q).all())
