"""The console's login throttle (service.throttle) on a hand-wound clock."""

from dataclasses import replace

import pytest

from domain.limits import LIMITS
from service.throttle import LoginThrottle, LoginThrottled


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_failures_older_than_the_window_do_not_count():
    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    keys = throttle.keys("li", "10.0.0.1")
    for _ in range(LIMITS.login_failures - 1):
        throttle.failed(keys)
    clock.now += LIMITS.login_window_seconds
    throttle.failed(keys)  # the first four have left the window: no lockout
    throttle.check(keys)


def test_the_failure_that_reaches_the_limit_locks_and_says_for_how_long():
    throttle = LoginThrottle(clock=Clock())
    keys = throttle.keys(" Li ", None)
    for _ in range(LIMITS.login_failures - 1):
        throttle.failed(keys)
    with pytest.raises(LoginThrottled) as e:
        throttle.failed(keys)
    assert e.value.retry_after == LIMITS.login_lockout_seconds and e.value.code == "login_throttled"
    with pytest.raises(LoginThrottled):
        throttle.check(throttle.keys("li", None))  # the same username, however it is spelled


def test_the_throttle_remembers_only_so_many_usernames_and_addresses():
    throttle = LoginThrottle(replace(LIMITS, login_tracked=100), clock=Clock())
    for i in range(250):
        throttle.failed(throttle.keys(f"user-{i}", f"10.0.{i // 256}.{i % 256}"))
    assert len(throttle) == 100
