"""The what-if simulator (``designation simulate``) and the harness the workflow tests use:
the real workflows and activities on Temporal's time-skipping server, a store in a temp
directory, dated actions applied in order while the clocks fire in between."""

from __future__ import annotations

import asyncio
import json
import tempfile
import unicodedata
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby
from pathlib import Path
from typing import Any, Mapping
from uuid import uuid4

from sqlalchemy import select as sa_select
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner

from activities.cnlic.lifecycle import CalendarOverrides, LifecycleActivities
from domain.calendar import SHANGHAI, parse_date
from domain.cnlic import labels
from domain.cnlic.lifecycle import profile_from_dict
from domain.cnlic.model import Actor, Region, Stage
from domain.cnlic.naming import same_region
from domain.errors import DomainError
from service.cnlic.agenda import Phases, refusal_key, row_key, segments
from service.cnlic.lifecycle import LifecycleService
# the scenario file lives in service.cnlic.scenario; its names are imported from here too
from service.cnlic.scenario import (  # noqa: F401
    DEFAULT_REGISTRAR,
    ClusterEntry,
    Scenario,
    ScenarioError,
    Step,
    _plain,
    check_not_past,
    load_scenario,
    parse_scenario,
    shift_scenario,
)
from service.temporal import CONVERTER, binary, ensure_search_attributes, make_worker, quiet_runtime
from store.cnlic import lifecycle as repo
from store.cnlic.readmodel import clusters_by_key
from store.db import make_engine, migrate
from store.models import JournalRow
from workflows.cnlic.contracts import NAMESPACE

STEP_HOUR = 10  # actions happen in office hours; clocks fire at 00:00


# ---------------------------------------------------------------- the running simulation


@dataclass
class Rejection:
    on: date
    cluster: str | None
    action: str
    code: str
    reason: str
    at: datetime
    phase: int = 0  # where the timeline lists it (service.cnlic.agenda)
    position: int = 0


# a segment's items run at once, this many at a time; then the simulator waits until the
# server is idle, up to this many seconds
SEGMENT_CONCURRENCY = 32
SEGMENT_IDLE_WAIT = 120


