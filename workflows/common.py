"""What every program's workflows share: the day in Beijing by the workflow's own clock, the
instant a day's clocks fire, and a domain refusal as the one error an Update handler raises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from domain.calendar import SHANGHAI
from domain.errors import DomainError
from domain.roles import Actor


def today() -> date:
    """Today in Beijing by the workflow's deterministic clock."""
    return workflow.now().astimezone(SHANGHAI).date()


def start_of(day: date) -> datetime:
    """00:00 Beijing time of ``day``: when that day's clocks fire."""
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)


def rejection(e: DomainError) -> ApplicationError:
    """A rule's refusal, non-retryable, with its code as the error type and its details."""
    return ApplicationError(e.message, e.as_dict(), type=e.code, non_retryable=True)


@dataclass
class RecomputeInput:
    """A calendar revision reaching a running workflow of any program (``designation deadlines
    recompute``): who asked, and why."""

    actor: Actor
    reason: str = ""
