"""Inputs and results of every workflow, update, signal, query and activity: one dataclass
each, so fields can be added without breaking running histories. Serialised by
``pydantic_data_converter`` on client, worker and replayer alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from temporalio.common import SearchAttributeKey

from domain.attachments import AttachmentMeta
from domain.cnlic.deadlines import DeadlinePlan, DeadlineRequest
from domain.cnlic.lifecycle import Deadline, LifecycleState, StartSpec
from domain.cnlic.model import Actor, ClusterProfile, Event
from workflows.common import RecomputeInput  # noqa: F401  (the kernel's; every program's recompute takes it)

NAMESPACE = "designation"
TASK_QUEUE = "designation"
PROGRAM = "cnlic"


def designation_workflow_id(cluster_key: str) -> str:
    return f"designation-{cluster_key}"


# the journal head a lifecycle last recorded, as a search attribute "<seq>:<hash>": ``audit verify
# --all`` reads every lifecycle's head from one visibility listing instead of one history read each
# (issue 15, row 5); the history stays the authority wherever the two could differ
JOURNAL_HEAD = SearchAttributeKey.for_keyword("JournalHead")


def journal_head_value(seq: int, head: str) -> str:
    return f"{seq}:{head}"


def parse_journal_head(value: object) -> tuple[int, str] | None:
    """(seq, hash) from a JournalHead value; None when it is absent or not one."""
    if not isinstance(value, str):
        return None
    seq, sep, head = value.partition(":")
    return (int(seq), head) if sep and seq.isdigit() else None


def program_workflow_id(program: str = PROGRAM) -> str:
    return f"program-{program}"


def recognition_workflow_id(year: int, program: str = PROGRAM) -> str:
    return f"recognition-{program}-{year}"


# ---------------------------------------------------------------- the designation workflow


@dataclass
class DesignationInput:
    profile: ClusterProfile
    policy_version: str
    program_id: str
    start: StartSpec | None = None
    actor: Actor | None = None
    state: LifecycleState | None = None  # carried across continue-as-new


@dataclass
class ActionInput:
    """Every staff action: who acts (role and name, kept in the history) and the data."""

    actor: Actor
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class ActionResult:
    action: str
    stage: str
    procedure: str
    title_status: str
    valid_until: date | None
    events: list[Event]


@dataclass
class MeetingDecisionSignal:
    meeting_id: str
    held_on: date
    decision: str
    actor: Actor


@dataclass
class JointDocumentSignal:
    """The joint document conferring the titles a meeting approved (§三(四))."""

    meeting_id: str
    number: str
    issued_on: date
    bodies: list[str]
    actor: Actor


@dataclass
class RecognitionSignal:
    year: int
    announced_on: date


@dataclass
class DeadlineView:
    key: str
    what: str
    due: date
    overdue: bool
    overdue_since: date | None
    days_left: int
    working_days_left: int | None  # for clocks counted in working days
    reminders: list[date]
    calendar_version: str
    provisional: bool
    basis: str


@dataclass
class ClusterView:
    key: str
    today: date
    stage: str
    procedure: str
    title_status: str
    title: str
    valid_until: date | None
    conferred_on: date | None
    expired_on: date | None
    policy_version: str
    cycle: int
    seq: int
    deadlines: list[DeadlineView]
    allowed: dict[str, list[str]]
    supplement_items: list[str]
    outstanding_opinions: list[str]
    profile: ClusterProfile
    journal_head: str = ""
    journal_head_seq: int = 0
    # scope facts as the workflow knows them this instant (the read model may lag)
    panel: list[str] = field(default_factory=list)
    panel_leads: list[str] = field(default_factory=list)
    busy: bool = False  # an action or a clock is being applied and recorded right now


# ---------------------------------------------------------------- activities


@dataclass
class PlanDeadlinesInput:
    workflow_id: str
    cluster_key: str
    policy_version: str
    requests: list[DeadlineRequest]
    fresh_calendar: bool = False  # re-read the stored schedules now (after a calendar import)


@dataclass
class RecordInput:
    workflow_id: str
    run_id: str
    profile: ClusterProfile
    snapshot: dict[str, Any]
    events: list[Event]
    deadlines: list[Deadline]
    prev_head: str = ""  # hash-chain head before these events (domain.journal)
    head: str = ""  # and after them: also kept in the workflow, so a truncated tail shows


@dataclass
class JournalReceipt:
    """What the local ``journal_events`` activity wrote (issue 15: lean histories). A local
    activity's input never reaches history, so its result carries the events and the chain head:
    the audit reads them from the activity's marker as it reads ``record``'s input."""

    events: list[Event]
    head: str = ""
    prev_head: str = ""
    written: int = 0


@dataclass
class RecomputeResult:
    moved: list[Event]


@dataclass
class ProgramNotice:
    program_id: str
    kind: str  # enqueue | dequeue
    cluster_key: str
    workflow_id: str
    on: date
    procedure: str
    title: str = ""
    score_total: float | None = None  # the score sheet's total, so the meeting can see 附件一 备注2


@dataclass
class RecognitionDateInput:
    policy_version: str
    today: date


# ---------------------------------------------------------------- the program workflow


@dataclass
class WaitingCluster:
    cluster_key: str
    workflow_id: str
    since: date
    procedure: str
    title: str = ""
    score_total: float | None = None


@dataclass
class HoldMeetingInput:
    actor: Actor
    decisions: dict[str, str] = field(default_factory=dict)
    held_on: date | None = None
    notes: str = ""


@dataclass
class MeetingResult:
    meeting_id: str
    held_on: date
    decisions: dict[str, str]  # every cluster that was waiting, with its decision
    recorded_by: Actor
    # decisions the rules refused for one cluster (code and message); that cluster stays waiting
    refused: dict[str, dict[str, str]] = field(default_factory=dict)
    document: JointDocument | None = None  # the joint document of its approvals, once recorded


@dataclass
class JointDocument:
    number: str
    issued_on: date
    bodies: list[str]
    recorded_by: Actor
    clusters: list[str] = field(default_factory=list)  # the approvals it was sent to


@dataclass
class JointDocumentInput:
    """The secretariat records the joint document of one meeting's approvals (§三(四))."""

    actor: Actor
    meeting_id: str
    number: str
    issued_on: date
    bodies: list[str] = field(default_factory=list)
    notes: str = ""


