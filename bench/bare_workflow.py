"""The bare-Temporal baseline of issue 15's throughput row: a workflow that does, per update,
exactly the Temporal work a lifecycle action did (local activities, regular activities, a
search-attribute upsert, a reset sleep timer) with no domain logic and no store — so the
lifecycle's actions/s divided by this one's is what the service itself costs. Used by
``bench/throughput.py``; not a benchmark on its own."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.api.enums.v1 import EventType
from temporalio.common import SearchAttributeKey

STAGE = SearchAttributeKey.for_keyword("ClusterStage")


@dataclass
class BareStep:
    local: int = 0  # local activities
    regular: int = 0  # activities through the server
    upsert: bool = False
    reset_timer: bool = False  # cancel the sleep timer and start a new one
    timers: int = 0  # short timers awaited in the update, each firing into one more workflow task
    upserts: int = 0  # further upserts, one after each of the first ``upserts`` timers


@dataclass
class BareInput:
    name: str


@activity.defn
async def bare_noop(name: str) -> str:
    return name


@workflow.defn
class BareWorkflow:
    def __init__(self) -> None:
        self._done = False
        self._woken = False
        self._n = 0

    @workflow.run
    async def run(self, inp: BareInput) -> int:
        while not self._done:
            self._woken = False
            try:
                await workflow.wait_condition(lambda: self._woken or self._done, timeout=timedelta(days=300))
            except asyncio.TimeoutError:
                pass
        return self._n

    @workflow.update
    async def act(self, step: BareStep) -> int:
        for _ in range(step.local):
            await workflow.execute_local_activity(bare_noop, "x", start_to_close_timeout=timedelta(seconds=30))
        for _ in range(step.regular):
            await workflow.execute_activity(bare_noop, "x", start_to_close_timeout=timedelta(seconds=30))
        if step.upsert:
            self._n += 1
            workflow.upsert_search_attributes([STAGE.value_set(f"s{self._n % 7}")])
        for i in range(step.timers):
            await workflow.sleep(timedelta(milliseconds=1))
            if i < step.upserts:
                self._n += 1
                workflow.upsert_search_attributes([STAGE.value_set(f"s{self._n % 7}")])
        if step.reset_timer:
            self._woken = True
        return self._n

    @workflow.signal
    def finish(self) -> None:
        self._done = True


_WORK = {EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: "updates",
         EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED: "tasks",
         EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: "regular",
         EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: "upserts",
         EventType.EVENT_TYPE_TIMER_FIRED: "timers_fired",
         EventType.EVENT_TYPE_TIMER_CANCELED: "timer_resets"}


def work_of(event) -> str | None:
    """Which Temporal work a history event counts as, for a baseline to repeat: ``updates``,
    ``tasks`` (workflow tasks), ``local`` (local-activity markers), ``regular`` (activities),
    ``upserts``, ``timers_fired``, ``timer_resets``; None for the rest."""
    if event.event_type == EventType.EVENT_TYPE_MARKER_RECORDED:
        return "local" if event.marker_recorded_event_attributes.marker_name == "core_local_activity" else None
    return _WORK.get(event.event_type)


def spread(total: int, n: int) -> list[int]:
    """``total`` over ``n`` steps as evenly as whole numbers allow (the parts sum to ``total``)."""
    return [(total * (i + 1)) // n - (total * i) // n for i in range(n)]
