"""Named domain errors: a stable English code plus a message a clerk understands (Chinese).

Every refusal in the service is one of these; entrypoints (workflow validators, CLI, API)
translate it, never rephrase it.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule refused something. ``code`` is stable; ``message`` is for people."""

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            out["details"] = self.details
        return out


class ScoreSheetInvalid(DomainError):
    """A score sheet that breaks 附件一's bands; carries every violation, not just the first."""

    def __init__(self, violations: list[DomainError]) -> None:
        first = violations[0]
        message = "；".join(v.message for v in violations)
        super().__init__(first.code, message, violations=[v.as_dict() for v in violations])
        self.violations = violations


class CalendarUnavailable(DomainError):
    pass


class ScheduleInvalid(DomainError):
    pass
