"""Activities of the lifecycle: deadline planning on the working-day calendar, the store
writes, and the signals to the program workflow. Each is a method of a class that holds
its dependencies; every write is idempotent (workflow id + event sequence)."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.engine import Engine
from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError

from domain.calendar import WorkCalendar
from domain.cnlic.deadlines import DeadlineRequest, plan_deadline
from domain.errors import DomainError
from domain.cnlic.policy import get_policy
from store.cnlic import lifecycle as repo
from store.calendars import service_calendar
from workflows.cnlic.contracts import (
    PROGRAM,
    TASK_QUEUE,
    PlanDeadlinesInput,
    PlanResult,
    ProgramInput,
    ProgramNotice,
    RecognitionDateInput,
    RecognitionInput,
    RecognitionLists,
    JournalReceipt,
    RecordInput,
    RecordMeetingInput,
    WaitingCluster,
)


CALENDAR_TTL = 2.0  # seconds a checked service calendar is used without asking the store again


@dataclass
class CalendarOverrides:
    """Day-level overrides merged over the service calendar (the simulator's scenario block)."""

    holidays: dict[date, str] = field(default_factory=dict)
    workdays: list[date] = field(default_factory=list)


class InjectedFault(Exception):
    """Raised by tests to kill an activity after its work was committed."""


class LifecycleActivities:
    def __init__(
        self,
        engine: Engine,
        client: Client | None = None,
        *,
        task_queue: str = TASK_QUEUE,
        overrides: CalendarOverrides | None = None,
    ) -> None:
        self.engine = engine
        self.client = client
        self.task_queue = task_queue
        self.overrides = overrides
        self.faults: dict[str, int] = {}  # activity name -> times to fail after committing
        self._calendar: tuple[float, WorkCalendar] | None = None

    def _after_commit(self, name: str) -> None:
        if self.faults.get(name, 0) > 0:
            self.faults[name] -= 1
            raise InjectedFault(f"injected failure after {name} committed")

    def calendar(self, fresh: bool = False) -> WorkCalendar:
        """The service calendar, checked against the store at most every ``CALENDAR_TTL`` seconds
        (each check is a query; issue 15), and at once when asked (``deadlines recompute`` after
        an import of a year's schedule)."""
        now = time.monotonic()
        if fresh or self._calendar is None or now - self._calendar[0] > CALENDAR_TTL:
            cal = service_calendar(self.engine)
            if self.overrides:
                cal = cal.with_overrides(self.overrides.holidays, self.overrides.workdays)
            self._calendar = (now, cal)
        return self._calendar[1]

    @activity.defn
    def plan_deadlines(self, inp: PlanDeadlinesInput) -> PlanResult:
        policy = get_policy(inp.policy_version)
        calendar = self.calendar(fresh=inp.fresh_calendar)
        plans = []
        for req in inp.requests:
            if req.what == "meeting" and not req.params.get("skip_current_quarter"):
                # a quarter that already had its meeting owes the next quarter's
                if repo.meeting_held_in_quarter(self.engine, req.anchor):
                    req = DeadlineRequest(req.key, req.what, req.anchor, {**req.params, "skip_current_quarter": True})
            try:
                plans.append(plan_deadline(policy, calendar, req))
            except DomainError as e:
                raise ApplicationError(e.message, e.as_dict(), type=e.code, non_retryable=True) from None
        return PlanResult(plans)

    @activity.defn
    def record(self, inp: RecordInput) -> int:
        written = repo.record_events(
            self.engine, inp.workflow_id, inp.run_id, inp.profile, inp.snapshot, inp.events, inp.deadlines,
            inp.prev_head,
        )
        self._after_commit("record")
        return written

    @activity.defn
    def journal_events(self, inp: RecordInput) -> JournalReceipt:
        """``record`` as a local activity (lean runs): the same idempotent write, answering with
        what it recorded, since a local activity's input is not kept in history."""
        written = repo.record_events(
            self.engine, inp.workflow_id, inp.run_id, inp.profile, inp.snapshot, inp.events, inp.deadlines,
            inp.prev_head,
        )
        self._after_commit("record")
        return JournalReceipt(inp.events, inp.head, inp.prev_head, written)

    @activity.defn
    async def notify_program(self, inp: ProgramNotice) -> None:
        """Put a cluster on (or take it off) the president's office meeting queue.
        Signal-with-start, so the program workflow exists whenever a cluster waits."""
        if self.client is None:
            raise ApplicationError("no Temporal client configured for program notices", non_retryable=True)
        if inp.kind == "enqueue":
            signal, args = "enqueue", [WaitingCluster(inp.cluster_key, inp.workflow_id, inp.on, inp.procedure, inp.title,
                                                   inp.score_total)]
        else:
            signal, args = "dequeue", [inp.cluster_key]
        await self.client.start_workflow(
            "ProgramWorkflow",
            ProgramInput(program_id=inp.program_id, policy_version=get_policy().version),
            id=inp.program_id,
            task_queue=self.task_queue,
            start_signal=signal,
            start_signal_args=args,
        )

    @activity.defn
    def record_meeting(self, inp: RecordMeetingInput) -> bool:
        m = inp.meeting
        # an approval the rules refused (附件一 备注2) leaves that cluster waiting: as the record
        # of what the meeting decided, it was deferred (the refusal is in the cluster's journal)
        decisions = {k: ("defer" if k in m.refused else d) for k, d in m.decisions.items()}
        created = repo.record_meeting(self.engine, m.meeting_id, m.held_on, m.recorded_by.name, decisions)
        self._after_commit("record_meeting")
        return created

    @activity.defn
    def recognition_date(self, inp: RecognitionDateInput) -> date:
        """The next announcement date on or after ``today`` (default 15 January)."""
        policy = get_policy(inp.policy_version)
        this_year = date(inp.today.year, policy.recognition_month, policy.recognition_day)
        return this_year if inp.today <= this_year else date(inp.today.year + 1, policy.recognition_month,
                                                              policy.recognition_day)

    @activity.defn
    def compile_recognition(self, inp: RecognitionInput) -> RecognitionLists:
        policy = get_policy(inp.policy_version)
        announced = date(inp.year + 1, policy.recognition_month, policy.recognition_day)
        lists = repo.compile_recognition(self.engine, inp.year, policy.overdue_revocation_years, announced)
        return RecognitionLists(**lists)

    @activity.defn
    def record_recognition(self, lists: RecognitionLists) -> bool:
        created = repo.record_recognition(self.engine, asdict(lists))
        self._after_commit("record_recognition")
        return created

    def all(self) -> list[Any]:
        return [
            self.plan_deadlines,
            self.record,
            self.journal_events,
            self.notify_program,
            self.record_meeting,
            self.recognition_date,
            self.compile_recognition,
            self.record_recognition,
        ]


__all__ = ["LifecycleActivities", "CalendarOverrides", "InjectedFault", "PROGRAM"]
