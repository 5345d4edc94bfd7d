"""The service layer of program 2: what the console, the CLI and the simulator call. Thin:
check the schema and the limits, authorise against the user's role and scope, dry-run what
can be refused before Temporal sees it, start the round's workflow or send it the step's
Update, and turn a Temporal refusal into the rule's ``DomainError``. Reads come from the
read model (``store.demonstration.rounds``) and the workflow's ``view`` query."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Awaitable, Callable

from sqlalchemy.engine import Engine
from temporalio.client import Client, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from domain.calendar import SHANGHAI
from domain.demonstration import access
from domain.demonstration.clocks import plan_clock
from domain.demonstration.eligibility import evaluate
from domain.demonstration.policy import DEFAULT_POLICY_VERSION, get_policy
from domain.demonstration.round import STEPS, open_round
from domain.demonstration.steps import limits_for
from domain.errors import DomainError
from domain.limits import check_data
from domain.roles import User
from service.cnlic.lifecycle import domain_error_from, temporal_error, timeout_error, update_each
from service.demonstration.actions import checked
from store.calendars import service_calendar
from store.demonstration import cnlic_facts
from store.demonstration import rounds as repo
from workflows.cnlic.contracts import TASK_QUEUE, ActionInput, RecordResult, designation_workflow_id
from workflows.demonstration.contracts import OpenRoundInput, RecomputeInput, StepInput, StepResult, round_workflow_id
from workflows.demonstration.round import DemonstrationRoundWorkflow

QUERY_TIMEOUT = timedelta(seconds=3)


@dataclass
class Opened:
    key: str
    workflow_id: str
    valid_titles: int
    cap: int


class RoundService:
    def __init__(self, client: Client, engine: Engine, *, task_queue: str = TASK_QUEUE,
                 now: Callable[[], Awaitable[datetime]] | None = None) -> None:
        self.client = client
        self.engine = engine
        self.task_queue = task_queue
        self._now = now

    async def today(self) -> date:
        now = await self._now() if self._now else datetime.now(SHANGHAI)
        return now.astimezone(SHANGHAI).date()

    # ------------------------------------------------------------------ opening

    async def open(self, data: Any, user: User) -> Opened:
        """The secretariat opens a round: the cap is counted now from program 1's titles (a dry
        run refuses here what the workflow would), then the round's workflow starts and
        counts again in its own activity, recording what it counted."""
        access.check_opens(user)
        spec = checked("open", data)
        today = await self.today()
        policy = get_policy(DEFAULT_POLICY_VERSION)
        conference_on = date.fromisoformat(spec["conference_on"])
        deadline = date.fromisoformat(spec["recommendation_deadline"])
        r = open_round(spec["key"], policy, titles=cnlic_facts.titles_on(self.engine, today), conference_on=conference_on,
                       recommendation_deadline=deadline, quotas=spec.get("quotas") or {}, actor=user.actor,
                       today=today, title=spec.get("title") or "")
        if repo.round_row(self.engine, r.key) is not None:
            raise DomainError("round_exists", f"评选编号 {r.key} 已被使用")
        calendar = service_calendar(self.engine)  # the clocks must be plannable: refuse here, not in the workflow
        for request in r.take_requests():
            plan_clock(policy, calendar, request)
        workflow_id = round_workflow_id(r.key)
        try:
            await self.client.start_workflow(
                DemonstrationRoundWorkflow.run,
                OpenRoundInput(key=r.key, policy_version=policy.version, conference_on=conference_on,
                               recommendation_deadline=deadline, actor=user.actor, quotas=dict(r.quotas),
                               title=r.title),
                id=workflow_id, task_queue=self.task_queue, id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
        except WorkflowAlreadyStartedError:
            raise DomainError("round_exists", f"评选编号 {r.key} 已被使用") from None
        except RPCError as e:
            raise temporal_error(e) from None
        await self._until(lambda: repo.round_row(self.engine, r.key) is not None)
        return Opened(r.key, workflow_id, r.valid_titles, r.cap)

    @staticmethod
    async def _until(done: Callable[[], bool], timeout: float = 20.0) -> None:
        """The workflow records the opening in its first activities; wait until the read
        model shows it, so the next request finds the round."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not done():
            if loop.time() > deadline:
                raise timeout_error()
            await asyncio.sleep(0.05)

    # ------------------------------------------------------------------ steps

    async def act(self, key: str, action: str, data: Any, user: User) -> StepResult:
        if action not in STEPS or action == "attach":
            raise DomainError("action_unknown", f"评选没有“{action}”这一步")
        access.check_reads(user)
        payload = checked(action, data if data is not None else {})
        check_data(payload, limits_for(action))
        row = repo.round_row(self.engine, key)
        if row is None:
            raise DomainError("round_unknown", f"没有编号为 {key} 的评选")
        if action == "recommend":
            self._precheck_recommendation(row, payload)
        return await self._update(key, action, StepInput(actor=user.actor, data=payload,
                                                         industries=list(user.industries)))

    def _precheck_recommendation(self, row: Any, payload: dict[str, Any]) -> None:
        """A cluster whose title was not valid on the opening date is outside the round: say
        which condition its program-1 record fails (the workflow's validator has no records)."""
        cluster = payload["cluster_key"]
        if cluster in row.counted:
            return
        if cnlic_facts.cluster_industry(self.engine, cluster) is None:
            raise DomainError("cluster_unknown", f"没有编号为 {cluster} 的共建集群")
        facts = cnlic_facts.journal_facts(self.engine, cluster, row.opened_on)
        e = evaluate(cluster, facts, row.opened_on, get_policy(row.policy_version))
        failed = "；".join(f"{c.label}：{'，'.join(x.text for x in c.evidence)}" for c in e.failed
                          if c.key in ("title_valid", "no_violation"))
        raise DomainError("candidate_not_cobuilt", f"{cluster} 在开始评选之日（{row.opened_on}）没有有效的共建称号，"
                                                   f"不在评选范围（评选办法 一）" + (f"（{failed}）" if failed else ""))

    async def upload(self, key: str, cluster_key: str, name: str, content: bytes, note: str, user: User,
                     blobs: Any = None) -> dict[str, Any]:
        """A file for a recommendation (推荐材料): checked (type by its bytes, size, name), kept in
        the kernel's blob store under its SHA-256, its facts journaled by the round's
        ``attach`` step (who may attach when is the round's rule)."""
        from domain.attachments import check_file
        from store.blobs import blob_store

        access.check_reads(user)
        self.candidate(key, cluster_key, user)
        meta = check_file(name, content, "recommendation", note)
        blobs = blobs if blobs is not None else blob_store(self.engine)
        blobs.put(content)
        await self._update(key, "attach", StepInput(actor=user.actor, data={"cluster_key": cluster_key,
                                                                             "attachment": meta.as_event_data()},
                                                    industries=list(user.industries)))
        return meta.as_event_data()

    def attachments(self, key: str, cluster_key: str, user: User) -> list[Any]:
        """The journal's attachment rows of one candidate (the chain vouches for them)."""
        from store.cnlic.lifecycle import journal

        self.candidate(key, cluster_key, user)
        return [r for r in journal(self.engine, f"demonstration.{key}")
                if r.kind == "attachment" and r.data.get("cluster") == cluster_key]

    def download(self, key: str, cluster_key: str, sha256: str, user: User, blobs: Any = None) -> tuple[Any, bytes]:
        import hashlib

        from store.blobs import blob_store

        row = next((r for r in self.attachments(key, cluster_key, user) if r.data.get("sha256") == sha256), None)
        if row is None:
            raise DomainError("attachment_unknown", "没有这个附件")
        data = (blobs if blobs is not None else blob_store(self.engine)).get(sha256)
        if data is None:
            raise DomainError("attachment_missing", "附件文件已丢失（存储中没有这个哈希），请联系管理员")
        if hashlib.sha256(data).hexdigest() != sha256:
            raise DomainError("attachment_altered", "附件文件与日志记录的哈希不符，拒绝提供")
        return row, data

    async def _update(self, key: str, action: str, inp: StepInput) -> StepResult:
        handle = self.client.get_workflow_handle(round_workflow_id(key))
        try:
            return await handle.execute_update(action, inp, result_type=StepResult)
        except WorkflowUpdateFailedError as e:
            raise domain_error_from(e) or DomainError("action_failed", str(e)) from None
        except WorkflowUpdateRPCTimeoutOrCancelledError:
            raise timeout_error() from None
        except RPCError as e:
            if e.status == RPCStatusCode.NOT_FOUND:
                row = repo.round_row(self.engine, key)
                if row is not None:
                    raise DomainError("round_ended", f"评选 {key} 已结束（{row.stage}），不能再办理") from None
                raise DomainError("round_unknown", f"没有编号为 {key} 的评选") from None
            raise temporal_error(e) from None

    async def view(self, key: str) -> dict[str, Any] | None:
        """The live state from the workflow (None once it has ended: the read model stands)."""
        try:
            return await self.client.get_workflow_handle(round_workflow_id(key)).query(
                DemonstrationRoundWorkflow.view, rpc_timeout=QUERY_TIMEOUT)
        except RPCError:
            return None

    # ------------------------------------------------------------------ program 1's violations

    async def record_violation(self, cluster_key: str, data: Any, user: User) -> RecordResult:
        """The secretariat records a violation on a program-1 cluster (its journal), read by
        every later round's eligibility (二、1)."""
        payload = checked("record_violation", data)
        if cnlic_facts.cluster_industry(self.engine, cluster_key) is None:
            raise DomainError("cluster_unknown", f"没有编号为 {cluster_key} 的集群")
        handle = self.client.get_workflow_handle(designation_workflow_id(cluster_key))
        try:
            return await handle.execute_update("record_violation", ActionInput(actor=user.actor, data=payload),
                                               result_type=RecordResult)
        except WorkflowUpdateFailedError as e:
            raise domain_error_from(e) or DomainError("action_failed", str(e)) from None
        except RPCError as e:
            if e.status == RPCStatusCode.NOT_FOUND:
                raise DomainError("lifecycle_ended", f"集群 {cluster_key} 的共建已结束，不能再记录") from None
            raise temporal_error(e) from None

    # ------------------------------------------------------------------ reads (scoped)

    def rounds(self, user: User) -> list[Any]:
        access.check_reads(user)
        return repo.rounds(self.engine)

    def round(self, key: str, user: User) -> Any:
        access.check_reads(user)
        row = repo.round_row(self.engine, key)
        if row is None:
            raise DomainError("round_unknown", f"没有编号为 {key} 的评选")
        return row

    def cobuilt_choices(self, row: Any, user: User) -> dict[str, str]:
        """The co-built clusters counted at the opening this user may recommend (its industries),
        not yet recommended: key → label."""
        from store.cnlic.lifecycle import clusters

        taken = {c.cluster_key for c in repo.candidates(self.engine, row.key)}
        counted = set(row.counted)
        return {c.key: f"{c.title or c.name or c.key}（{c.key}）" for c in clusters(self.engine)
                if c.key in counted and c.key not in taken and c.industry in user.industries}

    def candidates(self, key: str, user: User) -> list[Any]:
        access.check_reads(user)
        return repo.candidates(self.engine, key, None if access.sees_all(user) else user.industries)

    def candidate(self, key: str, cluster_key: str, user: User) -> Any:
        c = repo.candidate(self.engine, key, cluster_key)
        if c is None or not access.sees_candidate(user, c.industry):
            raise DomainError("candidate_unknown", f"{cluster_key} 不是评选 {key} 的候选集群")
        return c


async def recompute_deadlines(client: Client, engine: Engine, actor: Any, reason: str) -> dict[str, list[str]]:
    """After a calendar revision (``designation deadlines recompute``, the kernel's, program 1
    first): every round under way re-plans the reminders that count working days, in an
    activity, and journals each move. Returns one Chinese line per move, by round."""
    from domain.demonstration.labels import clock_label

    targets = [(row.key, round_workflow_id(row.key)) for row in repo.rounds(engine) if row.stage != "commended"]
    results = await update_each(client, targets, DemonstrationRoundWorkflow.recompute_deadlines,
                                RecomputeInput(actor=actor, reason=reason), ended="round_ended")
    moved = {}
    for key, result in results.items():
        lines = [f"{clock_label(e.data['what'])} {e.data['new_due']}，提醒日 "
                 f"{'、'.join(e.data['old_reminders']) or '—'} → {'、'.join(e.data['reminders']) or '—'}"
                 f"（{e.data['old_calendar_version']} → {e.data['new_calendar_version']}）"
                 for e in result.events if e.kind == "deadline_moved"]
        if lines:
            moved[key] = lines
    return moved
