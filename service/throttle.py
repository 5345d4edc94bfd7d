"""Login throttling for the console (issue 9): after ``Limits.login_failures`` failed logins
within ``login_window_seconds`` for one username, or from one client address, every login for
that username or from that address is refused for ``login_lockout_seconds`` — the right
password included, and without checking it (argon2 is the expensive part of a guess).

The counts live in this process's memory: a restart forgets them, and two console processes
would each count on their own. Memory is bounded: at most ``login_tracked`` keys are
remembered, the least recently touched forgotten first.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable

from domain.errors import DomainError
from domain.limits import LIMITS, Limits


class LoginThrottled(DomainError):
    """Too many failed logins: ``retry_after`` seconds until the next attempt is heard."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("login_throttled", f"登录失败次数过多，请 {retry_after} 秒后再试", retry_after=retry_after)
        self.retry_after = retry_after


@dataclass
class _Record:
    failures: list[float] = field(default_factory=list)  # times of the failures still in the window
    locked_until: float = 0.0


class LoginThrottle:
    def __init__(self, limits: Limits = LIMITS, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self._records: OrderedDict[str, _Record] = OrderedDict()

    @staticmethod
    def keys(username: str, address: str | None) -> tuple[str, ...]:
        user = f"user:{(username or '').strip().casefold()}"
        return (user, f"addr:{address}") if address else (user,)

    def check(self, keys: tuple[str, ...]) -> None:
        """Refuse (``LoginThrottled``) while any of the keys is locked."""
        now = self.clock()
        wait = max((r.locked_until - now for k in keys if (r := self._records.get(k)) is not None), default=0.0)
        if wait > 0:
            raise LoginThrottled(math.ceil(wait))

    def failed(self, keys: tuple[str, ...]) -> None:
        """Count a failed login; the one that reaches the limit locks and is refused itself."""
        now = self.clock()
        locked = False
        for key in keys:
            record = self._touch(key)
            record.failures = [t for t in record.failures if now - t < self.limits.login_window_seconds]
            record.failures.append(now)
            if len(record.failures) >= self.limits.login_failures:
                record.failures.clear()
                record.locked_until = now + self.limits.login_lockout_seconds
                locked = True
        if locked:
            raise LoginThrottled(self.limits.login_lockout_seconds)

    def succeeded(self, username: str) -> None:
        """A success forgets the user's failures; the address keeps its count, so one good
        account cannot be used to keep guessing others from the same place."""
        self._records.pop(self.keys(username, None)[0], None)

    def __len__(self) -> int:
        """How many usernames and addresses are remembered now."""
        return len(self._records)

    def _touch(self, key: str) -> _Record:
        record = self._records.pop(key, None) or _Record()
        self._records[key] = record  # most recently touched last
        while len(self._records) > self.limits.login_tracked:
            self._records.popitem(last=False)
        return record
