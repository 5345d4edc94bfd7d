"""Activities of program 3's round and filings: the due date and reminders (planned here, on
calendar days by the policy, never in workflow code), and the idempotent journal write with
its read model, notifications and attachment rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from temporalio import activity

from domain.guangdong.policy import due_date, get_policy, reminder_dates
from store.guangdong import repo
from workflows.guangdong.contracts import PlanRoundInput, RecordInput, RoundPlan


class GuangdongActivities:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @activity.defn(name="guangdong_plan_round")
    def plan_round(self, inp: PlanRoundInput) -> RoundPlan:
        policy = get_policy(inp.policy_version)
        due = inp.due or due_date(policy, inp.data_year)
        return RoundPlan(due, reminder_dates(policy, due))

    @activity.defn(name="guangdong_record")
    def record(self, inp: RecordInput) -> int:
        return repo.record(self.engine, inp.workflow_id, inp.run_id, inp.journal_key, inp.entity, inp.data_year,
                           inp.zone_key, inp.city, inp.events, inp.prev_head, inp.snapshot)

    def all(self) -> list[Any]:
        return [self.plan_round, self.record]
