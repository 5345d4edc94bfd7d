"""The service layer: what the CLI, the console and the simulator call. Thin over the domain
(for checks that need no workflow), the store (read model) and the Temporal client."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Awaitable, Callable, Mapping

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from temporalio.client import Client, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from domain.calendar import SHANGHAI, parse_date
from domain.errors import DomainError
from domain.limits import LIMITS, check_data
from domain.cnlic.lifecycle import Lifecycle, new_state, parse_start, profile_from_dict
from domain.cnlic.machine import ACTIONS
from domain.cnlic.model import Actor, Event
from domain.cnlic.policy import DEFAULT_POLICY_VERSION, get_policy
from domain.cnlic.rules import check_unique_lifecycle
from service.cnlic.bodies import APPLICATION_ACTIONS, resolve_application
from store.cnlic import lifecycle as repo
from store.db import session
from store.cnlic.models import Cluster
from workflows.cnlic.contracts import (
    PROGRAM,
    TASK_QUEUE,
    ActionInput,
    ActionResult,
    ClusterView,
    DesignationInput,
    HoldMeetingInput,
    JointDocumentInput,
    MeetingResult,
    ProgramInput,
    RecomputeInput,
    WaitingCluster,
    designation_workflow_id,
    program_workflow_id,
)
from workflows.cnlic.designation import DesignationWorkflow, initial_search_attributes
from workflows.cnlic.program import ProgramWorkflow, approved_clusters


QUERY_TIMEOUT = timedelta(seconds=3)
# a meeting decides the whole queue at once: its mapping may be as long as the queue
LIMITS_FOR_MEETING = replace(LIMITS, mapping_keys=LIMITS.meeting_decisions)
QUERY_ATTEMPTS = 4


def actor_from(value: Any) -> Actor:
    if isinstance(value, Actor):
        return value
    if not isinstance(value, Mapping) or not value.get("role") or not value.get("name"):
        raise DomainError("actor_missing", "每项操作须写明操作人：by: {role, name}")
    return Actor(str(value["role"]), str(value["name"]))


# Temporal's own refusals of an update it never handed to the workflow (a worker or server
# restarted under it): nothing was applied, so trying again is safe; not a rule's refusal
UNPROCESSED = frozenset({"UnprocessedUpdate"})
UNPROCESSED_ATTEMPTS = 3


def domain_error_from(e: BaseException) -> DomainError | None:
    """The rule's refusal inside a Temporal failure (update, RPC), if there is one."""
    cause: BaseException | None = e
    while cause is not None:
        if isinstance(cause, ApplicationError) and cause.type:
            if cause.type in UNPROCESSED:
                return DomainError("temporal_unavailable", "工作流服务刚刚重启，操作未被处理，请稍后重试")
            return DomainError(cause.type, cause.message)
        cause = cause.__cause__ or getattr(cause, "cause", None)
    return None


def _unprocessed(e: BaseException) -> bool:
    cause: BaseException | None = e
    while cause is not None:
        if isinstance(cause, ApplicationError) and cause.type in UNPROCESSED:
            return True
        cause = cause.__cause__ or getattr(cause, "cause", None)
    return False


def timeout_error() -> DomainError:
    return DomainError("temporal_timeout", "工作流服务未在时限内答复，操作结果未知，请稍后刷新查看")


def temporal_error(e: RPCError) -> DomainError:
    """Temporal did not do what was asked: down, slow, or a workflow task that cannot run.
    The gRPC details stay in the log; people get one line."""
    if e.status == RPCStatusCode.DEADLINE_EXCEEDED or "timeout" in (e.message or "").lower():
        return timeout_error()
    return DomainError("temporal_unavailable", "工作流服务暂时不可用，请稍后重试")


async def update_each(client: Client, targets: Any, update: Any, inp: Any, *, ended: str,
                      result_type: Any = None) -> dict[str, Any]:
    """One Update to each ``(key, workflow id)`` of ``targets`` in turn (a calendar revision
    reaching programs 2–4): a workflow that has ended since its row was read — refused with
    ``ended`` or gone from Temporal — is skipped; any other refusal or failure stops the run
    with the rule's code. Returns each result by key."""
    results: dict[str, Any] = {}
    for key, workflow_id in targets:
        try:
            results[key] = await client.get_workflow_handle(workflow_id).execute_update(update, inp,
                                                                                         result_type=result_type)
        except WorkflowUpdateFailedError as e:
            error = domain_error_from(e)
            if error is not None and error.code == ended:
                continue
            raise error or DomainError("action_failed", str(e)) from None
        except WorkflowUpdateRPCTimeoutOrCancelledError:
            raise timeout_error() from None
        except RPCError as e:
            if e.status == RPCStatusCode.NOT_FOUND:
                continue
            raise temporal_error(e) from None
    return results


