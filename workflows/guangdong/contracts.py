"""Inputs and results of program 3's workflows, updates, queries and activities: one dataclass
each, so fields can be added without breaking running histories (``pydantic_data_converter``).
Passed through the workflow sandbox (``service.guangdong.program``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.attachments import AttachmentMeta
from domain.guangdong.filing import FilingState
from domain.guangdong.model import Event
from domain.roles import Actor

PREFIX = "guangdong"


def round_workflow_id(data_year: int) -> str:
    return f"{PREFIX}-round-{data_year}"


def filing_workflow_id(data_year: int, zone_key: str) -> str:
    return f"{PREFIX}-filing-{data_year}-{zone_key}"


@dataclass
class ZoneRef:
    key: str
    name: str
    city: str


@dataclass
class RoundInput:
    """The province opens a round for ``data_year``'s data (RULES.md "Program 3")."""

    data_year: int
    policy_version: str
    actor: Actor
    zones: list[ZoneRef]
    due: date | None = None  # None: the policy's (31 March of the next year)


@dataclass
class PlanRoundInput:
    data_year: int
    policy_version: str
    opened_on: date
    due: date | None = None


@dataclass
class RoundPlan:
    due: date
    reminders: list[date]


@dataclass
class FilingInput:
    data_year: int
    zone: ZoneRef
    policy_version: str
    due: date
    reminders: list[date]
    actor: Actor
    round_workflow_id: str
    state: FilingState | None = None


@dataclass
class FilingActionInput:
    """Every action on a filing: who acts (kept in the history) and the small data (documents
    travel as their SHA-256; a reason, an opinion)."""

    actor: Actor
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class FilingAttachInput:
    actor: Actor
    attachment: AttachmentMeta


@dataclass
class FilingResult:
    action: str
    step: str
    events: list[Event]


@dataclass
class FilingView:
    data_year: int
    zone_key: str
    step: str
    due: date
    overdue: bool
    late: bool
    returns: int
    allowed: dict[str, list[str]]
    seq: int
    journal_head: str
    snapshot: dict[str, Any]


@dataclass
class RoundView:
    data_year: int
    due: date | None
    reminders: list[date]
    zones: int
    received: int
    seq: int
    journal_head: str


@dataclass
class RecordInput:
    """What the record activity journals: the events (seq/on/kind/data/actor) chained from
    ``prev_head`` to ``head``, and the entity's snapshot for the read model."""

    workflow_id: str
    run_id: str
    journal_key: str  # guangdong.round-<year> | guangdong.filing-<year>-<zone>
    entity: str  # round | filing
    data_year: int
    zone_key: str
    city: str
    events: list[Event]
    prev_head: str
    head: str
    snapshot: dict[str, Any] = field(default_factory=dict)
