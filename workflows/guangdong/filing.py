"""ZoneFilingWorkflow: one zone's filing in one yearly round (RULES.md "Program 3"), id
``guangdong-filing-<data year>-<zone key>``, a child of the round. A thin shell around
``domain.guangdong.filing.Filing``: validators ask the domain, handlers apply and journal
through the record activity carrying the hash-chain head; the main loop sleeps until the next
reminder or the day after the due date. It ends when the province receives the filing.

Its history stays small: the form and the summary arrive as the SHA-256 of documents the
service saved, a handful of actions and three timers at most — 36 of them run under a round."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from domain.errors import DomainError
    from domain.guangdong.filing import Filing, new_state
    from domain.guangdong.model import Event, filing_key, journal_key
    from domain.journal import head_of
    from workflows.guangdong.contracts import (
        FilingActionInput,
        FilingAttachInput,
        FilingInput,
        FilingResult,
        FilingView,
        RecordInput,
    )
    from workflows.common import rejection, start_of, today

ACTIVITY_TIMEOUT = timedelta(seconds=60)
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
ROLES = ("zone_office", "local_government", "prefecture_bureau", "province_department")


@workflow.defn(name="GuangdongFilingWorkflow")
class ZoneFilingWorkflow:
    @workflow.init
    def __init__(self, inp: FilingInput) -> None:
        self._inp = inp
        state = inp.state or new_state(inp.data_year, inp.zone.key, inp.zone.name, inp.zone.city, inp.policy_version,
                                       inp.due, inp.reminders)
        self._f = Filing(state)
        self._key = journal_key(filing_key(inp.data_year, inp.zone.key))
        self._lock = asyncio.Lock()
        self._ready = False
        self._woken = False

    @workflow.run
    async def run(self, inp: FilingInput) -> FilingView:
        async with self._lock:
            if inp.state is None:
                await self._commit(self._f.open(today(), inp.actor))
                await self._commit(self._f.fire_clocks(today()))  # a round opened after a reminder date
        self._ready = True
        while not self._f.done:
            wake = self._f.next_wakeup()
            self._woken = False
            if wake is None:
                await workflow.wait_condition(lambda: self._woken or self._f.done)
                continue
            until = start_of(wake)
            now = workflow.now()
            if until > now:
                try:
                    await workflow.wait_condition(lambda: self._woken, timeout=until - now)
                    continue  # an action moved the filing: recompute
                except asyncio.TimeoutError:
                    pass
            async with self._lock:
                await self._commit(self._f.fire_clocks(today()))
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.view()

    async def _commit(self, events: list[Event]) -> None:
        if not events:
            return
        st = self._f.state
        prev = st.journal_head
        head = head_of(self._key, events, prev)
        st.journal_head = head
        info = workflow.info()
        await workflow.execute_activity(
            "guangdong_record",
            RecordInput(workflow_id=info.workflow_id, run_id=info.run_id, journal_key=self._key, entity="filing",
                        data_year=st.data_year, zone_key=st.zone_key, city=st.city, events=events, prev_head=prev,
                        head=head, snapshot=self._f.snapshot()),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )
        self._woken = True

    # ------------------------------------------------------------------ actions

    def _validate(self, action: str, data: dict, actor) -> None:
        try:
            self._f.check(action, data, actor)
        except DomainError as e:
            raise rejection(e) from None

    async def _act(self, action: str, data: dict, actor) -> FilingResult:
        await workflow.wait_condition(lambda: self._ready)
        async with self._lock:
            try:
                events = self._f.apply(action, data, actor, today())
            except DomainError as e:  # the filing moved since validation; nothing was applied
                raise rejection(e) from None
            await self._commit(events)
            return FilingResult(action, self._f.state.step, events)

    @workflow.update
    async def submit(self, inp: FilingActionInput) -> FilingResult:
        return await self._act("submit", inp.data, inp.actor)

    @submit.validator
    def _v_submit(self, inp: FilingActionInput) -> None:
        self._validate("submit", inp.data, inp.actor)

    @workflow.update
    async def correct(self, inp: FilingActionInput) -> FilingResult:
        return await self._act("correct", inp.data, inp.actor)

    @correct.validator
    def _v_correct(self, inp: FilingActionInput) -> None:
        self._validate("correct", inp.data, inp.actor)

    @workflow.update
    async def sign_off(self, inp: FilingActionInput) -> FilingResult:
        return await self._act("sign_off", inp.data, inp.actor)

    @sign_off.validator
    def _v_sign_off(self, inp: FilingActionInput) -> None:
        self._validate("sign_off", inp.data, inp.actor)

    @workflow.update
    async def return_filing(self, inp: FilingActionInput) -> FilingResult:
        return await self._act("return_filing", inp.data, inp.actor)

    @return_filing.validator
    def _v_return_filing(self, inp: FilingActionInput) -> None:
        self._validate("return_filing", inp.data, inp.actor)

    @workflow.update
    async def receive(self, inp: FilingActionInput) -> FilingResult:
        return await self._act("receive", inp.data, inp.actor)

    @receive.validator
    def _v_receive(self, inp: FilingActionInput) -> None:
        self._validate("receive", inp.data, inp.actor)

    @workflow.update
    async def attach(self, inp: FilingAttachInput) -> FilingResult:
        return await self._act("attach", {"attachment": inp.attachment}, inp.actor)

    @attach.validator
    def _v_attach(self, inp: FilingAttachInput) -> None:
        self._validate("attach", {"attachment": inp.attachment}, inp.actor)

    # ------------------------------------------------------------------ queries

    @workflow.query
    def view(self) -> FilingView:
        st = self._f.state
        snap = self._f.snapshot()
        return FilingView(data_year=st.data_year, zone_key=st.zone_key, step=st.step, due=st.due,
                          overdue=bool(snap["overdue"]), late=st.late, returns=st.returns,
                          allowed={r: self._f.allowed(r) for r in ROLES}, seq=st.seq, journal_head=st.journal_head,
                          snapshot=snap)
