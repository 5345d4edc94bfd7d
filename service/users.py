"""Console users: passwords (argon2), API tokens and page sessions (random, kept as SHA-256).
The secrets are made and checked here; the store keeps only their hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine

from domain.roles import User, check_new_user
from domain.notify import check_email
from domain.errors import DomainError
from service.throttle import LoginThrottle
from store import users as repo
from store.models import UserRow

TOKEN_PREFIX = "dsg_"
SESSION_LIFETIME = timedelta(hours=12)
MIN_PASSWORD = 8
_HASHER = PasswordHasher()
# verified against when the username is unknown, so a wrong name costs as long as a wrong password
_DUMMY_HASH = _HASHER.hash("designation-console-dummy-password")


def sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def to_user(row: UserRow) -> User:
    return User(username=row.username, role=row.role, name=row.name, industries=tuple(row.industries or ()),
                provinces=tuple(row.provinces or ()), clusters=tuple(row.clusters or ()),
                cities=tuple(row.cities or ()))


@dataclass(frozen=True)
class Login:
    user: User
    session_token: str  # goes into the cookie; the store keeps its hash

    @property
    def csrf(self) -> str:
        return csrf_token(self.session_token)


def csrf_token(session_token: str) -> str:
    """The form token of a session: derived from the session secret, so nothing to store."""
    return hmac.new(session_token.encode(), b"csrf", hashlib.sha256).hexdigest()


class UserService:
    def __init__(self, engine: Engine, throttle: LoginThrottle | None = None) -> None:
        self.engine = engine
        self.throttle = throttle or LoginThrottle()

    def add(self, username: str, role: str, name: str, password: str, *, industries: Iterable[str] = (),
            provinces: Iterable[str] = (), clusters: Iterable[str] = (), email: str | None = None,
            cities: Iterable[str] = ()) -> User:
        new = check_new_user(username, role, name, industries, provinces, clusters, cities)
        address = check_email(email)  # optional: notifications by email (issue 10 §7)
        if len(password or "") < MIN_PASSWORD:
            raise DomainError("password_too_short", f"密码至少 {MIN_PASSWORD} 个字符")
        return to_user(repo.add_user(self.engine, new, _HASHER.hash(password), email=address))

    def list(self) -> list[tuple[User, int]]:
        """Every user with the number of live API tokens."""
        counts = repo.token_counts(self.engine)
        return [(to_user(r), counts.get(r.id or 0, 0)) for r in repo.users(self.engine)]

    def count(self) -> int:
        return repo.count_users(self.engine)

    def issue_token(self, username: str, label: str = "") -> str:
        """A new bearer token for ``username``; the only time it is ever shown."""
        row = repo.user_by_username(self.engine, username)
        if row is None:
            raise DomainError("user_unknown", f"没有用户 {username}")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        repo.add_token(self.engine, row.id or 0, sha256(token), token[:10], label)
        return token

    def by_token(self, token: str | None) -> User | None:
        if not token or len(token) > 200:
            return None
        row = repo.user_by_token(self.engine, sha256(token))
        return to_user(row) if row is not None else None

    def authenticate(self, username: str, password: str) -> User | None:
        row = repo.user_by_username(self.engine, (username or "").strip()) if username else None
        try:
            _HASHER.verify(row.password_hash if row is not None else _DUMMY_HASH, password or "")
        except (VerificationError, InvalidHashError):
            return None
        if row is None or not row.active:
            return None
        return to_user(row)

    def log_in(self, username: str, password: str, address: str | None = None) -> Login | None:
        """A session for the right password; None for a wrong one. Raises ``LoginThrottled``
        while this username or this client address is locked out (``service.throttle``)."""
        keys = self.throttle.keys(username, address)
        self.throttle.check(keys)
        user = self.authenticate(username, password)
        if user is None:
            self.throttle.failed(keys)
            return None
        self.throttle.succeeded(username)
        row = repo.user_by_username(self.engine, user.username)
        token = secrets.token_urlsafe(32)
        repo.add_session(self.engine, row.id or 0, sha256(token), SESSION_LIFETIME)
        return Login(user, token)

    def by_session(self, token: str | None) -> User | None:
        if not token or len(token) > 200:
            return None
        row = repo.user_by_session(self.engine, sha256(token))
        return to_user(row) if row is not None else None

    def log_out(self, token: str | None) -> None:
        if token:
            repo.drop_session(self.engine, sha256(token))
