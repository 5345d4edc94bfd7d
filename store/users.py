"""The console's users, API tokens and page sessions in the store. Only hashes are stored:
the service layer (``service.users``) makes and checks the secrets."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, select

from domain.roles import User
from domain.errors import DomainError
from store.db import session
from store.models import ApiTokenRow, SessionRow, UserRow

TOKEN_TOUCH = timedelta(minutes=5)  # record a token's use at most this often (no write per request)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def add_user(engine: Engine, new: User, password_hash: str, email: str | None = None) -> UserRow:
    row = UserRow(username=new.username, role=new.role, name=new.name, password_hash=password_hash,
                  industries=list(new.industries), provinces=list(new.provinces), clusters=list(new.clusters),
                  cities=list(new.cities),
                  active=True, created_at=_now(), email=email)
    try:
        with session(engine) as s:
            if s.exec(select(UserRow).where(UserRow.username == new.username)).first() is not None:
                raise DomainError("user_exists", f"用户名 {new.username} 已存在")
            if s.exec(select(UserRow).where(UserRow.role == new.role, UserRow.name == new.name)).first() is not None:
                raise DomainError("user_exists", f"已有署名为“{new.name}”的{new.role}用户：署名用于记录操作人，须唯一")
            s.add(row)
            s.flush()
            s.refresh(row)
    except IntegrityError:
        raise DomainError("user_exists", f"用户名 {new.username} 或署名“{new.name}”已存在") from None
    return row


def user_by_username(engine: Engine, username: str) -> UserRow | None:
    with session(engine) as s:
        return s.exec(select(UserRow).where(UserRow.username == username)).first()


def user_by_id(engine: Engine, user_id: int) -> UserRow | None:
    with session(engine) as s:
        return s.get(UserRow, user_id)


def users(engine: Engine) -> list[UserRow]:
    with session(engine) as s:
        return list(s.exec(select(UserRow).order_by(UserRow.role, UserRow.username)).all())


def count_users(engine: Engine) -> int:
    with session(engine) as s:
        return len(s.exec(select(UserRow.id)).all())


def token_counts(engine: Engine) -> dict[int, int]:
    with session(engine) as s:
        rows = s.exec(select(ApiTokenRow.user_id).where(col(ApiTokenRow.revoked_at).is_(None))).all()
    counts: dict[int, int] = {}
    for user_id in rows:
        counts[user_id] = counts.get(user_id, 0) + 1
    return counts


def add_token(engine: Engine, user_id: int, token_hash: str, prefix: str, label: str) -> ApiTokenRow:
    with session(engine) as s:
        row = ApiTokenRow(user_id=user_id, token_hash=token_hash, prefix=prefix, label=label[:200], created_at=_now())
        s.add(row)
        return row


def user_by_token(engine: Engine, token_hash: str) -> UserRow | None:
    now = _now()
    with session(engine) as s:  # one round trip: the token with its user
        found = s.exec(select(ApiTokenRow, UserRow).join(UserRow, col(UserRow.id) == col(ApiTokenRow.user_id))
                       .where(ApiTokenRow.token_hash == token_hash)).first()
        if found is None:
            return None
        token, user = found
        if token.revoked_at is not None or not user.active:
            return None
        if token.last_used_at is None or now - _aware(token.last_used_at) > TOKEN_TOUCH:
            token.last_used_at = now
            s.add(token)
        return user


def add_session(engine: Engine, user_id: int, token_hash: str, lifetime: timedelta) -> None:
    now = _now()
    with session(engine) as s:
        s.exec(delete(SessionRow).where(col(SessionRow.expires_at) < now))
        s.add(SessionRow(token_hash=token_hash, user_id=user_id, created_at=now, expires_at=now + lifetime))


def user_by_session(engine: Engine, token_hash: str) -> UserRow | None:
    with session(engine) as s:
        row = s.get(SessionRow, token_hash)
        if row is None or _aware(row.expires_at) <= _now():
            return None
        user = s.get(UserRow, row.user_id)
        return user if user is not None and user.active else None


def drop_session(engine: Engine, token_hash: str) -> None:
    with session(engine) as s:
        s.exec(delete(SessionRow).where(SessionRow.token_hash == token_hash))
