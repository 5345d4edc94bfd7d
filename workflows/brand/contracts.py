"""Inputs and results of program 4's workflows, updates, signals, queries and activities: one
dataclass each, so fields can be added without breaking running histories (serialised by the
platform's ``pydantic_data_converter``). Workflow ids start with ``brand-``; journal keys with
``brand.`` (service.programs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.brand.model import DeadlinePlan, DeadlineRequest, Event, PilotProfile
from domain.brand.pilot import PilotState
from domain.roles import Actor
from workflows.common import RecomputeInput  # noqa: F401  (the kernel's; every program's recompute takes it)

PROGRAM = "brand"
BATCH_WORKFLOW_ID = "brand-batches"
BATCH_JOURNAL_KEY = "brand.batches"
RESERVED_KEYS = frozenset({"batches"})


def pilot_workflow_id(key: str) -> str:
    return f"brand-pilot-{key}"


def journal_key(key: str) -> str:
    return f"brand.{key}"


def workflow_id_of_journal(journal: str) -> str:
    entity = journal.split(".", 1)[1]
    return BATCH_WORKFLOW_ID if entity == "batches" else pilot_workflow_id(entity)


# ---------------------------------------------------------------- the pilot


@dataclass
class PilotInput:
    profile: PilotProfile
    policy_version: str
    application: dict[str, Any] | None = None  # the filing (first run only)
    actor: Actor | None = None
    state: PilotState | None = None  # carried across continue-as-new
    # a pilot taken in with its past (service.brand.demo): those events, journaled by this run first
    imported: list[Event] | None = None


@dataclass
class ActionInput:
    actor: Actor
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class ActionResult:
    action: str
    stage: str
    events: list[Event]


@dataclass
class BatchDecisionSignal:
    batch_id: str
    decision: str  # approve | refuse | defer
    held_on: date
    actor: Actor


@dataclass
class DeadlineOut:
    key: str
    what: str
    due: date
    remind_on: date | None
    period: int
    overdue: bool
    calendar_version: str
    provisional: bool
    basis: str


@dataclass
class PilotView:
    key: str
    today: date
    stage: str
    procedure: str
    profile: PilotProfile
    snapshot: dict[str, Any]
    deadlines: list[DeadlineOut]
    allowed: dict[str, list[str]]
    review: dict[str, Any]
    decision: list[dict[str, Any]]
    summaries: dict[str, dict[str, Any]]
    supervisions: dict[str, dict[str, Any]]
    cycle: int
    cycle_years: int
    cycle_start: date | None
    journal_head: str
    journal_head_seq: int
    preview: list[dict[str, Any]] = field(default_factory=list)  # the title decision as it stands (defence review)


# ---------------------------------------------------------------- the MIIT batches


@dataclass
class WaitingPilot:
    key: str
    workflow_id: str
    province: str
    name: str
    received_on: date
    batch_id: str


@dataclass
class EnqueueInput:
    key: str
    workflow_id: str
    province: str
    name: str
    received_on: date
    actor: Actor


@dataclass
class EnqueueResult:
    batch_id: str
    count: int  # this province's recommendations this year, this one included


@dataclass
class BatchResult:
    batch_id: str
    held_on: date
    decisions: dict[str, str]
    actor: Actor
    members: list[str]


@dataclass
class BatchState:
    policy_version: str
    queue: dict[str, WaitingPilot] = field(default_factory=dict)
    recommended: dict[str, list[str]] = field(default_factory=dict)  # "province|year" → pilot keys
    current: str | None = None
    closed: bool = False
    members: list[str] = field(default_factory=list)
    overdue: bool = False
    held: list[BatchResult] = field(default_factory=list)
    seq: int = 0
    journal_head: str = ""
    journal_head_seq: int = 0


@dataclass
class BatchInput:
    policy_version: str
    state: BatchState | None = None


@dataclass
class HoldBatchInput:
    actor: Actor
    batch_id: str
    decisions: dict[str, str]
    held_on: date | None = None


@dataclass
class BatchView:
    today: date
    current: str | None
    closed: bool
    members: list[str]
    overdue: bool
    queue: list[WaitingPilot]
    recommended: dict[str, list[str]]
    held: list[BatchResult]


# ---------------------------------------------------------------- activities


@dataclass
class PlanInput:
    workflow_id: str
    key: str
    policy_version: str
    requests: list[DeadlineRequest]


@dataclass
class PlanResult:
    plans: list[DeadlinePlan]


@dataclass
class RecomputeResult:
    moved: list[Event]


@dataclass
class RecordInput:
    """What the record activity journals (``events`` chained from ``prev_head`` to ``head``) and
    the read model it refreshes: a pilot's ``snapshot`` or a batch's row."""

    workflow_id: str
    run_id: str
    journal: str  # brand.<key> | brand.batches
    events: list[Event]
    prev_head: str
    head: str
    profile: PilotProfile | None = None
    snapshot: dict[str, Any] | None = None
    batch: dict[str, Any] | None = None


# ---------------------------------------------------------------- the audit's view of a run's start


@dataclass
class StartHead:
    """The chain head a run starts with, read from any program-4 start input (a pilot's or the
    batches' ``state``; a pilot imported with its history starts with its head)."""

    state: "HeadOnly | None" = None


@dataclass
class HeadOnly:
    journal_head: str = ""
    journal_head_seq: int = 0
