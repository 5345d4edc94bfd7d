"""Inputs and results of program 2's workflow, updates, queries and activities: one dataclass
each, serialised by ``pydantic_data_converter`` like program 1's. Activity names carry the
program's prefix: every program's activities share one worker."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.demonstration.clocks import ClockPlan, ClockRequest
from domain.demonstration.eligibility import JournalFact, TitleFact
from domain.demonstration.round import RoundEvent
from domain.roles import Actor
from workflows.common import RecomputeInput  # noqa: F401  (the kernel's; every program's recompute takes it)

PROGRAM = "demonstration"
WORKFLOW_PREFIX = "demonstration-round-"


def round_workflow_id(round_key: str) -> str:
    return f"{WORKFLOW_PREFIX}{round_key}"


def journal_key(round_key: str) -> str:
    """The round's key in the kernel journal (``<program>.<entity>``)."""
    return f"{PROGRAM}.{round_key}"


def round_key_of(key: str) -> str:
    return key.split(".", 1)[1] if key.startswith(PROGRAM + ".") else key


def workflow_id_of_journal(key: str) -> str:
    return round_workflow_id(round_key_of(key))


@dataclass
class OpenRoundInput:
    """The secretariat opens a round (RULES.md program 2 "Steps")."""

    key: str
    policy_version: str
    conference_on: date
    recommendation_deadline: date
    actor: Actor
    quotas: dict[str, int] = field(default_factory=dict)
    title: str = ""


@dataclass
class StepInput:
    """Every step of the round: who acts, the step's data, and (for an association) the
    industries of its scope, which the service reads from the user."""

    actor: Actor
    data: dict[str, Any] = field(default_factory=dict)
    industries: list[str] = field(default_factory=list)


@dataclass
class StepResult:
    action: str
    stage: str
    events: list[RoundEvent]



# ---------------------------------------------------------------- activities


@dataclass
class TitlesInput:
    on: date


@dataclass
class TitlesResult:
    titles: list[TitleFact]


@dataclass
class FactsInput:
    cluster_key: str
    on: date


@dataclass
class FactsResult:
    events: list[JournalFact]


@dataclass
class PlanClocksInput:
    workflow_id: str
    policy_version: str
    requests: list[ClockRequest]


@dataclass
class PlanClocksResult:
    plans: list[ClockPlan]


@dataclass
class RecordRoundInput:
    """What the round journals: its events chained from ``prev_head`` to ``head`` (the audit
    reads ``events`` and ``head`` from history) and a small snapshot for the read model."""

    workflow_id: str
    run_id: str
    round_key: str
    snapshot: dict[str, Any]
    events: list[RoundEvent]
    prev_head: str = ""
    head: str = ""


@dataclass
class HonourInput:
    """Write the honour on each approved cluster's program-1 record (四、表彰)."""

    round_key: str
    label: str
    document_number: str
    held_on: date
    clusters: list[str]
    actor: Actor


@dataclass
class HonourResult:
    honoured: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # cluster → why (its lifecycle has ended)
