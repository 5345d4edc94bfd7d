"""The console's service layer: what the HTTP API, the pages and the CLI call. Every read is
narrowed to the user's scope, every action is checked against the user's role and scope in
the domain (``domain.cnlic.access``) before the Update is sent, and the user is the Update's actor.

Lists come from the store's read model; one cluster's page comes from its workflow (the read
model is written asynchronously, the workflow's own view is current the moment an Update
returns).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Mapping

from sqlalchemy.engine import Engine
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.service import RPCError, RPCStatusCode

from domain.cnlic import access
from domain.cnlic.access import ClusterFacts, User
from domain.limits import LIMITS, check_data
from domain.calendar import WorkCalendar, parse_date
from domain.errors import DomainError
from domain.cnlic.model import Event, Stage
from domain.cnlic.policy import get_policy
from domain.cnlic.todo import overdue_revocation_on
from audit.replay import ReplayReport
from audit.service import AuditService
from audit.verify import VerifyReport
from service.cnlic import actions
from service.cnlic.lifecycle import LifecycleService
from store.cnlic import readmodel
from store.calendars import service_calendar
from store.cnlic.models import Cluster, PanelMemberRow, RecognitionRow, ScoreSheetRow
from workflows.cnlic.contracts import ActionResult, ClusterView, MeetingResult, WaitingCluster, designation_workflow_id

ACTION_TIMEOUT = 60.0  # seconds an Update may take before the user is told the outcome is unknown
TIMELINE_SIZE = 300  # the latest events a cluster's page shows (the journal and the evidence pack have all)
CALENDAR_TTL = 60.0
MAX_WITHIN = 1500  # working days (about six years): further out than a validity cycle is a typo


@dataclass(frozen=True)
class RadarEntry:
    cluster_key: str
    cluster_name: str
    title: str
    stage: str
    key: str
    what: str
    due: date
    days_left: int
    working_days_left: int
    overdue: bool
    overdue_since: date | None
    provisional: bool


@dataclass(frozen=True)
class OverdueItem:
    """An overdue deadline named with its due date and how long ago that was."""

    what: str
    due: date
    days_overdue: int


@dataclass
class ClusterDetail:
    row: Cluster
    view: ClusterView
    timeline: list[Event]  # the latest TIMELINE_SIZE events
    timeline_total: int
    actions: list[str]
    facts: ClusterFacts
    panel: list[PanelMemberRow]
    workflow_id: str
    temporal_url: str | None
    working_days_left: dict[str, int] = field(default_factory=dict)  # by deadline key
    revocation_on: date | None = None  # expired with no re-evaluation: the recognition that revokes it (§四(四))


@dataclass(frozen=True)
class Overview:
    counts: dict[str, int]
    total: int
    overdue: int
    radar: list[RadarEntry]
    radar_total: int


@dataclass(frozen=True)
class RecognitionList:
    year: int
    announced_on: date
    lists: dict[str, list[Cluster | str]]  # recognised | overdue | rectifying | revoked


class ConsoleService:
    def __init__(self, lifecycle: LifecycleService, engine: Engine, *, temporal_ui: str | None = None,
                 action_timeout: float = ACTION_TIMEOUT) -> None:
        self.lifecycle = lifecycle
        self.engine = engine
        self.temporal_ui = temporal_ui.rstrip("/") if temporal_ui else None
        self.action_timeout = action_timeout
        self._calendar: tuple[float, WorkCalendar] | None = None

    # ------------------------------------------------------------------ shared

    async def today(self) -> date:
        return await self.lifecycle.today()

    def calendar(self) -> WorkCalendar:
        """The service calendar (shipped + imported schedules), re-read once a minute."""
        now = time.monotonic()
        if self._calendar is None or now - self._calendar[0] > CALENDAR_TTL:
            self._calendar = (now, service_calendar(self.engine))
        return self._calendar[1]

    def due_by(self, today: date, within: int | None) -> date | None:
        if within is None:
            return None
        if within < 0 or within > MAX_WITHIN:
            raise DomainError("invalid_data", f"工作日天数应在 0–{MAX_WITHIN} 之间，收到 {within}")
        return self.calendar().add_working_days(today, within)

    def facts(self, user: User, key: str) -> ClusterFacts:
        """The cluster's scope facts, refusing a cluster the user may not see."""
        facts = readmodel.facts(self.engine, key)
        if facts is None:
            raise DomainError("cluster_unknown", f"没有编号为 {key} 的集群")
        access.check_can_see(user, facts)
        return facts

    async def live_facts(self, user: User, key: str) -> tuple[ClusterFacts, ClusterView | None]:
        """Scope facts that never lag the workflow (issue 9): the read model answers first;
        when it would refuse, the workflow's own view (this instant's panel and profile)
        decides, so a panel member named a moment ago is not turned away while the store
        catches up. Returns the view when it was read."""
        facts = readmodel.facts(self.engine, key)
        if facts is None:
            raise DomainError("cluster_unknown", f"没有编号为 {key} 的集群")
        if access.in_scope(user, facts):
            return facts, None
        view = await self.lifecycle.view(key)
        live = facts_from_view(view)
        access.check_can_see(user, live)
        return live, view

    # ------------------------------------------------------------------ readiness

    async def readiness(self) -> dict[str, str]:
        """What is missing for the service to do its work: the store, Temporal, and a worker
        polling the task queue. Empty when everything is there (``/api/ready``)."""
        missing: dict[str, str] = {}
        try:
            readmodel.ping(self.engine)
        except Exception as e:  # any driver error means the same to a caller: not ready
            missing["store"] = f"数据存储不可用（{e.__class__.__name__}）"
        client = self.lifecycle.client
        try:
            queue = await client.workflow_service.describe_task_queue(
                DescribeTaskQueueRequest(namespace=client.namespace,
                                         task_queue=TaskQueue(name=self.lifecycle.task_queue),
                                         task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW),
                timeout=timedelta(seconds=3))
        except RPCError as e:
            # a server that cannot describe queues (the time-skipping test server) answered:
            # it is there, and who polls it cannot be told
            if e.status != RPCStatusCode.UNIMPLEMENTED:
                missing["temporal"] = f"工作流服务不可用（{e.status.name if e.status else e.message}）"
        else:
            if not queue.pollers:
                missing["worker"] = f"没有工作进程在处理任务队列“{self.lifecycle.task_queue}”"
        return missing

    # ------------------------------------------------------------------ audit (each read is journaled)

    def _auditor(self, user: User) -> AuditService:
        access.check_can_audit(user)
        return AuditService(self.lifecycle.client, self.engine)

    async def audit(self, user: User, key: str) -> ReplayReport:
        """Replay every run, compare the re-derived timeline with the journal, verify the chain."""
        auditor = self._auditor(user)
        self.facts(user, key)
        return await auditor.replay(key, user.actor.describe())

    async def verify_all(self, user: User) -> list[VerifyReport]:
        return await self._auditor(user).verify(None, user.actor.describe())

    async def evidence(self, user: User, key: str) -> bytes:
        auditor = self._auditor(user)
        self.facts(user, key)
        _, pack = await auditor.export(key, user.actor.describe())
        return pack

    def temporal_link(self, key: str) -> str | None:
        return f"{self.temporal_ui}/{designation_workflow_id(key)}" if self.temporal_ui else None

    # ------------------------------------------------------------------ lists

    async def clusters(self, user: User, f: readmodel.ClusterFilter, within: int | None = None, page: int = 1,
                       per_page: int = 50) -> readmodel.Page:
        """A page of the user's list, with the overdue deadlines of its clusters (``overdue_of``)."""
        today = await self.today()
        if within is not None:
            f = readmodel.ClusterFilter(**{**f.__dict__, "due_by": self.due_by(today, within)})
        result = readmodel.list_clusters(self.engine, access.scope_of(user), f, page, per_page, overdue_on=today)
        if page > result.pages:
            raise DomainError("page_out_of_range", f"第 {page} 页不存在：符合条件的集群共 {result.total} 个，"
                                                   f"{result.pages} 页（每页 {result.per_page} 个）")
        return result

    @staticmethod
    def overdue_of(result: readmodel.Page) -> dict[str, list[OverdueItem]]:
        """The overdue deadlines read with a page of the list, each with its days overdue."""
        today = result.as_of
        return {k: [OverdueItem(d.what, d.due, (today - d.due).days) for d in rows]
                for k, rows in result.overdue.items()} if today is not None else {}

    async def overdue_items(self, keys: list[str]) -> dict[str, list[OverdueItem]]:
        """The overdue deadlines of a page of clusters, each with its due date and days overdue."""
        today = await self.today()
        return {k: [OverdueItem(d.what, d.due, (today - d.due).days) for d in rows]
                for k, rows in readmodel.overdue_deadlines(self.engine, keys, today).items()}

    def revocations(self, user: User, today: date, due_by: date | None) -> list[RadarEntry]:
        """Expired titles on the radar at the recognition that will revoke them (§四(四))."""
        calendar = self.calendar()
        out = []
        for c in readmodel.expired_titles(self.engine, access.scope_of(user)):
            on = overdue_revocation_on(get_policy(c.policy_version), c.expired_on, today)
            if due_by is not None and on > due_by:
                continue
            out.append(RadarEntry(
                cluster_key=c.key, cluster_name=c.name, title=c.title, stage=c.stage, key="overdue_revocation",
                what="overdue_revocation", due=on, days_left=(on - today).days,
                working_days_left=calendar.working_days_between(today, on), overdue=False, overdue_since=None,
                provisional=False))
        return out

    def awaiting_documents(self, user: User, today: date) -> list[RadarEntry]:
        """Approvals waiting for their joint document (§三(四)): no clock, listed from the
        day of the approval so the secretariat sees how long each has waited."""
        return [RadarEntry(
            cluster_key=c.key, cluster_name=c.name, title=c.title, stage=c.stage, key="joint_document",
            what="joint_document", due=since, days_left=(since - today).days, working_days_left=0, overdue=False,
            overdue_since=None, provisional=False) for c, since in readmodel.awaiting_document(self.engine,
                                                                                              access.scope_of(user))]

    async def radar(self, user: User, within: int | None = None, overdue_only: bool = False, limit: int = 200,
                    offset: int = 0) -> tuple[int, list[RadarEntry]]:
        today = await self.today()
        due_by = self.due_by(today, within)
        revocations = [] if overdue_only else self.revocations(user, today, due_by) + self.awaiting_documents(user, today)
        if revocations:  # merged in date order: the page needs the deadlines up to its end
            limit, offset, skip = min(max(1, limit), 1000), max(0, offset), max(0, offset)
            total, items = readmodel.radar(self.engine, access.scope_of(user), due_by, overdue_only, offset + limit, 0)
        else:
            skip = 0
            total, items = readmodel.radar(self.engine, access.scope_of(user), due_by, overdue_only, limit, offset)
        calendar = self.calendar()
        counted: dict[date, int] = {}

        def working_days(due: date) -> int:
            if due not in counted:
                counted[due] = calendar.working_days_between(today, due)
            return counted[due]

        entries = [
            RadarEntry(
                cluster_key=i.cluster.key, cluster_name=i.cluster.name, title=i.cluster.title, stage=i.cluster.stage,
                key=i.deadline.key, what=i.deadline.what, due=i.deadline.due, days_left=(i.deadline.due - today).days,
                working_days_left=working_days(i.deadline.due),
                overdue=i.deadline.overdue_since is not None or i.deadline.due < today,
                overdue_since=i.deadline.overdue_since, provisional=i.deadline.provisional,
            )
            for i in items
        ]
        if not revocations:
            return total, entries
        merged = sorted(entries + revocations, key=lambda e: (e.due, e.cluster_key, e.key))
        return total + len(revocations), merged[skip: skip + limit]

    async def overview(self, user: User, radar_size: int = 8) -> Overview:
        scope = access.scope_of(user)
        counts = readmodel.stage_counts(self.engine, scope)
        radar_total, radar = await self.radar(user, limit=radar_size)
        return Overview(counts, sum(counts.values()), readmodel.overdue_count(self.engine, scope), radar, radar_total)

    def facets(self, user: User) -> dict[str, list[str]]:
        return readmodel.facet_values(self.engine, access.scope_of(user))

    # ------------------------------------------------------------------ one cluster

    async def cluster(self, user: User, key: str) -> ClusterDetail:
        facts, view = await self.live_facts(user, key)
        if view is None:
            view = await self.lifecycle.view(key)
            facts = facts_from_view(view)  # the actions offered follow the workflow, not the store
        total, timeline = self.lifecycle.timeline(key, TIMELINE_SIZE)
        row = readmodel.cluster_row(self.engine, key)
        if row is None:
            raise DomainError("cluster_unknown", f"没有编号为 {key} 的集群")
        calendar = self.calendar()
        left = {}
        for d in view.deadlines:
            left[d.key] = d.working_days_left if d.working_days_left is not None else \
                calendar.working_days_between(view.today, d.due)
        return ClusterDetail(
            row=row, view=view, timeline=timeline, timeline_total=total,
            actions=access.actions_for(user, facts, view.allowed, view.outstanding_opinions),
            facts=facts, panel=readmodel.current_panel(self.engine, key),
            workflow_id=designation_workflow_id(key), temporal_url=self.temporal_link(key), working_days_left=left,
            revocation_on=overdue_revocation_on(get_policy(view.policy_version), view.expired_on, view.today)
            if view.stage == Stage.EXPIRED and view.expired_on else None,
        )

    async def act(self, user: User, key: str, action: str, data: Any) -> ActionResult:
        """Check role and scope here, then send the Update as this user; the workflow's
        validator checks the rules (and the role) again."""
        facts, _ = await self.live_facts(user, key)  # a cluster out of scope is not even named
        access.check_action(user, action, facts)
        if action == "hold_meeting":
            raise DomainError("action_not_allowed", "会长办公会决定针对全部待审集群，请在“会长办公会”中统一录入")
        if not isinstance(data, Mapping):
            raise DomainError("invalid_data", "操作数据（data）应为对象")
        check_data(dict(data))
        data = actions.checked(action, data)  # the action's schema: shape and bounds, in Chinese
        row = readmodel.cluster_row(self.engine, key)
        if row is not None and not row.live:  # ended stages are terminal: the store cannot be ahead
            raise DomainError("lifecycle_ended", f"集群 {key} 的共建已结束（{_stage_label(row.stage)}），不能再办理")
        try:
            return await asyncio.wait_for(self.lifecycle.act(key, action, data, user.actor), self.action_timeout)
        except asyncio.TimeoutError:
            raise DomainError("temporal_timeout",
                              f"工作流服务 {self.action_timeout:.0f} 秒内未答复，操作结果未知，请稍后刷新查看") from None

    # ------------------------------------------------------------------ the president's office meeting

    async def waiting(self, user: User) -> list[WaitingCluster]:
        waiting = await self.lifecycle.waiting_for_meeting()
        seen = readmodel.visible_keys(self.engine, access.scope_of(user), [w.cluster_key for w in waiting])
        return sorted((w for w in waiting if w.cluster_key in seen), key=lambda w: (w.since, w.cluster_key))

    async def hold_meeting(self, user: User, data: Any) -> MeetingResult:
        access.check_action(user, "hold_meeting", None)
        if not isinstance(data, Mapping):
            raise DomainError("invalid_data", "会议数据应为 {decisions: {集群编号: approve | refuse | defer}, held_on}")
        decisions = data.get("decisions") or {}
        if not isinstance(decisions, Mapping):
            raise DomainError("invalid_data", "decisions 应为 {集群编号: approve | refuse | defer}")
        if len(decisions) > LIMITS.meeting_decisions:
            raise DomainError("too_many_items", f"一次会议最多录入 {LIMITS.meeting_decisions} 个集群的决定")
        held_on = parse_date(data["held_on"], "held_on") if data.get("held_on") else None
        notes = data.get("notes") or ""
        if not isinstance(notes, str):
            raise DomainError("invalid_data", "notes 应为文字")
        try:
            return await asyncio.wait_for(
                self.lifecycle.hold_meeting({str(k): str(v) for k, v in decisions.items()}, user.actor, held_on, notes),
                self.action_timeout)
        except asyncio.TimeoutError:
            raise DomainError("temporal_timeout",
                              f"工作流服务 {self.action_timeout:.0f} 秒内未答复，会议结果未知，请稍后刷新查看") from None

    async def record_joint_document(self, user: User, data: Any) -> MeetingResult:
        """§三(四): the joint document of one meeting's approvals (the latest still without one
        when no meeting is named), recorded once and sent to each approved cluster."""
        access.check_action(user, "record_joint_document", None)
        if not isinstance(data, Mapping):
            raise DomainError("invalid_data", "联合发文数据应为对象 {number, issued_on, bodies, meeting_id}")
        data = actions.checked("record_joint_document", data)
        try:
            return await asyncio.wait_for(self.lifecycle.record_joint_document(data, user.actor), self.action_timeout)
        except asyncio.TimeoutError:
            raise DomainError("temporal_timeout",
                              f"工作流服务 {self.action_timeout:.0f} 秒内未答复，发文结果未知，请稍后刷新查看") from None

    async def meetings_awaiting_document(self) -> list[MeetingResult]:
        from workflows.cnlic.program import approved_clusters

        return [m for m in await self.lifecycle.recent_meetings() if m.document is None and approved_clusters(m)]

    # ------------------------------------------------------------------ downloads

    def score_sheets(self, user: User, key: str | None = None) -> list[tuple[ScoreSheetRow, Cluster]]:
        if key is not None:
            self.facts(user, key)
        return readmodel.score_sheets(self.engine, access.scope_of(user), key)

    def recognition_years(self) -> list[int]:
        return readmodel.recognition_years(self.engine)

    def recognition(self, user: User, year: int) -> RecognitionList:
        """A year's announced lists, each narrowed to the clusters this user may see."""
        row: RecognitionRow | None = readmodel.recognition(self.engine, year)
        if row is None:
            raise DomainError("recognition_unknown", f"{year} 年度的认定名单尚未公布")
        lists = {"recognised": row.recognised, "overdue": row.overdue, "rectifying": row.rectifying,
                 "revoked": row.revoked}
        keys = [k for v in lists.values() for k in v]
        seen = readmodel.visible_keys(self.engine, access.scope_of(user), keys)
        rows = readmodel.clusters_by_key(self.engine, seen)
        return RecognitionList(row.year, row.announced_on,
                               {name: [rows.get(k, k) for k in v if k in seen] for name, v in lists.items()})


def facts_from_view(view: ClusterView) -> ClusterFacts:
    return ClusterFacts(key=view.key, industry=view.profile.industry, province=view.profile.region.province,
                        panel=tuple(view.panel), panel_leads=tuple(view.panel_leads))


def _stage_label(stage: str) -> str:
    try:
        return Stage(stage).label
    except ValueError:
        return stage