class Simulation:
    """Real workflows, real activities, a temp SQLite store, Temporal's time-skipping server.

    ``sandboxed=False`` runs the workflows outside temporalio's sandbox: the same code and the
    same results, about a fifth less worker time (issue 15). The sandbox guards workflow code
    against clock reads and I/O; the tests run in it (the default), so a what-if run need not
    pay for it again (``simulate_file``)."""

    def __init__(self, overrides: CalendarOverrides | None = None, database_url: str | None = None,
                 sandboxed: bool = True, **worker_options: Any) -> None:
        self.overrides = overrides
        self.worker_options = worker_options
        self.sandboxed = sandboxed
        self.database_url = database_url
        self.rejections: list[Rejection] = []
        self.phases = Phases()
        self._stack = AsyncExitStack()

    async def __aenter__(self) -> "Simulation":
        if self.database_url is None:
            tmp = self._stack.enter_context(tempfile.TemporaryDirectory(prefix="designation-sim-"))
            self.database_url = f"sqlite:///{Path(tmp) / 'store.db'}"
        self.engine = make_engine(self.database_url)
        migrate(self.engine)
        self.env = await WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=binary("temporal-test-server"), data_converter=CONVERTER, runtime=quiet_runtime()
        )
        self._stack.push_async_callback(self.env.shutdown)
        await ensure_search_attributes(self.env.client, self.env.client.namespace, can_list=False)
        self.task_queue = f"sim-{uuid4().hex[:8]}"
        self.activities = LifecycleActivities(self.engine, self.env.client, task_queue=self.task_queue,
                                              overrides=self.overrides)
        await self.start_worker()
        self.service = LifecycleService(self.env.client, self.engine, task_queue=self.task_queue,
                                        now=self.env.get_current_time)
        await self.service.ensure_program()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self._stack.aclose()
        self.engine.dispose()

    async def start_worker(self) -> None:
        runner = {} if self.sandboxed else {"workflow_runner": UnsandboxedWorkflowRunner()}
        self.worker = make_worker(self.env.client, self.activities, self.task_queue, **runner, **self.worker_options)
        await self._stack.enter_async_context(self.worker)

    async def now(self) -> datetime:
        return (await self.env.get_current_time()).astimezone(SHANGHAI)

    async def today(self) -> date:
        return (await self.now()).date()

    async def advance_to(self, day: date, hour: int = STEP_HOUR) -> None:
        target = datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)
        now = await self.env.get_current_time()
        if target > now:
            await self.env.sleep(target - now)

    async def register(self, cluster: Mapping[str, Any], start: Mapping[str, Any],
                       by: Actor = DEFAULT_REGISTRAR, override: Mapping[str, Any] | None = None):
        stage = str(start.get("stage", ""))
        if stage != Stage.DESIGNATED:
            await self.advance_to(parse_date(start.get("on"), "start.on"))
        registered = await self.service.register(cluster, start, by, override)
        await self._registered(registered.key)
        await self.settle()
        return registered

    async def act(self, cluster: str | None, action: str, data: Mapping[str, Any], by: Actor):
        """Apply one action now; a refusal is returned (and remembered), not raised."""
        try:
            result = await self._call(cluster, action, data, by)
        except DomainError as e:
            return await self._refuse(cluster, action, e)
        await self._confirm(action, cluster, result)
        await self.settle()
        return result

    async def _call(self, cluster: str | None, action: str, data: Mapping[str, Any], by: Actor):
        if action == "hold_meeting":
            held_on = parse_date(data["held_on"], "held_on") if data.get("held_on") else None
            return await self.service.hold_meeting(data.get("decisions") or {}, by, held_on)
        if action == "record_joint_document" and cluster is None:
            return await self.service.record_joint_document(data, by)
        return await self.service.act(str(cluster), action, data, by)

    async def _confirm(self, action: str, cluster: str | None, result: Any) -> None:
        """Wait until the store shows what a program-wide step sent on to the clusters."""
        if action == "hold_meeting":
            await self._until_recorded(result.meeting_id, set(result.decisions) - set(result.refused))
        elif action == "record_joint_document" and cluster is None:
            documented = set(result.document.clusters if result.document else [])
            await self._until(lambda: all((row := repo.cluster(self.engine, key)) is None or row.stage != "approved"
                                          for key in documented),
                              f"joint document {result.meeting_id}: not recorded by {sorted(documented)}")

    async def _registered(self, key: str) -> None:
        await self._until(lambda: (row := repo.cluster(self.engine, key)) is not None and row.last_seq > 0,
                          f"registration of {key} not recorded")

    async def _refuse(self, cluster: str | None, action: str, e: DomainError, position: int = 0) -> Rejection:
        rejection = Rejection(await self.today(), cluster, action, e.code, e.message, datetime.now(SHANGHAI),
                              self.phases.current, position)
        self.rejections.append(rejection)
        return rejection

    async def settle(self) -> None:
        """Let the server finish what the last step started (signals, continue-as-new): the
        time-skipping server cannot move its clock while a task is outstanding."""
        await self.env.sleep(timedelta(seconds=1))

    async def _idle(self, longest: float = SEGMENT_IDLE_WAIT) -> None:
        """Wait until the server has nothing outstanding (what a segment started: signals,
        continue-as-new, clocks an action made due): a one-second settle returns at once when the
        server skips ahead, which it does only when idle, and after a real second when it is busy.
        Each pass moves the server's clock about a second, so a day's segments stay in office
        hours however many there are."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + longest
        while loop.time() < deadline:
            started = loop.time()
            await self.settle()
            if loop.time() - started < 0.5:
                return

    async def _until_recorded(self, meeting_id: str, keys: set[str]) -> None:
        """A meeting's decisions reach the clusters by signal; wait until each recorded its own."""
        await self._until(lambda: repo.decided_clusters(self.engine, meeting_id) >= keys,
                          f"meeting {meeting_id}: decisions not recorded by {sorted(keys)}")

    @staticmethod
    async def _until(done, what: str, timeout: float = 30.0) -> None:
        """Wait (in real time; the server's clock is not moved) until the store shows ``done``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not done():
            if loop.time() > deadline:
                raise TimeoutError(what)
            await asyncio.sleep(0.02)

    async def run(self, scenario: Scenario) -> list[dict[str, Any]]:
        """Every registration and step on its day at 10:00 (the clocks fire at 00:00 in between),
        a day's items in segments that run at once (service.cnlic.agenda); the timeline lists what
        they recorded as a run of one item at a time would."""
        agenda: list[tuple[date, int, Any]] = []
        for i, c in enumerate(scenario.clusters):
            when = c.start_on if c.start.get("stage") != Stage.DESIGNATED else await self.today()
            agenda.append((when, -len(scenario.clusters) + i, c))
        agenda += [(s.on, s.index, s) for s in scenario.steps]
        agenda.sort(key=lambda item: (item[0], item[1]))
        for when, group in groupby(agenda, key=lambda item: item[0]):
            await self.advance_to(when)
            for segment in segments([item for _, _, item in group], _cluster_of, _program_wide, _claim_of, _clash):
                await self._run_segment(segment)
        await self.advance_to(scenario.until, hour=23)
        return await self.timeline([c.key for c in scenario.clusters], scenario.until)

    async def _run_segment(self, items: list[Any]) -> None:
        self.phases.begin(_cluster_of(item) for item in items)
        gate = asyncio.Semaphore(SEGMENT_CONCURRENCY)
        confirm: list[Any] = []

        async def one(position: int, item: Any) -> None:
            async with gate:
                if isinstance(item, ClusterEntry):
                    try:
                        await self.service.register(item.raw, item.start, item.by)
                    except DomainError as e:
                        await self._refuse(item.key, "register", e, position)
                        return
                    confirm.append(lambda: self._registered(item.key))
                else:
                    try:
                        result = await self._call(item.cluster, item.action, item.data, item.by)
                    except DomainError as e:
                        await self._refuse(item.cluster, item.action, e, position)
                        return
                    confirm.append(lambda: self._confirm(item.action, item.cluster, result))

        await asyncio.gather(*(one(n, item) for n, item in enumerate(items)))
        await self._idle()
        for check in confirm:
            await check()
        self.phases.end()

    def journal(self, cluster_key: str | None = None) -> list:
        return repo.journal(self.engine, cluster_key)

    async def timeline(self, keys: list[str], until: date) -> list[dict[str, Any]]:
        items: list[tuple[tuple, dict[str, Any]]] = []
        t = JournalRow.__table__.c
        with self.engine.connect() as conn:  # the whole journal: columns, not ORM objects
            rows = conn.execute(sa_select(t.id, t.cluster_key, t.seq, t.on, t.kind, t.actor_role, t.actor_name, t.data,
                                          t.recorded_at)).all()
        for row in rows:
            item = journal_item(row)
            if item is not None:
                items.append((row_key(row.on, *self.phases.place(row.cluster_key, row.recorded_at), row.recorded_at,
                                      row.id or 0), item))
        for rec in repo.recognitions(self.engine):
            items.append((row_key(rec.announced_on, *self.phases.place(None, rec.recorded_at), rec.recorded_at, 0), {
                "on": rec.announced_on.isoformat(), "event": "annual_recognition", "year": rec.year,
                "recognised": rec.recognised, "overdue": rec.overdue, "revoked": rec.revoked,
                "rectifying": rec.rectifying}))
        for r in self.rejections:
            items.append((refusal_key(r.on, r.phase, r.position, _aware(r.at)), {
                "on": r.on.isoformat(), "cluster": r.cluster, "event": "rejected", "action": r.action, "code": r.code,
                "reason": r.reason}))
        items.sort(key=lambda t: t[0])
        out = [t[1] for t in items]
        finals = clusters_by_key(self.engine, keys)
        for key in keys:
            row = finals.get(key)
            if row is None:
                continue
            out.append({"on": until.isoformat(), "cluster": key, "event": "final", "stage": row.stage,
                        "title": row.title_status, "valid_until": row.valid_until.isoformat() if row.valid_until else None,
                        "name": row.title})
        return out


def _cluster_of(item: Any) -> str | None:
    return item.key if isinstance(item, ClusterEntry) else item.cluster


def _program_wide(item: Any) -> bool:
    """The meeting and a meeting's joint document reach every cluster they decide."""
    return isinstance(item, Step) and item.cluster is None


