"""Program 4's activities: the clocks planned on the working-day calendar, the journal and read
model written idempotently (workflow id + event sequence), and a recommendation's place in the
MIIT batch (an Update on the batch workflow, started if it is not running)."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy.engine import Engine
from temporalio import activity
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from domain.brand.clocks import plan
from domain.brand.policy import DEFAULT_POLICY_VERSION, get_policy
from domain.calendar import WorkCalendar
from domain.errors import DomainError
from store.brand import repo
from store.calendars import service_calendar
from workflows.brand.contracts import (
    BATCH_WORKFLOW_ID,
    BatchInput,
    EnqueueInput,
    EnqueueResult,
    PlanInput,
    PlanResult,
    RecordInput,
)


UPDATE_ATTEMPTS = 20
TRANSIENT = (RPCStatusCode.FAILED_PRECONDITION, RPCStatusCode.NOT_FOUND, RPCStatusCode.UNAVAILABLE,
             RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.INTERNAL)


class BrandActivities:
    def __init__(self, engine: Engine, client: Client | None, task_queue: str, calendar: Any = None) -> None:
        self.engine = engine
        self.client = client
        self.task_queue = task_queue
        self._calendar = calendar  # a fixed calendar (tests); the store's service calendar otherwise

    def calendar(self) -> WorkCalendar:
        return self._calendar or service_calendar(self.engine)

    @activity.defn(name="brand_plan")
    def plan_deadlines(self, inp: PlanInput) -> PlanResult:
        policy = get_policy(inp.policy_version)
        cal = self.calendar()
        try:
            return PlanResult([plan(policy, cal, r) for r in inp.requests])
        except DomainError as e:
            raise ApplicationError(e.message, e.as_dict(), type=e.code, non_retryable=True) from None

    @activity.defn(name="brand_record")
    def record(self, inp: RecordInput) -> int:
        return repo.record(self.engine, inp.workflow_id, inp.run_id, inp.journal, inp.events, inp.prev_head,
                           inp.profile, inp.snapshot, inp.batch)

    @activity.defn(name="brand_enqueue")
    async def enqueue(self, inp: EnqueueInput) -> EnqueueResult:
        """The recommendation's place in the batch; the batch workflow's validator refuses a
        province's fourth this year, and that refusal is handed back with its code."""
        if self.client is None:
            raise ApplicationError("no Temporal client configured", non_retryable=True)
        await self.client.start_workflow(
            "BrandBatchWorkflow", BatchInput(policy_version=DEFAULT_POLICY_VERSION), id=BATCH_WORKFLOW_ID,
            task_queue=self.task_queue, id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)
        handle = self.client.get_workflow_handle(BATCH_WORKFLOW_ID)  # the current run, whichever batch it is on
        try:
            for attempt in range(UPDATE_ATTEMPTS):
                try:
                    return await handle.execute_update("enqueue", inp, result_type=EnqueueResult)
                except RPCError as e:
                    # a batch workflow just started (or continuing as new) may have its first task still
                    # running or retried on a busy worker: wait for it rather than fail the activity
                    if attempt == UPDATE_ATTEMPTS - 1 or e.status not in TRANSIENT:
                        raise
                    activity.heartbeat(attempt)
                    await asyncio.sleep(min(0.25 * (attempt + 1), 2.0))
            raise AssertionError("unreachable")  # pragma: no cover
        except WorkflowUpdateFailedError as e:
            cause = e.cause
            while cause is not None and not (isinstance(cause, ApplicationError) and cause.type):
                cause = getattr(cause, "cause", None) or cause.__cause__
            if isinstance(cause, ApplicationError):
                raise ApplicationError(cause.message, type=cause.type, non_retryable=True) from None
            raise

    def all(self) -> list[Any]:
        return [self.plan_deadlines, self.record, self.enqueue]
