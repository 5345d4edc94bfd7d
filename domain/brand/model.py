"""The pilot's values: profile, events, deadlines and the plans an activity computes for them.
Plain dataclasses, so ``pydantic_data_converter`` carries them through Temporal unchanged."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.roles import Actor


@dataclass
class PilotProfile:
    key: str
    name: str  # 区域名称
    province: str
    city: str
    county: str
    applicant: str  # 申报单位
    applicant_kind: str  # policy.APPLICANT_KINDS
    industries: list[str]


@dataclass
class Event:
    seq: int
    on: date
    kind: str
    actor: Actor
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class DeadlineRequest:
    """What to plan: ``summary`` / ``supervision`` of year ``period`` of a cycle that began on
    ``anchor``, or the title's ``expiry`` counted from ``anchor``."""

    key: str
    what: str
    anchor: date
    period: int = 0
    # the last day of the year a report covers, when already known: a calendar revision re-plans
    # an open report clock from it (``Pilot.recompute_requests``), whichever cycle it belongs to
    period_end: date | None = None


@dataclass
class DeadlinePlan:
    key: str
    what: str
    due: date  # the last day (for expiry: the last valid day)
    remind_on: date | None
    period: int
    period_end: date | None  # the last day of the year the report covers
    calendar_version: str
    provisional: bool
    basis: str


@dataclass
class Deadline:
    key: str
    what: str
    due: date
    remind_on: date | None
    period: int = 0
    period_end: date | None = None
    reminded: bool = False
    overdue_since: date | None = None
    calendar_version: str = ""
    provisional: bool = False
    basis: str = ""
