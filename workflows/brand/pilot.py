"""BrandPilotWorkflow: one regional-brand pilot's whole life (RULES.md program 4) as one durable
workflow, id ``brand-pilot-<key>``: application → seal → provincial review → MIIT batch → pilot
years → evaluation → demonstration-zone title (3 years) → re-review or lapse; revocation.

A thin shell around ``domain.brand.pilot.Pilot``: validators ask the domain, handlers apply in
memory, an activity plans the clocks on the working-day calendar, another journals every event
with the hash-chain head. A recommendation first takes its place in the MIIT batch workflow
(whose update refuses a province's fourth of the year), then moves the pilot. The run continues
as new at each title cycle with the compact state.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.brand.pilot import Outcome, Pilot, new_state
    from domain.errors import DomainError
    from domain.journal import head_of
    from domain.roles import Actor, Role
    from workflows.brand.contracts import (
        BATCH_WORKFLOW_ID,
        ActionInput,
        ActionResult,
        BatchDecisionSignal,
        DeadlineOut,
        EnqueueInput,
        EnqueueResult,
        PilotInput,
        PilotView,
        PlanInput,
        PlanResult,
        RecomputeInput,
        RecomputeResult,
        RecordInput,
        journal_key,
    )
    from workflows.common import rejection, start_of, today

ACTIVITY_TIMEOUT = timedelta(seconds=60)
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
HEARTBEAT = timedelta(seconds=10)
MAX_SLEEP = timedelta(days=365)


@workflow.defn(name="BrandPilotWorkflow")
class BrandPilotWorkflow:
    @workflow.init
    def __init__(self, inp: PilotInput) -> None:
        self._inp = inp
        self._pilot = Pilot(inp.state or new_state(inp.profile, inp.policy_version))
        self._lock = asyncio.Lock()
        self._ready = False
        self._woken = False
        self._new_cycle = False
        self._start_error: DomainError | None = None
        self._pending: Outcome | None = None
        if inp.state is None:
            try:
                self._pending = self._pilot.start(inp.application or {}, inp.actor or Actor("implementing_body", ""),
                                                  today())
            except DomainError as e:
                self._start_error = e

    @workflow.run
    async def run(self, inp: PilotInput) -> PilotView:
        if self._start_error is not None:
            raise rejection(self._start_error)
        async with self._lock:
            if self._pending is not None:
                pending, self._pending = self._pending, None
                await self._commit(pending, today())
            elif inp.imported and not self._pilot.state.journal_head:
                await self._commit(Outcome(events=list(inp.imported)), today())  # its past, into the journal
        self._ready = True
        while not self._pilot.terminal:
            if self._new_cycle or workflow.info().is_continue_as_new_suggested():
                await workflow.wait_condition(workflow.all_handlers_finished)
                if not self._pilot.terminal:
                    st = self._pilot.state
                    workflow.continue_as_new(PilotInput(profile=st.profile, policy_version=st.policy_version, state=st))
            wake = self._pilot.next_wakeup()
            housekeeping = today() + MAX_SLEEP
            until = start_of(min(wake, housekeeping) if wake is not None else housekeeping)
            now = workflow.now()
            if until > now:
                self._woken = False
                try:
                    await workflow.wait_condition(lambda: self._woken, timeout=until - now)
                    continue
                except asyncio.TimeoutError:
                    pass
            async with self._lock:
                d = today()
                await self._commit(self._pilot.fire(d), d)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.view()

    async def _commit(self, out: Outcome, day: date) -> None:
        st = self._pilot.state
        wid = workflow.info().workflow_id
        while out.arm:
            requests, out.arm = out.arm, []
            result: PlanResult = await workflow.execute_activity(
                "brand_plan", PlanInput(wid, st.profile.key, st.policy_version, requests),
                result_type=PlanResult, start_to_close_timeout=ACTIVITY_TIMEOUT, heartbeat_timeout=HEARTBEAT,
                retry_policy=RETRY)
            for plan in result.plans:
                out.extend(self._pilot.arm(plan, day))
            wake = self._pilot.next_wakeup()
            if wake is not None and wake <= day:
                out.extend(self._pilot.fire(day))
        if out.events:
            key = journal_key(st.profile.key)
            prev = st.journal_head
            head = head_of(key, out.events, prev)
            st.journal_head, st.journal_head_seq = head, out.events[-1].seq
            await workflow.execute_activity(
                "brand_record",
                RecordInput(workflow_id=wid, run_id=workflow.info().run_id, journal=key, events=out.events,
                            prev_head=prev, head=head, profile=st.profile, snapshot=self._pilot.snapshot()),
                start_to_close_timeout=ACTIVITY_TIMEOUT, heartbeat_timeout=HEARTBEAT, retry_policy=RETRY)
        for effect in out.effects:
            if effect == "dequeue":
                try:
                    await workflow.get_external_workflow_handle(BATCH_WORKFLOW_ID).signal("dequeue", st.profile.key)
                except Exception as e:  # the batch workflow is gone: nothing waits for this pilot
                    workflow.logger.warning("dequeue of %s not delivered: %s", st.profile.key, e)
            elif effect == "new_cycle":
                self._new_cycle = True
        self._woken = True

    # ------------------------------------------------------------------ staff actions

    def _validate(self, action: str, inp: ActionInput) -> None:
        try:
            self._pilot.check(action, inp.data, inp.actor, today())
        except DomainError as e:
            raise rejection(e) from None

    async def _act(self, action: str, inp: ActionInput) -> ActionResult:
        await workflow.wait_condition(lambda: self._ready)
        async with self._lock:
            day = today()
            data = dict(inp.data)
            try:
                self._pilot.check(action, data, inp.actor, day)  # the state may have moved since validation
            except DomainError as e:
                raise rejection(e) from None
            if action == "recommend":
                data["batch_id"] = (await self._enqueue(inp.actor, day)).batch_id
            try:
                out = self._pilot.apply(action, data, inp.actor, day)
            except DomainError as e:
                raise rejection(e) from None
            await self._commit(out, day)
            return ActionResult(action, self._pilot.state.stage, out.events)

    async def _enqueue(self, actor: Actor, day: date) -> EnqueueResult:
        """Take a place in the MIIT batch; the batch workflow refuses a province's fourth this year."""
        st = self._pilot.state
        p = st.profile
        try:
            return await workflow.execute_activity(
                "brand_enqueue",
                EnqueueInput(p.key, workflow.info().workflow_id, p.province, p.name, day, actor),
                result_type=EnqueueResult, start_to_close_timeout=ACTIVITY_TIMEOUT, heartbeat_timeout=HEARTBEAT,
                retry_policy=RETRY)
        except ActivityError as e:
            cause = e.cause
            if isinstance(cause, ApplicationError) and cause.type:
                raise ApplicationError(cause.message, {"code": cause.type, "message": cause.message},
                                       type=cause.type, non_retryable=True) from None
            raise ApplicationError("未能列入部批次评审，请稍后重试", type="batch_unavailable", non_retryable=True) from None

    @workflow.update
    async def revise_application(self, inp: ActionInput) -> ActionResult:
        return await self._act("revise_application", inp)

    @revise_application.validator
    def _v_revise_application(self, inp: ActionInput) -> None:
        self._validate("revise_application", inp)

    @workflow.update
    async def seal_application(self, inp: ActionInput) -> ActionResult:
        return await self._act("seal_application", inp)

    @seal_application.validator
    def _v_seal_application(self, inp: ActionInput) -> None:
        self._validate("seal_application", inp)

    @workflow.update
    async def return_application(self, inp: ActionInput) -> ActionResult:
        return await self._act("return_application", inp)

    @return_application.validator
    def _v_return_application(self, inp: ActionInput) -> None:
        self._validate("return_application", inp)

    @workflow.update
    async def recommend(self, inp: ActionInput) -> ActionResult:
        return await self._act("recommend", inp)

    @recommend.validator
    def _v_recommend(self, inp: ActionInput) -> None:
        self._validate("recommend", inp)

    @workflow.update
    async def withdraw(self, inp: ActionInput) -> ActionResult:
        return await self._act("withdraw", inp)

    @withdraw.validator
    def _v_withdraw(self, inp: ActionInput) -> None:
        self._validate("withdraw", inp)

    @workflow.update
    async def submit_summary(self, inp: ActionInput) -> ActionResult:
        return await self._act("submit_summary", inp)

    @submit_summary.validator
    def _v_submit_summary(self, inp: ActionInput) -> None:
        self._validate("submit_summary", inp)

    @workflow.update
    async def record_supervision(self, inp: ActionInput) -> ActionResult:
        return await self._act("record_supervision", inp)

    @record_supervision.validator
    def _v_record_supervision(self, inp: ActionInput) -> None:
        self._validate("record_supervision", inp)

    @workflow.update
    async def apply_evaluation(self, inp: ActionInput) -> ActionResult:
        return await self._act("apply_evaluation", inp)

    @apply_evaluation.validator
    def _v_apply_evaluation(self, inp: ActionInput) -> None:
        self._validate("apply_evaluation", inp)

    @workflow.update
    async def apply_rereview(self, inp: ActionInput) -> ActionResult:
        return await self._act("apply_rereview", inp)

    @apply_rereview.validator
    def _v_apply_rereview(self, inp: ActionInput) -> None:
        self._validate("apply_rereview", inp)

    @workflow.update
    async def recommend_evaluation(self, inp: ActionInput) -> ActionResult:
        return await self._act("recommend_evaluation", inp)

    @recommend_evaluation.validator
    def _v_recommend_evaluation(self, inp: ActionInput) -> None:
        self._validate("recommend_evaluation", inp)

    @workflow.update
    async def return_evaluation(self, inp: ActionInput) -> ActionResult:
        return await self._act("return_evaluation", inp)

    @return_evaluation.validator
    def _v_return_evaluation(self, inp: ActionInput) -> None:
        self._validate("return_evaluation", inp)

    @workflow.update
    async def assign_experts(self, inp: ActionInput) -> ActionResult:
        return await self._act("assign_experts", inp)

    @assign_experts.validator
    def _v_assign_experts(self, inp: ActionInput) -> None:
        self._validate("assign_experts", inp)

    @workflow.update
    async def record_material_review(self, inp: ActionInput) -> ActionResult:
        return await self._act("record_material_review", inp)

    @record_material_review.validator
    def _v_record_material_review(self, inp: ActionInput) -> None:
        self._validate("record_material_review", inp)

    @workflow.update
    async def shortlist(self, inp: ActionInput) -> ActionResult:
        return await self._act("shortlist", inp)

    @shortlist.validator
    def _v_shortlist(self, inp: ActionInput) -> None:
        self._validate("shortlist", inp)

    @workflow.update
    async def record_defence_review(self, inp: ActionInput) -> ActionResult:
        return await self._act("record_defence_review", inp)

    @record_defence_review.validator
    def _v_record_defence_review(self, inp: ActionInput) -> None:
        self._validate("record_defence_review", inp)

    @workflow.update
    async def decide_title(self, inp: ActionInput) -> ActionResult:
        return await self._act("decide_title", inp)

    @decide_title.validator
    def _v_decide_title(self, inp: ActionInput) -> None:
        self._validate("decide_title", inp)

    @workflow.update
    async def revoke(self, inp: ActionInput) -> ActionResult:
        return await self._act("revoke", inp)

    @revoke.validator
    def _v_revoke(self, inp: ActionInput) -> None:
        self._validate("revoke", inp)

    # ------------------------------------------------------------------ the batch's decision

    @workflow.signal
    async def batch_decision(self, sig: BatchDecisionSignal) -> None:
        """The MIIT batch decided (sent once per batch by the batch workflow)."""
        await workflow.wait_condition(lambda: self._ready)
        async with self._lock:
            day = today()
            try:
                out = self._pilot.apply_batch(sig.batch_id, sig.decision, sig.held_on, sig.actor, day)
            except DomainError as e:
                workflow.logger.warning("batch decision %s not applied: %s", sig.batch_id, e)
                return
            await self._commit(out, day)

    # ------------------------------------------------------------------ queries

    @workflow.update
    async def recompute_deadlines(self, inp: RecomputeInput) -> RecomputeResult:
        """Re-plan the open report clocks on the current calendar (after a year's official
        schedule was imported) and journal every move; a new handler, so every recorded
        history replays as before."""
        await workflow.wait_condition(lambda: self._ready)
        async with self._lock:
            day = today()
            requests = self._pilot.recompute_requests(day)
            out = Outcome()
            if requests:
                st = self._pilot.state
                result: PlanResult = await workflow.execute_activity(
                    "brand_plan", PlanInput(workflow.info().workflow_id, st.profile.key, st.policy_version, requests),
                    result_type=PlanResult, start_to_close_timeout=ACTIVITY_TIMEOUT, heartbeat_timeout=HEARTBEAT,
                    retry_policy=RETRY)
                out = self._pilot.apply_replanned(result.plans, inp.reason, inp.actor, day)
                await self._commit(out, day)
            return RecomputeResult(out.events)

    @recompute_deadlines.validator
    def _v_recompute_deadlines(self, inp: RecomputeInput) -> None:
        if inp.actor.role not in (Role.SECRETARIAT, Role.SYSTEM):
            raise ApplicationError("重新计算时限由系统运维（导入节假日安排后）发起", {"code": "role_not_allowed"},
                                   type="role_not_allowed", non_retryable=True)
        if self._pilot.terminal:
            raise ApplicationError("该试点已结束，没有待重新计算的时限", {"code": "pilot_ended"},
                                   type="pilot_ended", non_retryable=True)

    @workflow.query
    def view(self) -> PilotView:
        st = self._pilot.state
        preview = []
        if st.review.get("defence"):
            preview = [{"industry": d.industry, "granted": d.granted, "title": d.title,
                        "conditions": [{"code": c.code, "label": c.label, "met": c.met, "evidence": c.evidence}
                                       for c in d.conditions]} for d in self._pilot.decision_preview()]
        return PilotView(
            key=st.profile.key, today=today(), stage=st.stage, procedure=st.procedure, profile=st.profile,
            snapshot=self._pilot.snapshot(),
            deadlines=[DeadlineOut(d.key, d.what, d.due, d.remind_on, d.period, d.overdue_since is not None,
                                   d.calendar_version, d.provisional, d.basis)
                       for d in sorted(st.deadlines, key=lambda x: x.due)],
            allowed=self._pilot.allowed_by_role(), review=dict(st.review), decision=list(st.decision),
            summaries=dict(st.summaries), supervisions=dict(st.supervisions), cycle=st.cycle,
            cycle_years=st.cycle_years, cycle_start=st.cycle_start, journal_head=st.journal_head,
            journal_head_seq=st.journal_head_seq, preview=preview)