@dataclass
class ProgramInput:
    program_id: str
    policy_version: str
    waiting: dict[str, WaitingCluster] = field(default_factory=dict)
    meetings: list[MeetingResult] = field(default_factory=list)  # recent meetings, newest last
    meeting_seq: int = 0
    next_recognition_year: int | None = None  # the year whose list is announced next


@dataclass
class RecognitionInput:
    program_id: str
    policy_version: str
    year: int  # the year recognised (announced early the following year)


@dataclass
class RecognitionLists:
    year: int
    announced_on: date
    recognised: list[str]
    overdue: list[str]
    rectifying: list[str]
    revoked: list[str]


@dataclass
class RecordMeetingInput:
    meeting: MeetingResult


@dataclass
class PlanResult:
    plans: list[DeadlinePlan]


# ---------------------------------------------------------------- attachments (issue 10 item 4)


@dataclass
class AttachInput:
    """An attachment's facts (the bytes stay in the blob store; only the hash enters Temporal)."""

    actor: Actor
    attachment: AttachmentMeta


@dataclass
class AttachResult:
    seq: int
    event: Event


# ---------------------------------------------------------------- program 2's records (RULES.md program 2)


@dataclass
class HonourInput:
    """A program-2 round's commendation of this cluster (``domain.cnlic.violations.Honour``'s
    data: round, label, document_number, held_on), sent by the round's activity."""

    actor: Actor
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class RecordResult:
    """What a record on the cluster journaled (nothing when it was already there)."""

    events: list[Event] = field(default_factory=list)

