"""AssessmentRoundWorkflow: the yearly assessment round the provincial department opens for
the previous year's data (RULES.md "Program 3"), id ``guangdong-round-<data year>``. It plans
the due date and the reminders in an activity (calendar days; 31 March by policy), journals
the opening, starts one ``ZoneFilingWorkflow`` per zone (36) and waits for every one to be
received, then journals the close.

The parent's history grows by three events a child (initiated, started, completed) and
nothing else: the filings keep their own clocks and actions."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ChildWorkflowError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from domain.guangdong.model import Event, journal_key, round_key
    from domain.journal import head_of
    from domain.roles import SYSTEM_ACTOR
    from workflows.guangdong.contracts import (
        FilingInput,
        PlanRoundInput,
        RecordInput,
        RoundInput,
        RoundPlan,
        RoundView,
        filing_workflow_id,
    )
    from workflows.guangdong.filing import ZoneFilingWorkflow
    from workflows.common import today

ACTIVITY_TIMEOUT = timedelta(seconds=60)
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))


@workflow.defn(name="GuangdongRoundWorkflow")
class AssessmentRoundWorkflow:
    def __init__(self) -> None:
        self._plan: RoundPlan | None = None
        self._zones = 0
        self._received = 0
        self._seq = 0
        self._head = ""
        self._year = 0

    @workflow.run
    async def run(self, inp: RoundInput) -> RoundView:
        self._zones = len(inp.zones)
        self._year = inp.data_year
        opened = today()
        self._plan = plan = await workflow.execute_activity(
            "guangdong_plan_round", PlanRoundInput(inp.data_year, inp.policy_version, opened, inp.due),
            result_type=RoundPlan, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=RETRY)
        await self._record(inp, [Event(1, opened, "round_opened", {
            "data_year": inp.data_year, "due": plan.due.isoformat(), "reminders": [d.isoformat() for d in plan.reminders],
            "zones": [z.key for z in inp.zones], "policy_version": inp.policy_version}, inp.actor)], {
            "opened_on": opened.isoformat(), "opened_by": inp.actor.name, "due": plan.due.isoformat(),
            "reminders": [d.isoformat() for d in plan.reminders], "zones": len(inp.zones),
            "policy_version": inp.policy_version})
        me = workflow.info().workflow_id
        handles = await asyncio.gather(*(
            workflow.start_child_workflow(
                ZoneFilingWorkflow.run,
                FilingInput(data_year=inp.data_year, zone=z, policy_version=inp.policy_version, due=plan.due,
                            reminders=list(plan.reminders), actor=inp.actor, round_workflow_id=me),
                id=filing_workflow_id(inp.data_year, z.key),
                parent_close_policy=ParentClosePolicy.ABANDON,  # a filing outlives an operator's mistake
            )
            for z in inp.zones
        ))

        async def received(handle) -> None:
            try:
                await handle
            except ChildWorkflowError:  # a filing an operator terminated: the round still closes on the others
                workflow.logger.warning("filing %s ended without being received", handle.id)
                return
            self._received += 1

        await asyncio.gather(*(received(h) for h in handles))
        await self._record(inp, [Event(2, today(), "round_closed", {"data_year": inp.data_year,
                                                                   "received": self._received}, SYSTEM_ACTOR)],
                           {"closed_on": today().isoformat()})
        return self.view()

    async def _record(self, inp: RoundInput, events: list[Event], snapshot: dict) -> None:
        key = journal_key(round_key(inp.data_year))
        prev = self._head
        self._head = head_of(key, events, prev)
        self._seq = events[-1].seq
        info = workflow.info()
        await workflow.execute_activity(
            "guangdong_record",
            RecordInput(workflow_id=info.workflow_id, run_id=info.run_id, journal_key=key, entity="round",
                        data_year=inp.data_year, zone_key="", city="", events=events, prev_head=prev, head=self._head,
                        snapshot=snapshot),
            start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=RETRY)

    @workflow.query
    def view(self) -> RoundView:
        plan = self._plan
        return RoundView(data_year=self._year, due=plan.due if plan else None, reminders=list(plan.reminders) if plan else [],
                         zones=self._zones, received=self._received, seq=self._seq, journal_head=self._head)