def _claim_of(item: Any) -> tuple[str, Region] | None:
    """What the one-lifecycle-per-region-and-industry rule compares a registration by."""
    if not isinstance(item, ClusterEntry):
        return None
    try:
        profile = profile_from_dict(item.raw)
    except DomainError:
        return None
    return profile.industry, profile.region


def _clash(a: tuple[str, Region], b: tuple[str, Region]) -> bool:
    return a[0] == b[0] and same_region(a[1], b[1])


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def journal_item(row: Any) -> dict[str, Any] | None:
    d = row.data
    base = {"on": row.on.isoformat(), "cluster": row.cluster_key}
    if row.kind == "stage":
        return {**base, "event": "stage", "from": d.get("from"), "to": d["to"], "procedure": d.get("procedure")}
    if row.kind == "title":
        return {**base, "event": "title", "status": d["status"], "valid_until": d.get("valid_until")}
    if row.kind == "deadline":
        return {**base, "event": "deadline", "what": d["what"], "due": d["due"],
                "calendar_version": d.get("calendar_version"), "provisional": d.get("provisional", False)}
    if row.kind in ("reminder", "overdue"):
        return {**base, "event": row.kind, "what": d["what"], "due": d["due"]}
    if row.kind == "deadline_moved":
        return {**base, "event": "deadline_moved", "what": d["what"], "old_due": d["old_due"], "due": d["new_due"],
                "old_calendar_version": d["old_calendar_version"], "calendar_version": d["new_calendar_version"],
                "reason": d.get("reason")}
    if row.kind == "deadline_cleared":
        return {**base, "event": "deadline_cleared", "what": d["what"], "due": d["due"], "reason": d.get("reason")}
    if row.kind == "action":
        return {**base, "event": "action", "action": d.get("action"), "by": {"role": row.actor_role,
                                                                             "name": row.actor_name}}
    if row.kind == "decision":
        return {**base, "event": "decision", "decision": d["decision"], "meeting_id": d["meeting_id"]}
    if row.kind == "registered":
        return {**base, "event": "registered", "start": d.get("start"), "by": {"role": row.actor_role,
                                                                              "name": row.actor_name}}
    return {**base, "event": row.kind}


