"""BrandBatchWorkflow: the MIIT's May and October batches (§三(四) 每年5月份和10月份可组织论证评审;
RULES.md: received by the end of April → May, by the end of September → October), id
``brand-batches``, like program 1's meeting workflow.

It keeps the provinces' recommendations (``enqueue``, an Update whose validator refuses a
province's fourth of the calendar year — the one place two recommendations cannot race past
the quota), closes a batch's intake at the end of its cut-off day, takes the batch's decisions
once (``hold_batch``, by the MIIT reviewer), delivers each to its pilot exactly once (a signal
per pilot, in this history) and continues as new for the next batch. A batch not held by the end
of its month is journaled as overdue and still waits. An application that missed a cut-off, or
was deferred, waits for the next batch.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.brand.machine import MIIT
    from domain.brand.model import Event
    from domain.brand.policy import get_policy
    from domain.brand.rules import batch_by_id, batch_for, check_quota
    from domain.errors import DomainError
    from domain.journal import head_of
    from domain.roles import SYSTEM_ACTOR, Actor
    from workflows.brand.contracts import (
        BATCH_JOURNAL_KEY,
        BatchDecisionSignal,
        BatchInput,
        BatchResult,
        BatchState,
        BatchView,
        EnqueueInput,
        EnqueueResult,
        HoldBatchInput,
        RecordInput,
        WaitingPilot,
    )
    from workflows.common import start_of, today

ACTIVITY_TIMEOUT = timedelta(seconds=60)
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
HEARTBEAT = timedelta(seconds=10)
RECENT = 10


def reject(code: str, message: str) -> ApplicationError:
    return ApplicationError(message, {"code": code, "message": message}, type=code, non_retryable=True)


def quota_key(province: str, year: int) -> str:
    return f"{province}|{year}"


@workflow.defn(name="BrandBatchWorkflow")
class BrandBatchWorkflow:
    @workflow.init
    def __init__(self, inp: BatchInput) -> None:
        self._st = inp.state or BatchState(policy_version=inp.policy_version)
        self._policy = get_policy(self._st.policy_version)
        self._lock = asyncio.Lock()
        self._done = False
        st = self._st
        if st.current is None:  # here, not in run(): an update delivered with the start is handled first
            st.current, st.closed, st.members, st.overdue = batch_for(self._policy, today()).batch_id, False, [], False

    @workflow.run
    async def run(self, inp: BatchInput) -> None:
        st = self._st
        batch = batch_by_id(self._policy, st.current)
        if not st.closed:
            await self._sleep_until(batch.cutoff + timedelta(days=1))
            async with self._lock:
                st.members = sorted(k for k, w in st.queue.items() if w.received_on <= batch.cutoff)
                st.closed = True
                await self._record("batch_closed", SYSTEM_ACTOR, {"batch_id": batch.batch_id,
                                                                  "cutoff": batch.cutoff.isoformat(),
                                                                  "members": list(st.members)})
            if not st.members:
                self._done = True
        if not self._done and not st.overdue:
            try:
                await workflow.wait_condition(lambda: self._done, timeout=self._until(batch.month_end + timedelta(days=1)))
            except asyncio.TimeoutError:
                async with self._lock:
                    if not self._done:
                        st.overdue = True
                        await self._record("batch_overdue", SYSTEM_ACTOR, {"batch_id": batch.batch_id,
                                                                           "month_end": batch.month_end.isoformat(),
                                                                           "members": list(st.members)})
        await workflow.wait_condition(lambda: self._done)
        await workflow.wait_condition(workflow.all_handlers_finished)
        # the next batch: keep the queue (deferred and late applications), this year's and last year's counts
        year = today().year
        st.recommended = {k: v for k, v in st.recommended.items() if int(k.rsplit("|", 1)[1]) >= year - 1}
        st.current, st.closed, st.members, st.overdue = None, False, [], False
        workflow.continue_as_new(BatchInput(policy_version=st.policy_version, state=st))

    def _until(self, day: date) -> timedelta:
        return max(start_of(day) - workflow.now(), timedelta(seconds=1))

    async def _sleep_until(self, day: date) -> None:
        while workflow.now() < start_of(day):
            try:
                await workflow.wait_condition(lambda: False, timeout=self._until(day))
            except asyncio.TimeoutError:
                return

    async def _record(self, kind: str, actor: Actor, data: dict, batch: dict | None = None) -> None:
        st = self._st
        st.seq += 1
        event = Event(st.seq, today(), kind, actor, data)
        prev = st.journal_head
        head = head_of(BATCH_JOURNAL_KEY, [event], prev)
        st.journal_head, st.journal_head_seq = head, st.seq
        row = {"batch_id": st.current, "cutoff": batch_by_id(self._policy, st.current).cutoff.isoformat(),
               "closed": st.closed, "members": list(st.members), "overdue": st.overdue, **(batch or {})}
        await workflow.execute_activity(
            "brand_record",
            RecordInput(workflow_id=workflow.info().workflow_id, run_id=workflow.info().run_id,
                        journal=BATCH_JOURNAL_KEY, events=[event], prev_head=prev, head=head, batch=row),
            start_to_close_timeout=ACTIVITY_TIMEOUT, heartbeat_timeout=HEARTBEAT, retry_policy=RETRY)

    # ------------------------------------------------------------------ recommendations

    @workflow.update
    async def enqueue(self, inp: EnqueueInput) -> EnqueueResult:
        async with self._lock:
            self._check_enqueue(inp)
            st = self._st
            qk = quota_key(inp.province, inp.received_on.year)
            keys = st.recommended.setdefault(qk, [])
            waiting = st.queue.get(inp.key)
            if inp.key in keys and waiting is not None:  # a retried activity: the place is already taken
                return EnqueueResult(waiting.batch_id, len(keys))
            batch = batch_for(self._policy, inp.received_on)
            if st.closed and batch.batch_id == st.current:  # received before the cut-off but after it closed
                batch = batch_for(self._policy, batch.month_end + timedelta(days=1))
            if inp.key not in keys:
                keys.append(inp.key)
            st.queue[inp.key] = WaitingPilot(inp.key, inp.workflow_id, inp.province, inp.name, inp.received_on,
                                             batch.batch_id)
            await self._record("recommendation", inp.actor, {"key": inp.key, "province": inp.province,
                                                             "year": inp.received_on.year, "count": len(keys),
                                                             "batch_id": batch.batch_id,
                                                             "received_on": inp.received_on.isoformat()})
            return EnqueueResult(batch.batch_id, len(keys))

    @enqueue.validator
    def _v_enqueue(self, inp: EnqueueInput) -> None:
        self._check_enqueue(inp)

    def _check_enqueue(self, inp: EnqueueInput) -> None:
        if inp.actor.role != "province_department":
            raise reject("role_not_allowed", "向工业和信息化部推荐由省级主管部门办理")
        already = self._st.recommended.get(quota_key(inp.province, inp.received_on.year), [])
        try:
            check_quota(self._policy, inp.province, inp.received_on.year, already, inp.key)
        except DomainError as e:
            raise reject(e.code, e.message) from None

    @workflow.signal
    def dequeue(self, key: str) -> None:
        self._st.queue.pop(key, None)

    # ------------------------------------------------------------------ the batch

    @workflow.update
    async def hold_batch(self, inp: HoldBatchInput) -> BatchResult:
        async with self._lock:
            self._check_hold(inp)
            st = self._st
            held_on = inp.held_on or today()
            decisions = {k: inp.decisions.get(k, "defer") for k in st.members}
            result = BatchResult(st.current or "", held_on, decisions, inp.actor, list(st.members))
            await self._record("batch_held", inp.actor, {"batch_id": result.batch_id, "held_on": held_on.isoformat(),
                                                         "decisions": dict(decisions)},
                               batch={"held_on": held_on.isoformat(), "decisions": dict(decisions),
                                      "held_by": inp.actor.name})
            for key, decision in decisions.items():
                waiting = st.queue.get(key)
                if waiting is None:  # withdrawn while the batch was recorded
                    continue
                try:
                    await workflow.get_external_workflow_handle(waiting.workflow_id).signal(
                        "batch_decision", BatchDecisionSignal(result.batch_id, decision, held_on, inp.actor))
                except Exception as e:  # the pilot's workflow is gone; nothing to deliver to
                    workflow.logger.warning("decision for %s not delivered: %s", key, e)
                if decision == "defer":
                    nxt = batch_for(self._policy, batch_by_id(self._policy, result.batch_id).month_end + timedelta(days=1))
                    waiting.batch_id = nxt.batch_id
                else:
                    st.queue.pop(key, None)
            st.held = (st.held + [result])[-RECENT:]
            self._done = True
            return result

    @hold_batch.validator
    def _v_hold_batch(self, inp: HoldBatchInput) -> None:
        self._check_hold(inp)

    def _check_hold(self, inp: HoldBatchInput) -> None:
        st = self._st
        if inp.actor.role != MIIT:
            raise reject("role_not_allowed", "批次论证评审由工业和信息化部录入")
        if self._done:
            raise reject("batch_already_held", f"{inp.batch_id} 批次已经评审")
        if inp.batch_id != st.current:
            raise reject("batch_not_current", f"当前批次为 {st.current}，不能录入 {inp.batch_id} 批次")
        batch = batch_by_id(self._policy, inp.batch_id)
        if not st.closed:
            raise reject("batch_intake_open", f"{inp.batch_id} 批次的受理截止日为 {batch.cutoff}，截止后方可评审")
        held_on = inp.held_on or today()
        if held_on > today() or held_on <= batch.cutoff:
            raise reject("batch_date_invalid", f"评审日期 {held_on} 应在受理截止日 {batch.cutoff} 之后、不晚于今天")
        for key, decision in inp.decisions.items():
            if key not in st.members:
                raise reject("batch_not_member", f"{key} 不在 {inp.batch_id} 批次的评审名单中（截止日后收到的申报转入下一批次）")
            if decision not in ("approve", "refuse", "defer"):
                raise reject("batch_decision_invalid", f"{key} 的决定“{decision}”无效")

    # ------------------------------------------------------------------ queries

    @workflow.query
    def view(self) -> BatchView:
        st = self._st
        return BatchView(today(), st.current, st.closed, list(st.members), st.overdue,
                         sorted(st.queue.values(), key=lambda w: (w.received_on, w.key)),
                         {k: list(v) for k, v in st.recommended.items()}, list(st.held))