@dataclass
class Registered:
    key: str
    workflow_id: str
    override_reason: str | None


class LifecycleService:
    def __init__(
        self,
        client: Client,
        engine: Engine,
        *,
        task_queue: str = TASK_QUEUE,
        program: str = PROGRAM,
        now: Callable[[], Awaitable[datetime]] | None = None,
    ) -> None:
        self.client = client
        self.engine = engine
        self.task_queue = task_queue
        self.program_id = program_workflow_id(program)
        self._now = now

    async def today(self) -> date:
        now = await self._now() if self._now else datetime.now(SHANGHAI)
        return now.astimezone(SHANGHAI).date()

    # ------------------------------------------------------------------ lifecycles

    async def ensure_program(self) -> None:
        try:
            await self.client.start_workflow(
                ProgramWorkflow.run,
                ProgramInput(program_id=self.program_id, policy_version=DEFAULT_POLICY_VERSION),
                id=self.program_id,
                task_queue=self.task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            )
        except WorkflowAlreadyStartedError:
            pass

    async def register(
        self,
        cluster: Mapping[str, Any],
        start: Mapping[str, Any],
        actor: Actor,
        override: Mapping[str, Any] | None = None,
        policy_version: str = DEFAULT_POLICY_VERSION,
    ) -> Registered:
        """Take a cluster into the program: check it, claim its key, start its workflow."""
        policy = get_policy(policy_version)
        check_data({"cluster": dict(cluster) if isinstance(cluster, Mapping) else cluster,
                    "start": dict(start) if isinstance(start, Mapping) else start,
                    "override": dict(override) if isinstance(override, Mapping) else override}, what="登记数据")
        profile = profile_from_dict(cluster)
        start = self._with_body_kinds_in_start(start, profile.industry, profile.region.province)
        spec = parse_start(start, cluster)
        today = await self.today()
        if spec.stage != "designated" and spec.on != today:
            raise DomainError("invalid_start", f"新的共建从今天（{today}）开始登记，start.on 为 {spec.on}")
        Lifecycle(new_state(profile, policy.version), policy).start(spec, actor, today)  # a dry run: refuse early
        reason = check_unique_lifecycle(
            policy, profile.key, profile.region, profile.industry, repo.live_regions(self.engine, profile.industry, profile.region), override
        )
        workflow_id = designation_workflow_id(profile.key)
        try:
            with session(self.engine) as s:
                existing = s.get(Cluster, profile.key)
                if existing is not None:
                    # keys are never reused: the journal's idempotency keys name the workflow
                    state = "进行中" if existing.live else "已结束"
                    raise DomainError("cluster_exists", f"集群编号 {profile.key} 已被使用（{state}），请使用新的编号")
                repo.claim_cluster(s, profile, workflow_id, policy.version, spec.stage, today)
        except IntegrityError:
            raise DomainError("cluster_exists", f"集群编号 {profile.key} 已有进行中的共建") from None
        try:
            await self.client.start_workflow(
                DesignationWorkflow.run,
                DesignationInput(profile=profile, policy_version=policy.version, program_id=self.program_id,
                                 start=spec, actor=actor),
                id=workflow_id,
                task_queue=self.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
                search_attributes=initial_search_attributes(
                    DesignationInput(profile=profile, policy_version=policy.version, program_id=self.program_id,
                                     start=spec)
                ),
            )
        except WorkflowAlreadyStartedError:
            raise DomainError("cluster_exists", f"集群编号 {profile.key} 的工作流已在运行") from None
        except BaseException:
            repo.release_claim(self.engine, profile.key)
            raise
        return Registered(profile.key, workflow_id, reason)

    async def act(self, key: str, action: str, data: Mapping[str, Any], actor: Actor) -> ActionResult:
        if action == "hold_meeting":
            raise DomainError("action_not_allowed", "会长办公会决定请用 hold_meeting 统一录入")
        if action not in ACTIONS:
            raise DomainError("action_unknown", f"未知的操作“{action}”（可选：{', '.join(ACTIONS)}）")
        if not isinstance(data, Mapping):
            raise DomainError("invalid_data", "操作数据（data）应为对象")
        if action in APPLICATION_ACTIONS and isinstance(data.get("bodies"), list):
            data = self._with_body_kinds(key, data)
        if action == "record_site_report":
            data = await self._with_thresholds(key, data)
        check_data(dict(data))  # before Temporal sees it: nothing oversized reaches a history
        handle = self.client.get_workflow_handle(designation_workflow_id(key))
        try:
            for attempt in range(UNPROCESSED_ATTEMPTS):
                try:
                    return await handle.execute_update(action, ActionInput(actor=actor, data=dict(data)),
                                                       result_type=ActionResult)
                except WorkflowUpdateFailedError as e:
                    if not _unprocessed(e) or attempt == UNPROCESSED_ATTEMPTS - 1:
                        raise
                    await asyncio.sleep(0.5 * (attempt + 1))  # the worker is picking the workflow up again
            raise AssertionError("unreachable")  # pragma: no cover
        except WorkflowUpdateFailedError as e:
            raise domain_error_from(e) or DomainError("action_failed", str(e)) from None
        except WorkflowUpdateRPCTimeoutOrCancelledError:
            raise timeout_error() from None
        except RPCError as e:
            raise self._rpc_error(key, action, e) from None

    async def _with_thresholds(self, key: str, data: Mapping[str, Any]) -> Mapping[str, Any]:
        """A score sheet with entered values travels with the 达标值 table in force on the visit
        date (RULES.md "Thresholds"): resolved here, because the workflow does no I/O; the domain
        computes "met" from it and records its version. A sheet of typed-in counts (the format
        before issue 11) goes on unchanged. A table the caller put in the sheet is never trusted."""
        from domain.cnlic.thresholds import missing_error  # noqa: PLC0415
        from service.cnlic.thresholds import in_force_by_tier  # noqa: PLC0415 (the lifecycle service loads without it)
        from store.cnlic.thresholds import last_visit_on  # noqa: PLC0415

        sheet = data.get("score_sheet")
        if not isinstance(sheet, Mapping):
            return data
        sheet = {k: v for k, v in sheet.items() if k != "thresholds"}
        if "values" in sheet:
            row = repo.cluster(self.engine, key)
            if row is None:
                return data  # the workflow refuses an unknown cluster in its own words
            visit_on = last_visit_on(self.engine, key) or await self.today()
            # every tier's table in force: a title change is evaluated for the tier it asks for,
            # which only the workflow knows; it picks the one for the evaluated tier
            tables = in_force_by_tier(self.engine, row.industry, visit_on)
            if not tables:
                raise missing_error(row.industry, row.tier, visit_on)
            sheet["thresholds"] = [t.as_sheet_data() for t in tables]
        return {**data, "score_sheet": sheet}

    def _with_body_kinds(self, key: str, data: Mapping[str, Any]) -> Mapping[str, Any]:
        """RULES.md "Bodies": the named bodies are chosen from the directory and their kinds read
        from it here, because the workflow does no I/O; the domain checks the route against the
        kinds it is handed."""
        row = repo.cluster(self.engine, key)
        if row is None:
            return data  # the workflow answers for an unknown cluster
        return resolve_application(self.engine, data, row.industry, row.province)

    def _with_body_kinds_in_start(self, start: Mapping[str, Any], industry: str, province: str) -> Mapping[str, Any]:
        application = start.get("application") if isinstance(start, Mapping) else None
        if not isinstance(application, Mapping) or not isinstance(application.get("bodies"), list):
            return start
        return {**start, "application": resolve_application(self.engine, application, industry, province)}

    def _rpc_error(self, key: str, action: str, e: RPCError) -> DomainError:
        if e.status == RPCStatusCode.NOT_FOUND:
            row = repo.cluster(self.engine, key)
            if row is not None and not row.live:
                return DomainError("lifecycle_ended", f"集群 {key} 的共建已结束，不能再办理")
            return DomainError("cluster_unknown", f"没有编号为 {key} 的进行中的共建")
        if e.status == RPCStatusCode.INVALID_ARGUMENT and "update" in str(e).lower():
            return DomainError("action_unknown", f"未知的操作“{action}”")
        return temporal_error(e)

    async def hold_meeting(self, decisions: Mapping[str, str], actor: Actor, held_on: date | None = None,
                           notes: str = "") -> MeetingResult:
        if not isinstance(decisions, Mapping):
            raise DomainError("invalid_data", "decisions 应为 {集群编号: approve | refuse | defer}")
        check_data({"decisions": dict(decisions), "notes": notes}, LIMITS_FOR_MEETING, what="会议数据")
        return await self._program_update(
            ProgramWorkflow.hold_meeting,
            HoldMeetingInput(actor=actor, decisions={str(k): str(v) for k, v in decisions.items()},
                             held_on=held_on, notes=notes),
            DomainError("meeting_nothing_waiting", "目前没有待会长办公会审核的集群"))

    async def _program_update(self, update: Any, inp: Any, not_found: DomainError) -> MeetingResult:
        """An Update of the program workflow (the meeting, its joint document), its failures
        as the service's refusals; ``not_found`` when the program has not started yet."""
        handle = self.client.get_workflow_handle(self.program_id)
        try:
            return await handle.execute_update(update, inp)
        except WorkflowUpdateFailedError as e:
            raise domain_error_from(e) or DomainError("action_failed", str(e)) from None
        except WorkflowUpdateRPCTimeoutOrCancelledError:
            raise timeout_error() from None
        except RPCError as e:
            if e.status == RPCStatusCode.NOT_FOUND:
                raise not_found from None
            raise temporal_error(e) from None

    async def record_joint_document(self, data: Mapping[str, Any], actor: Actor) -> MeetingResult:
        """§三(四): the joint document of one meeting's approvals (``meeting_id``; by default
        the latest meeting whose approvals still wait for theirs), sent to each approved
        lifecycle, whose validity runs from the document's date."""
        if not isinstance(data, Mapping):
            raise DomainError("invalid_data", "联合发文数据应为对象 {number, issued_on, bodies, meeting_id}")
        check_data(dict(data), what="联合发文数据")
        meeting_id = str(data.get("meeting_id") or "")
        if not meeting_id:
            pending = [m for m in await self.recent_meetings() if m.document is None and approved_clusters(m)]
            if not pending:
                raise DomainError("document_nothing_approved", "没有等待联合发文的会长办公会批准事项")
            meeting_id = pending[-1].meeting_id
        bodies = data.get("bodies") or []
        if not isinstance(bodies, (list, tuple)):
            raise DomainError("document_bodies_invalid", "发文单位应为单位名称的列表")
        inp = JointDocumentInput(actor=actor, meeting_id=meeting_id, number=str(data.get("number") or ""),
                                 issued_on=parse_date(data.get("issued_on"), "发文日期"),
                                 bodies=[str(b) for b in bodies], notes=str(data.get("notes") or ""))
        return await self._program_update(ProgramWorkflow.record_joint_document, inp,
                                          DomainError("meeting_unknown", "尚无会长办公会记录"))

    async def recent_meetings(self) -> list[MeetingResult]:
        try:
            return await self.client.get_workflow_handle(self.program_id).query(ProgramWorkflow.recent_meetings)
        except RPCError:
            return []

    async def recompute_deadlines(self, actor: Actor, reason: str) -> dict[str, list[Event]]:
        """After a calendar revision: every live lifecycle re-plans its open deadlines (in an
        activity) and records each move. Returns the moves per cluster."""
        moved: dict[str, list[Event]] = {}
        for key, _, _ in repo.live_lifecycles(self.engine):
            handle = self.client.get_workflow_handle(designation_workflow_id(key))
            try:
                result = await handle.execute_update(DesignationWorkflow.recompute_deadlines,
                                                     RecomputeInput(actor=actor, reason=reason))
            except WorkflowUpdateFailedError as e:
                error = domain_error_from(e)
                if error is not None and error.code == "lifecycle_ended":
                    continue
                raise error or DomainError("action_failed", str(e)) from None
            except RPCError as e:
                raise self._rpc_error(key, "recompute_deadlines", e) from None
            if result.moved:
                moved[key] = result.moved
        return moved

    async def waiting_for_meeting(self) -> list[WaitingCluster]:
        try:
            return await self.client.get_workflow_handle(self.program_id).query(ProgramWorkflow.waiting)
        except RPCError:
            return []

    async def _query(self, key: str, query: Any, what: str, *args: Any) -> Any:
        """A query, retried: one that reaches a run just as it continues as new is never
        answered, and the next attempt reaches the new run."""
        handle = self.client.get_workflow_handle(designation_workflow_id(key))
        for attempt in range(QUERY_ATTEMPTS):
            try:
                return await handle.query(query, *args, rpc_timeout=QUERY_TIMEOUT)
            except RPCError as e:
                retriable = e.status in (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.UNAVAILABLE) or (
                    "timeout" in e.message.lower())
                if not retriable or attempt == QUERY_ATTEMPTS - 1:
                    raise self._rpc_error(key, what, e) from None
                await asyncio.sleep(0.1 * (attempt + 1))

    async def view(self, key: str) -> ClusterView:
        return await self._query(key, DesignationWorkflow.view, "view")

    def timeline(self, key: str, last: int | None = None) -> tuple[int, list[Event]]:
        """The cluster's events from the journal (the workflow keeps none of them): the
        record activity writes them before an action returns, so this is current."""
        return repo.events(self.engine, key, last)