# ---------------------------------------------------------------- rendering


EVENT_LABELS = labels.EVENT_LABELS  # one place for every label: domain.cnlic.labels


def describe(item: dict[str, Any]) -> str:
    from domain.cnlic.model import TitleStatus

    stage, what = labels.stage_label, labels.deadline_label

    e = item["event"]
    if e == "stage":
        return f"{stage(item['from'])} → {stage(item['to'])}（{labels.procedure_label(item['procedure'])}程序）"
    if e == "title":
        until = f"，有效期至 {item['valid_until']}" if item.get("valid_until") else ""
        return f"{TitleStatus(item['status']).label}{until}"
    if e == "deadline":
        flag = "（暂定日历）" if item.get("provisional") else ""
        return f"{what(item['what'])} 截止 {item['due']}{flag}"
    if e in ("reminder", "overdue"):
        return f"{what(item['what'])} 截止 {item['due']}"
    if e == "deadline_cleared":
        return f"{what(item['what'])}（{labels.reason_label(item['reason'])}）"
    if e == "deadline_moved":
        return (f"{what(item['what'])} {item['old_due']} → {item['due']}（日历 {item['old_calendar_version']} → "
                f"{item['calendar_version']}：{labels.reason_label(item['reason'])}）")
    if e == "action":
        return f"{labels.action_label(item['action'])} — {item['by']['name']}"
    if e == "decision":
        return labels.decision_label(item["decision"])
    if e == "rejected":
        return f"{labels.action_label(item['action'])}：[{item['code']}] {item['reason']}"
    if e == "annual_recognition":
        return (f"{item['year']} 年度：认定 {', '.join(item['recognised']) or '无'}；逾期未复评 "
                f"{', '.join(item['overdue']) or '无'}；取消 {', '.join(item['revoked']) or '无'}")
    if e == "final":
        until = f"，有效期至 {item['valid_until']}" if item.get("valid_until") else ""
        return f"{stage(item['stage'])}，称号{TitleStatus(item['title']).label}{until}"
    if e == "registered":
        return f"登记（{labels.start_label(item['start']['stage'])}，{item['start']['on']}）"
    return e


def _pad(text: str, width: int) -> str:
    """Pad to a display width: CJK characters take two columns in a terminal."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - shown, 1)


def render_table(items: list[dict[str, Any]]) -> str:
    lines = [_pad("日期", 12) + _pad("集群", 16) + _pad("事件", 10) + "说明", "-" * 80]
    for item in items:
        label = EVENT_LABELS.get(item["event"], item["event"])
        lines.append(_pad(item["on"], 12) + _pad(str(item.get("cluster") or "（全体）"), 16) + _pad(label, 10)
                     + describe(item))
    return "\n".join(lines)


def render_json(items: list[dict[str, Any]]) -> str:
    return "\n".join(json.dumps(item, ensure_ascii=False) for item in items)


def check_expectations(scenario: Scenario, items: list[dict[str, Any]]) -> list[str]:
    """Differences between the final lines and the scenario's ``expect`` block."""
    finals = {i["cluster"]: i for i in items if i["event"] == "final"}
    problems = []
    for key, want in scenario.expect.items():
        got = finals.get(key)
        if got is None:
            problems.append(f"{key}: 没有最终状态")
            continue
        for field_name, value in want.items():
            if got.get(field_name) != value:
                problems.append(f"{key}.{field_name}: 预期 {value}，实际 {got.get(field_name)}")
    return problems


async def simulate_file(path: str | Path, shift_years: int = 0) -> tuple[Scenario, list[dict[str, Any]]]:
    scenario = load_scenario(path, None)
    if shift_years:
        scenario = shift_scenario(scenario, shift_years)
    check_not_past(scenario, datetime.now(SHANGHAI).date())
    async with Simulation(scenario.overrides, sandboxed=False) as sim:  # the tests run them sandboxed
        items = await sim.run(scenario)
    return scenario, items


__all__ = ["Simulation", "load_scenario", "parse_scenario", "simulate_file", "NAMESPACE"]
