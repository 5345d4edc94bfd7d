"""DemonstrationRoundWorkflow: one selection round of RULES.md program 2 (seeds/000) as one
durable workflow, id ``demonstration-round-<key>``: opened by the secretariat, then
recommendation → first review → committee vote → public notice → approval → commendation.

A thin shell around ``domain.demonstration.round.Round``: each step is an Update whose
validator runs the step on a copy of the round (a refusal leaves history untouched) and whose
handler runs it on the round, then records. What needs I/O is an activity: the titles valid
on the opening date (the cap), a candidate's program-1 journal (eligibility), the clocks on
the working-day calendar, the journal writes, and the honours on program 1's records. The
main loop sleeps until the next clock. A round lasts months and takes a few hundred updates
at most: it ends when commended, without continuing as new; its events are drained to the
journal after each step, so the state stays the round's own facts.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.demonstration.round import RoundActivities
    from domain.demonstration.policy import get_policy
    from domain.demonstration.round import STEPS, Round, open_round
    from domain.demonstration.steps import apply_step
    from domain.errors import DomainError
    from domain.journal import head_of
    from domain.roles import Role
    from workflows.demonstration.contracts import (
        FactsInput,
        HonourInput,
        OpenRoundInput,
        PlanClocksInput,
        RecomputeInput,
        RecordRoundInput,
        StepInput,
        StepResult,
        TitlesInput,
        journal_key,
    )
    from workflows.common import rejection, start_of, today

ACTIVITY_TIMEOUT = timedelta(seconds=60)
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
HEARTBEAT = timedelta(seconds=10)
MAX_SLEEP = timedelta(days=365)
HONOUR_LABEL = "轻工业创新升级示范特色区域和产业集群"


def _activity(fn, arg):
    return workflow.execute_activity_method(fn, arg, start_to_close_timeout=ACTIVITY_TIMEOUT,
                                            heartbeat_timeout=HEARTBEAT, retry_policy=RETRY)


@workflow.defn
class DemonstrationRoundWorkflow:
    @workflow.init
    def __init__(self, inp: OpenRoundInput) -> None:
        self._inp = inp
        self._round: Round | None = None
        self._lock = asyncio.Lock()
        self._woken = False
        self._head = ""

    # ------------------------------------------------------------------ main loop

    @workflow.run
    async def run(self, inp: OpenRoundInput) -> dict:
        day = today()
        titles = await _activity(RoundActivities.titles, TitlesInput(day))
        try:
            r = open_round(inp.key, get_policy(inp.policy_version), titles=titles.titles, conference_on=inp.conference_on,
                           recommendation_deadline=inp.recommendation_deadline, quotas=inp.quotas, actor=inp.actor,
                           today=day, title=inp.title)
        except DomainError as e:
            raise rejection(e) from None
        async with self._lock:
            self._round = r
            await self._commit(day)
        while not r.finished:
            wake = r.next_wakeup()
            now = workflow.now()
            housekeeping = today() + MAX_SLEEP
            until = start_of(min(wake, housekeeping) if wake is not None else housekeeping)
            if until > now:
                self._woken = False
                try:
                    await workflow.wait_condition(lambda: self._woken or r.finished, timeout=until - now)
                    continue  # a step changed the clocks (or ended the round): recompute
                except asyncio.TimeoutError:
                    pass
            async with self._lock:
                d = today()
                r.fire_clocks(d)
                await self._commit(d)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return r.view()

    async def _commit(self, day: date) -> None:
        """Plan the clocks the step armed, fire what is already due, journal the events."""
        r = self._round
        assert r is not None
        wid = workflow.info().workflow_id
        while requests := r.take_requests():
            result = await _activity(RoundActivities.plan_clocks,
                                     PlanClocksInput(wid, r.policy.version, requests))
            for plan in result.plans:
                r.arm(plan, day)
            wake = r.next_wakeup()
            if wake is not None and wake <= day:
                r.fire_clocks(day)
        events = r.drain()
        if events:
            prev, self._head = self._head, head_of(journal_key(r.key), events, self._head)
            await _activity(RoundActivities.record,
                            RecordRoundInput(workflow_id=wid, run_id=workflow.info().run_id, round_key=r.key,
                                             snapshot=r.snapshot(), events=events, prev_head=prev, head=self._head))
        self._woken = True

    # ------------------------------------------------------------------ the steps

    def _validate(self, action: str, inp: StepInput) -> None:
        if self._round is None:
            raise ApplicationError("评选正在开始，请稍后再试", {"code": "round_opening"}, type="round_opening",
                                   non_retryable=True)
        trial = self._round.trial()  # shares what no step changes: cheap at any number of candidates
        try:
            apply_step(trial, action, inp.data, inp.actor, inp.industries, today())
        except DomainError as e:
            raise rejection(e) from None

    async def _step(self, action: str, inp: StepInput) -> StepResult:
        await workflow.wait_condition(lambda: self._round is not None)
        r = self._round
        assert r is not None
        async with self._lock:
            day = today()
            facts = []
            if action == "recommend":
                key = str(inp.data.get("cluster_key") or "")
                facts = (await _activity(RoundActivities.cluster_facts, FactsInput(key, r.opened_on))).events
            seq = r.seq
            try:
                apply_step(r, action, inp.data, inp.actor, inp.industries, day, facts)
            except DomainError as e:  # the round moved since validation; nothing was applied
                raise rejection(e) from None
            recorded = list(r.events)
            await self._commit(day)
            if action == "commend":
                await self._honour(day)
            return StepResult(action, r.stage.value, [e for e in recorded if e.seq > seq])

    async def _honour(self, day: date) -> None:
        """四、表彰: the honour goes on each approved cluster's program-1 record."""
        r = self._round
        assert r is not None and r.commendation is not None
        result = await _activity(RoundActivities.honour, HonourInput(
            round_key=r.key, label=HONOUR_LABEL, document_number=r.commendation["document_number"],
            held_on=date.fromisoformat(r.commendation["held_on"]), clusters=list(r.approved), actor=self._inp.actor))
        r.record_honours(result.honoured, result.skipped, day)
        await self._commit(day)

    @workflow.update
    async def set_quotas(self, inp: StepInput) -> StepResult:
        return await self._step("set_quotas", inp)

    @set_quotas.validator
    def _v_set_quotas(self, inp: StepInput) -> None:
        self._validate("set_quotas", inp)

    @workflow.update
    async def recommend(self, inp: StepInput) -> StepResult:
        return await self._step("recommend", inp)

    @recommend.validator
    def _v_recommend(self, inp: StepInput) -> None:
        self._validate("recommend", inp)

    @workflow.update
    async def close_recommendation(self, inp: StepInput) -> StepResult:
        return await self._step("close_recommendation", inp)

    @close_recommendation.validator
    def _v_close_recommendation(self, inp: StepInput) -> None:
        self._validate("close_recommendation", inp)

    @workflow.update
    async def review(self, inp: StepInput) -> StepResult:
        return await self._step("review", inp)

    @review.validator
    def _v_review(self, inp: StepInput) -> None:
        self._validate("review", inp)

    @workflow.update
    async def complete_first_review(self, inp: StepInput) -> StepResult:
        return await self._step("complete_first_review", inp)

    @complete_first_review.validator
    def _v_complete_first_review(self, inp: StepInput) -> None:
        self._validate("complete_first_review", inp)

    @workflow.update
    async def record_vote(self, inp: StepInput) -> StepResult:
        return await self._step("record_vote", inp)

    @record_vote.validator
    def _v_record_vote(self, inp: StepInput) -> None:
        self._validate("record_vote", inp)

    @workflow.update
    async def publish_notice(self, inp: StepInput) -> StepResult:
        return await self._step("publish_notice", inp)

    @publish_notice.validator
    def _v_publish_notice(self, inp: StepInput) -> None:
        self._validate("publish_notice", inp)

    @workflow.update
    async def record_objection(self, inp: StepInput) -> StepResult:
        return await self._step("record_objection", inp)

    @record_objection.validator
    def _v_record_objection(self, inp: StepInput) -> None:
        self._validate("record_objection", inp)

    @workflow.update
    async def resolve_objection(self, inp: StepInput) -> StepResult:
        return await self._step("resolve_objection", inp)

    @resolve_objection.validator
    def _v_resolve_objection(self, inp: StepInput) -> None:
        self._validate("resolve_objection", inp)

    @workflow.update
    async def approve(self, inp: StepInput) -> StepResult:
        return await self._step("approve", inp)

    @approve.validator
    def _v_approve(self, inp: StepInput) -> None:
        self._validate("approve", inp)

    @workflow.update
    async def commend(self, inp: StepInput) -> StepResult:
        return await self._step("commend", inp)

    @commend.validator
    def _v_commend(self, inp: StepInput) -> None:
        self._validate("commend", inp)

    @workflow.update
    async def attach(self, inp: StepInput) -> StepResult:
        return await self._step("attach", inp)

    @attach.validator
    def _v_attach(self, inp: StepInput) -> None:
        self._validate("attach", inp)

    # ------------------------------------------------------------------ queries

    @workflow.update
    async def recompute_deadlines(self, inp: RecomputeInput) -> StepResult:
        """Re-plan the reminders that count working days on the current calendar (after a year's
        official schedule was imported) and journal every move; a new handler, so every
        recorded history replays as before."""
        await workflow.wait_condition(lambda: self._round is not None)
        r = self._round
        assert r is not None
        async with self._lock:
            day = today()
            seq = r.seq
            requests = r.recompute_requests(day)
            if requests:
                result = await _activity(RoundActivities.plan_clocks,
                                         PlanClocksInput(workflow.info().workflow_id, r.policy.version, requests))
                r.apply_replanned(result.plans, inp.reason, inp.actor, day)
            recorded = [e for e in r.events if e.seq > seq]
            await self._commit(day)
            return StepResult("recompute_deadlines", r.stage.value, recorded)

    @recompute_deadlines.validator
    def _v_recompute_deadlines(self, inp: RecomputeInput) -> None:
        if inp.actor.role not in (Role.SECRETARIAT, Role.SYSTEM):
            raise ApplicationError("重新计算时限由综合业务部（秘书处）在导入节假日安排后发起", {"code": "role_not_allowed"},
                                   type="role_not_allowed", non_retryable=True)
        if self._round is not None and self._round.finished:
            raise ApplicationError("评选已结束，没有待重新计算的时限", {"code": "round_ended"}, type="round_ended",
                                   non_retryable=True)

    @workflow.query
    def view(self) -> dict:
        if self._round is None:
            return {"key": self._inp.key, "stage": "opening", "busy": True}
        return {**self._round.view(), "today": today().isoformat(), "journal_head": self._head,
                "busy": self._lock.locked()}


assert {n for n in STEPS} <= {n for n in dir(DemonstrationRoundWorkflow)}
