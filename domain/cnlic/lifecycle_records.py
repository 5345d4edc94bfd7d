"""Records on a cluster that are not steps of its lifecycle (a mixin of ``Lifecycle``): a
violation staff learned of, and an honour a program-2 round conferred
(``domain.cnlic.violations``). Each journals one event; stage, title and clocks are untouched."""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from domain.cnlic.lifecycle_state import Outcome
from domain.cnlic.model import TERMINAL_STAGES, Actor, Role
from domain.cnlic.violations import HONOUR_KIND, VIOLATION_KIND, check_honour, check_violation
from domain.errors import DomainError


class LifecycleRecords:
    state: Any  # Lifecycle's state; ``_event`` is Lifecycle's too

    def check_violation(self, data: Mapping[str, Any], actor: Actor, today: date) -> None:
        """The secretariat records a violation (RULES.md program 2 "Conditions" (1))."""
        if actor.role != Role.SECRETARIAT:
            raise DomainError("role_not_allowed", f"违规违法事件由{Role.SECRETARIAT.label}记录，{actor.describe()}无此权限")
        if self.state.stage in TERMINAL_STAGES:
            raise DomainError("lifecycle_ended", "该集群的共建已结束，不能再记录")
        check_violation(data, today)

    def record_violation(self, data: Mapping[str, Any], actor: Actor, today: date) -> Outcome:
        self.check_violation(data, actor, today)
        out = Outcome()
        self._event(out, today, VIOLATION_KIND, check_violation(data, today).as_event_data(), actor)
        return out

    def check_honour(self, data: Mapping[str, Any], actor: Actor, today: date) -> None:
        if actor.role not in (Role.SECRETARIAT, Role.SYSTEM):
            raise DomainError("role_not_allowed", f"荣誉由{Role.SECRETARIAT.label}在表彰时记录，{actor.describe()}无此权限")
        check_honour(data, today)

    def honour(self, data: Mapping[str, Any], actor: Actor, today: date) -> Outcome:
        """Journal the honour once per round: a retried delivery records nothing more."""
        self.check_honour(data, actor, today)
        honour = check_honour(data, today)
        out = Outcome()
        if honour.dedup in self.state.handled:
            return out
        self.state.handled.append(honour.dedup)
        self._event(out, today, HONOUR_KIND, honour.as_event_data(), actor)
        return out
