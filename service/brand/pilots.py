"""What the console, the API, the CLI and the simulator call for program 4. Thin: the schema
(``service.brand.forms``), who may (``domain.brand.access``), the quota from the store — all before
Temporal sees anything — then one Update of the pilot's or the batch's workflow, whose failure
becomes the rule's ``DomainError`` (code + Chinese message)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Awaitable, Callable, Mapping

from sqlalchemy.engine import Engine
from temporalio.client import Client, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from domain.brand import access, rules
from domain.brand.labels import action_label, describe_event
from domain.brand.machine import Stage, actions_in, roles_for
from domain.brand.model import PilotProfile
from domain.brand.pilot import Pilot, new_state
from domain.brand.policy import DEFAULT_POLICY_VERSION, get_policy
from domain.calendar import SHANGHAI
from domain.errors import DomainError
from domain.limits import LIMITS, check_data
from domain.roles import Actor, User
from service.brand import forms
from service.cnlic.lifecycle import domain_error_from, temporal_error, timeout_error, update_each
from store.brand import repo
from store.brand.models import BrandPilotRow
from workflows.brand.contracts import (
    BATCH_WORKFLOW_ID,
    RESERVED_KEYS,
    ActionInput,
    ActionResult,
    BatchInput,
    BatchResult,
    BatchView,
    HoldBatchInput,
    PilotInput,
    PilotView,
    RecomputeInput,
    RecomputeResult,
    pilot_workflow_id,
)

QUERY_TIMEOUT = timedelta(seconds=3)
BATCH_LIMITS = replace(LIMITS, mapping_keys=LIMITS.meeting_decisions)


def facts(row: BrandPilotRow) -> access.PilotFacts:
    return access.PilotFacts(row.key, row.province, row.city, row.county, row.applicant_kind, tuple(row.experts or ()))


def profile_of(key: str, application: Mapping[str, Any]) -> PilotProfile:
    r = application["region"]
    return PilotProfile(key=key, name=r["name"], province=r["province"], city=r["city"], county=r.get("county") or "",
                        applicant=r["applicant"], applicant_kind=r["applicant_kind"],
                        industries=[i["name"] for i in application["industries"]])


@dataclass
class Filed:
    key: str
    workflow_id: str


class BrandService:
    def __init__(self, client: Client, engine: Engine, *, task_queue: str,
                 now: Callable[[], Awaitable[datetime]] | None = None) -> None:
        self.client = client
        self.engine = engine
        self.task_queue = task_queue
        self._now = now
        self.policy = get_policy()

    async def today(self) -> date:
        now = await self._now() if self._now else datetime.now(SHANGHAI)
        return now.astimezone(SHANGHAI).date()

    # ------------------------------------------------------------------ filing

    async def file(self, user: User, body: Mapping[str, Any]) -> Filed:
        """提交试点申报书: a new pilot's workflow, started with the application."""
        check_data(dict(body) if isinstance(body, Mapping) else body, what="申报书")
        start = forms.parse(forms.StartPilotIn, body, "提交试点申报书")
        key = start.key
        application = start.application.model_dump(mode="json", exclude_none=True)
        if key in RESERVED_KEYS:
            raise DomainError("pilot_key_reserved", f"试点编号 {key} 为系统保留，请换一个")
        r = application["region"]
        access.check_file(user, key, r["city"], r.get("county") or "", r["applicant_kind"])
        today = await self.today()
        profile = profile_of(key, application)
        Pilot(new_state(profile, self.policy.version), self.policy).start(application, user.actor, today)  # dry run
        workflow_id = pilot_workflow_id(key)
        if not repo.claim(self.engine, profile, workflow_id, self.policy.version, today):
            raise DomainError("pilot_exists", f"试点编号 {key} 已被使用，请使用新的编号")
        try:
            await self.client.start_workflow(
                "BrandPilotWorkflow",
                PilotInput(profile=profile, policy_version=self.policy.version, application=application, actor=user.actor),
                id=workflow_id, task_queue=self.task_queue, id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
        except WorkflowAlreadyStartedError:
            raise DomainError("pilot_exists", f"试点编号 {key} 的工作流已在运行") from None
        except BaseException:
            repo.release(self.engine, key)
            raise
        return Filed(key, workflow_id)

    # ------------------------------------------------------------------ actions

    def row(self, key: str) -> BrandPilotRow:
        row = repo.pilot(self.engine, key)
        if row is None:
            raise DomainError("pilot_unknown", f"没有编号为 {key} 的试点")
        return row

    def visible(self, user: User, key: str) -> BrandPilotRow:
        row = self.row(key)
        if not access.sees(user, facts(row)):
            raise DomainError("out_of_scope", f"试点 {key} 不在“{user.name}”的查看范围内")
        return row

    async def act(self, user: User, key: str, action: str, data: Any) -> ActionResult:
        if action not in forms.ACTION_SCHEMAS:
            raise DomainError("action_unknown", f"未知的操作“{action}”")
        row = self.row(key)
        if row.stage in {s.value for s in Stage} and Stage(row.stage).value in ("lapsed", "revoked", "refused", "withdrawn"):
            raise DomainError("pilot_ended", f"试点 {key} 已结束，不能再办理")
        roles = roles_for(action, row.stage) or tuple(r for s in Stage for r in roles_for(action, s))
        access.check_act(user, action, facts(row), roles)
        payload = forms.parse_action(action, data)
        check_data(payload, what=action_label(action))
        today = await self.today()
        if action == "recommend":
            self._check_quota(row, today)
        actor = Actor(access.acting_role(user, facts(row)), user.name)
        handle = self.client.get_workflow_handle(pilot_workflow_id(key))
        try:
            return await handle.execute_update(action, ActionInput(actor=actor, data=payload), result_type=ActionResult)
        except WorkflowUpdateFailedError as e:
            raise domain_error_from(e) or DomainError("action_failed", str(e)) from None
        except WorkflowUpdateRPCTimeoutOrCancelledError:
            raise timeout_error() from None
        except RPCError as e:
            if e.status == RPCStatusCode.NOT_FOUND:
                raise DomainError("pilot_ended", f"试点 {key} 已结束，不能再办理") from None
            raise temporal_error(e) from None

    def _check_quota(self, row: BrandPilotRow, today: date) -> None:
        """§三(三) at most 3 a province a calendar year, counted from the store (the batch
        workflow enforces it again, so two recommendations racing cannot both pass)."""
        rules.check_quota(self.policy, row.province, today.year, repo.recommendations(self.engine, row.province, today.year),
                          row.key)

    async def view(self, user: User, key: str) -> PilotView:
        self.visible(user, key)
        handle = self.client.get_workflow_handle(pilot_workflow_id(key))
        for attempt in range(4):
            try:
                return await handle.query("view", result_type=PilotView, rpc_timeout=QUERY_TIMEOUT)
            except RPCError as e:
                if attempt == 3 or e.status not in (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.UNAVAILABLE):
                    raise temporal_error(e) from None
                await asyncio.sleep(0.1 * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def allowed_for(self, user: User, row: BrandPilotRow, view: PilotView | None = None) -> list[str]:
        """The actions this user may take on this pilot now (the table, the role, the scope)."""
        stage = view.stage if view is not None else row.stage
        if stage in ("lapsed", "revoked", "refused", "withdrawn"):
            return []
        p = facts(row)
        if view is not None:
            p = access.PilotFacts(p.key, p.province, p.city, p.county, p.applicant_kind,
                                  tuple(view.review.get("experts") or ()))
        out = []
        for action in actions_in(stage):
            if action == "revoke" and stage != "demonstration" and (view is None or view.procedure != "rereview"):
                continue  # a pilot under evaluation holds no title to revoke
            try:
                access.check_act(user, action, p, roles_for(action, stage))
            except DomainError:
                continue
            out.append(action)
        return out

    def list(self, user: User, stage: str | None = None, province: str | None = None) -> list[BrandPilotRow]:
        return repo.pilots(self.engine, access.scope_filter(user), stage=stage, province=province)

    # ------------------------------------------------------------------ the batches

    async def ensure_batches(self) -> None:
        try:
            await self.client.start_workflow("BrandBatchWorkflow", BatchInput(policy_version=DEFAULT_POLICY_VERSION),
                                             id=BATCH_WORKFLOW_ID, task_queue=self.task_queue,
                                             id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)
        except WorkflowAlreadyStartedError:
            pass

    async def batch_view(self) -> BatchView | None:
        try:
            return await self.client.get_workflow_handle(BATCH_WORKFLOW_ID).query(
                "view", result_type=BatchView, rpc_timeout=QUERY_TIMEOUT)
        except RPCError:
            return None

    async def hold_batch(self, user: User, data: Any) -> BatchResult:
        access.check_batch(user)
        parsed = forms.parse(forms.HoldBatchData, data, "批次论证评审")
        # a batch decides every pilot the provinces recommended (36 recommenders × 3 a year, plus
        # deferrals): bounded like a meeting's decisions, not by the 100 keys of an ordinary mapping
        check_data(parsed.model_dump(mode="json"), BATCH_LIMITS, what="批次论证评审")
        inp = HoldBatchInput(actor=user.actor, batch_id=parsed.batch_id, decisions=dict(parsed.decisions),
                             held_on=parsed.held_on)
        try:
            return await self.client.get_workflow_handle(BATCH_WORKFLOW_ID).execute_update(
                "hold_batch", inp, result_type=BatchResult)
        except WorkflowUpdateFailedError as e:
            raise domain_error_from(e) or DomainError("action_failed", str(e)) from None
        except WorkflowUpdateRPCTimeoutOrCancelledError:
            raise timeout_error() from None
        except RPCError as e:
            if e.status == RPCStatusCode.NOT_FOUND:
                raise DomainError("batch_not_current", "批次工作流尚未启动：还没有省级推荐") from None
            raise temporal_error(e) from None


ENDED = frozenset({"lapsed", "revoked", "refused", "withdrawn"})


async def recompute_deadlines(client: Client, engine: Engine, actor: Actor, reason: str) -> dict[str, list[str]]:
    """After a calendar revision (``designation deadlines recompute``, the kernel's, program 1
    first): every live pilot re-plans its open report clocks in an activity and journals each
    move. Returns one Chinese line per move, by pilot."""
    targets = [(row.key, pilot_workflow_id(row.key)) for row in repo.pilots(engine) if row.stage not in ENDED]
    results = await update_each(client, targets, "recompute_deadlines", RecomputeInput(actor=actor, reason=reason),
                                ended="pilot_ended", result_type=RecomputeResult)
    return {key: [describe_event(e.kind, e.data) for e in result.moved] for key, result in results.items()
            if result.moved}
