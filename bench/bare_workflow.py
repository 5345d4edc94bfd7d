"""The bare-Temporal baseline of issue 15's throughput row: a workflow that does, per update,
exactly the Temporal work a lifecycle action did (local activities, regular activities, a
search-attribute upsert, a reset sleep timer) with no domain logic and no store — so the
lifecycle's actions/s divided by this one's is what the service itself costs. Used by
``bench/throughput.py``; not a benchmark on its own.

The matched variant (``BareStep.journal``, ``pad``/``result``) also does what the service must
do besides Temporal: the lifecycle's own journal writes, replayed through the store's real
``record_events`` by ``BareJournal``, and payloads of the lifecycle's sizes — still no domain
rule, no service layer, no converter of typed contracts."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.api.enums.v1 import EventType
from temporalio.common import SearchAttributeKey

STAGE = SearchAttributeKey.for_keyword("ClusterStage")
# what a lifecycle action upserts (the matched baseline): its next deadline and its journal head
NEXT_DEADLINE = SearchAttributeKey.for_datetime("NextDeadline")
HEAD = SearchAttributeKey.for_keyword("JournalHead")


@dataclass
class BareStep:
    local: int = 0  # local activities
    regular: int = 0  # activities through the server
    upsert: bool = False
    reset_timer: bool = False  # cancel the sleep timer and start a new one
    timers: int = 0  # short timers awaited in the update, each firing into one more workflow task
    upserts: int = 0  # further upserts, one after each of the first ``upserts`` timers
    journal: int = 0  # of the local activities, how many write the journal (``BareJournal``)
    pad: str = ""  # carried in the update's input, sized like the lifecycle's
    result: int = 0  # bytes the update answers with
    local_pad: int = 0  # bytes each local activity takes and gives back
    upsert_like: bool = False  # upsert what a lifecycle action does (a deadline and a 67-character head)


@dataclass
class BareInput:
    name: str


@activity.defn
async def bare_noop(name: str) -> str:
    return name


@dataclass
class BareWrite:
    name: str  # the bare workflow's name: whose captured writes to replay
    index: int  # which of its journal writes this is (0, 1, …): a retry writes the same rows again
    pad: str = ""


class BareJournal:
    """The matched baseline's journal write: the lifecycle's own ``record_events`` calls, captured
    in the timed run (``capture``), replayed in order (round and round) for the bare workflow of
    the same index — the same events, read-model snapshot and deadlines, renumbered and chained
    onto the bare workflow's own journal key. Write ``index`` always carries the same rows, so a
    retried local activity is the store's idempotent no-op, as the lifecycle's is."""

    def __init__(self, engine, writes: dict[str, list[tuple]]) -> None:
        import threading

        self.engine = engine
        self.writes = writes  # bare name -> [(profile, snapshot, events, deadlines), ...]
        self.heads: dict[str, list[str]] = {}  # bare name -> journal head before each write
        self.rows = 0  # journal rows written, for the bench to print
        self._lock = threading.Lock()

    @staticmethod
    def capture(into: list, real):
        """A stand-in for ``store.cnlic.lifecycle.record_events`` that also keeps each call."""
        def record(engine, workflow_id, run_id, profile, snapshot, events, deadlines=(), prev_head=None, *rest):
            events, deadlines = list(events), list(deadlines)
            into.append((workflow_id, profile, dict(snapshot), events, deadlines))
            return real(engine, workflow_id, run_id, profile, snapshot, events, deadlines, prev_head, *rest)
        return record

    def _events(self, name: str, index: int) -> tuple[tuple, list]:
        """Write ``index``'s capture and its events renumbered after every earlier write's."""
        from dataclasses import replace

        writes = self.writes[name]
        per_round = sum(len(w[2]) for w in writes)
        k = index % len(writes)
        seq = (index // len(writes)) * per_round + sum(len(w[2]) for w in writes[:k])
        return writes[k], [replace(e, seq=seq + i + 1) for i, e in enumerate(writes[k][2])]

    def _head_before(self, name: str, index: int) -> str:
        from domain.journal import GENESIS, head_of

        with self._lock:
            heads = self.heads.setdefault(name, [GENESIS])
            while len(heads) <= index:
                heads.append(head_of(f"bare-{name}", self._events(name, len(heads) - 1)[1], heads[-1]))
            return heads[index]

    @activity.defn(name="bare_journal")
    def write(self, inp: BareWrite) -> str:
        from dataclasses import replace

        from store.cnlic.lifecycle import record_events

        (profile, snapshot, _, deadlines), events = self._events(inp.name, inp.index)
        written = record_events(self.engine, f"bare-journal-{inp.name}", "bare", replace(profile, key=f"bare-{inp.name}"),
                                {**snapshot, "seq": events[-1].seq if events else snapshot["seq"]}, events, deadlines,
                                self._head_before(inp.name, inp.index))
        with self._lock:
            self.rows += written
        return inp.pad


@workflow.defn
class BareWorkflow:
    def __init__(self) -> None:
        self._done = False
        self._woken = False
        self._n = 0
        self._name = ""
        self._writes = 0  # journal writes asked for (the matched baseline)

    @workflow.run
    async def run(self, inp: BareInput) -> int:
        self._name = inp.name
        while not self._done:
            self._woken = False
            try:
                await workflow.wait_condition(lambda: self._woken or self._done, timeout=timedelta(days=300))
            except asyncio.TimeoutError:
                pass
        return self._n

    @workflow.update
    async def act(self, step: BareStep) -> int | str:
        pad = "x" * step.local_pad if step.local_pad else "x"
        for i in range(step.local):
            if i < step.journal:
                self._writes += 1
                await workflow.execute_local_activity_method(
                    BareJournal.write, BareWrite(self._name, self._writes - 1, pad),
                    start_to_close_timeout=timedelta(seconds=30))
            else:
                await workflow.execute_local_activity(bare_noop, pad, start_to_close_timeout=timedelta(seconds=30))
        for _ in range(step.regular):
            await workflow.execute_activity(bare_noop, "x", start_to_close_timeout=timedelta(seconds=30))
        if step.upsert:
            self._n += 1
            if step.upsert_like:
                due = workflow.now() + timedelta(days=self._n % 30)
                workflow.upsert_search_attributes([
                    NEXT_DEADLINE.value_set(due) if self._n % 2 else NEXT_DEADLINE.value_unset(),
                    HEAD.value_set(f"{self._n}:{self._n:064x}")])
            else:
                workflow.upsert_search_attributes([STAGE.value_set(f"s{self._n % 7}")])
        for i in range(step.timers):
            await workflow.sleep(timedelta(milliseconds=1))
            if i < step.upserts:
                self._n += 1
                workflow.upsert_search_attributes([STAGE.value_set(f"s{self._n % 7}")])
        if step.reset_timer:
            self._woken = True
        return "y" * step.result if step.result else self._n

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
