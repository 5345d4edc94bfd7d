"""Activities of a selection round (RULES.md program 2): what the workflow may not do itself —
read program 1's titles (the cap) and a candidate's program-1 journal (eligibility) as of the
opening date, plan the clocks on the working-day calendar, journal the round's events, and
write the honour on each commended cluster's program-1 record (through its workflow, which
holds that journal's chain head). Every write is idempotent."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy.engine import Engine
from temporalio import activity
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from domain.demonstration.clocks import plan_clock
from domain.demonstration.policy import get_policy
from domain.errors import DomainError
from store.calendars import service_calendar
from store.demonstration import cnlic_facts
from store.demonstration.rounds import record_round
from workflows.demonstration.contracts import (
    FactsInput,
    FactsResult,
    HonourInput,
    HonourResult,
    PlanClocksInput,
    PlanClocksResult,
    RecordRoundInput,
    TitlesInput,
    TitlesResult,
)

HONOUR_CONCURRENCY = 8  # honour Updates in flight at once


class RoundActivities:
    def __init__(self, engine: Engine, client: Client | None = None, *, overrides: Any = None) -> None:
        self.engine = engine
        self.client = client
        self.overrides = overrides  # program 1's CalendarOverrides (the simulator's scenario block)

    def calendar(self):
        cal = service_calendar(self.engine)
        if self.overrides:
            cal = cal.with_overrides(self.overrides.holidays, self.overrides.workdays)
        return cal

    @activity.defn(name="demonstration_titles")
    def titles(self, inp: TitlesInput) -> TitlesResult:
        return TitlesResult(cnlic_facts.titles_on(self.engine, inp.on))

    @activity.defn(name="demonstration_cluster_facts")
    def cluster_facts(self, inp: FactsInput) -> FactsResult:
        return FactsResult(cnlic_facts.journal_facts(self.engine, inp.cluster_key, inp.on))

    @activity.defn(name="demonstration_plan_clocks")
    def plan_clocks(self, inp: PlanClocksInput) -> PlanClocksResult:
        policy = get_policy(inp.policy_version)
        calendar = self.calendar()
        try:
            return PlanClocksResult([plan_clock(policy, calendar, r) for r in inp.requests])
        except DomainError as e:
            raise ApplicationError(e.message, e.as_dict(), type=e.code, non_retryable=True) from None

    @activity.defn(name="demonstration_record")
    def record(self, inp: RecordRoundInput) -> int:
        return record_round(self.engine, inp.workflow_id, inp.run_id, inp.round_key, inp.snapshot, inp.events,
                            inp.prev_head)

    @activity.defn(name="demonstration_honour")
    async def honour(self, inp: HonourInput) -> HonourResult:
        """An ``honour`` Update on each approved cluster's DesignationWorkflow: it journals the
        honour once per round, so a retry records nothing twice. A lifecycle that has ended
        since the round opened (revoked, withdrawn) takes none: it is reported, not retried."""
        from workflows.cnlic.contracts import HonourInput as ClusterHonour
        from workflows.cnlic.contracts import RecordResult, designation_workflow_id

        if self.client is None:
            raise ApplicationError("no Temporal client configured for honours", non_retryable=True)
        out = HonourResult()
        data = {"round": inp.round_key, "label": inp.label, "document_number": inp.document_number,
                "held_on": inp.held_on.isoformat()}
        gate = asyncio.Semaphore(HONOUR_CONCURRENCY)

        async def one(key: str) -> str | None:
            """None when honoured, else why not."""
            async with gate:
                handle = self.client.get_workflow_handle(designation_workflow_id(key))
                try:
                    await handle.execute_update("honour", ClusterHonour(actor=inp.actor, data=data),
                                                result_type=RecordResult)
                except WorkflowUpdateFailedError as e:
                    cause = getattr(e, "cause", None)
                    return getattr(cause, "message", None) or str(e)
                except RPCError as e:
                    if e.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
                        return "该集群的共建已结束"
                    raise
                activity.heartbeat(key)
                return None

        # a few clusters at a time (each is its own workflow), reported in the approved order
        for key, skipped in zip(inp.clusters, await asyncio.gather(*(one(k) for k in inp.clusters))):
            if skipped is None:
                out.honoured.append(key)
            else:
                out.skipped[key] = skipped
        return out

    def all(self) -> list[Any]:
        return [self.titles, self.cluster_facts, self.plan_clocks, self.record, self.honour]
