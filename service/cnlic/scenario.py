"""A what-if scenario (``designation simulate FILE``): its file read within bounds and checked
line by line — clusters to register, dated steps, an ``until`` date, optional calendar overrides
and ``expect`` — and moved on by whole years when its dates have passed."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Mapping

from activities.cnlic.lifecycle import CalendarOverrides
from domain import yamlfmt
from domain.calendar import add_years, parse_date
from domain.cnlic.lifecycle import parse_start, profile_from_dict
from domain.cnlic.machine import ACTIONS
from domain.cnlic.model import Actor, Stage
from domain.cnlic.policy import get_policy
from domain.cnlic.rules import compose_title
from domain.errors import DomainError
from domain.limits import LIMITS
from service.cnlic.lifecycle import actor_from
from service.programs import ScenarioError


# ---------------------------------------------------------------- the scenario file


@dataclass
class Step:
    index: int
    on: date
    action: str
    by: Actor
    data: dict[str, Any]
    cluster: str | None = None


@dataclass
class ClusterEntry:
    raw: dict[str, Any]
    start: dict[str, Any]
    by: Actor

    @property
    def key(self) -> str:
        return str(self.raw["key"])

    @property
    def start_on(self) -> date:
        return parse_date(self.start.get("on"))


@dataclass
class Scenario:
    source: str
    clusters: list[ClusterEntry]
    steps: list[Step]
    until: date
    overrides: CalendarOverrides | None = None
    expect: dict[str, dict[str, Any]] = field(default_factory=dict)


DEFAULT_REGISTRAR = Actor("secretariat", "综合业务部")


def load_scenario(path: str | Path, today: date | None) -> Scenario:
    path = Path(path)
    try:
        with path.open("rb") as f:
            raw = f.read(LIMITS.file_bytes + 1)  # one byte more than allowed: enough to refuse
    except FileNotFoundError:
        raise ScenarioError(f"{path}: 文件不存在") from None
    except OSError as e:
        raise ScenarioError(f"{path}: 无法读取（{e.__class__.__name__}）") from None
    try:
        # scenarios share panels and data through x- anchors, so expand to more values than other files
        data = yamlfmt.load(raw, str(path), limits=replace(LIMITS, file_nodes=LIMITS.scenario_nodes), aliases=True)
    except yamlfmt.FileInvalid as e:
        raise ScenarioError(e.message) from None
    return parse_scenario(data, today, str(path))


def parse_scenario(data: Any, today: date | None, source: str = "scenario") -> Scenario:
    """Parse and check a scenario; with ``today`` set, dates before it are refused."""
    def fail(where: str, message: str) -> ScenarioError:
        return ScenarioError(f"{source}: {where}: {message}")

    if not isinstance(data, Mapping):
        raise ScenarioError(f"{source}: 场景应为含 clusters、steps、until 的对象")
    # keys starting with x- hold YAML anchors (shared panels, people) and are ignored
    unknown = {k for k in data if not str(k).startswith("x-")} - {"calendar", "clusters", "steps", "until", "name", "program",
                                                                   "description", "expect"}
    if unknown:
        raise fail("顶层", f"未知字段 {', '.join(sorted(map(str, unknown)))}")

    overrides = None
    if data.get("calendar") is not None:
        cal = data["calendar"]
        if not isinstance(cal, Mapping) or set(cal) - {"holidays", "workdays"}:
            raise fail("calendar", "应为 {holidays: [...], workdays: [...]}")
        try:
            holidays = {parse_date(d, "calendar.holidays 中的日期"): "场景指定" for d in cal.get("holidays") or []}
            workdays = [parse_date(d, "calendar.workdays 中的日期") for d in cal.get("workdays") or []]
        except DomainError as e:
            raise fail("calendar", e.message) from None
        overrides = CalendarOverrides(holidays, workdays)

    raw_clusters = data.get("clusters")
    if not isinstance(raw_clusters, list) or not raw_clusters:
        raise fail("clusters", "至少需要一个集群")
    clusters: list[ClusterEntry] = []
    for i, raw in enumerate(raw_clusters):
        where = f"clusters[{i}]"
        if not isinstance(raw, Mapping):
            raise fail(where, "应为对象")
        try:
            profile = profile_from_dict(raw)
            compose_title(get_policy(), profile)  # tier, title word and elements are valid
            start = raw.get("start")
            parse_start(start, raw)  # a valid start; dates are checked against today later
            by = actor_from(raw["by"]) if raw.get("by") else DEFAULT_REGISTRAR
        except DomainError as e:
            raise fail(where, f"[{e.code}] {e.message}") from None
        if profile.key in {c.key for c in clusters}:
            raise fail(where, f"集群编号 {profile.key} 重复")
        clusters.append(ClusterEntry(dict(raw), dict(start), by))
    keys = {c.key for c in clusters}

    steps: list[Step] = []
    for i, raw in enumerate(data.get("steps") or []):
        where = f"steps[{i}]"
        if not isinstance(raw, Mapping):
            raise fail(where, "应为对象")
        unknown = set(raw) - {"on", "cluster", "action", "by", "data", "note"}
        if unknown:
            raise fail(where, f"未知字段 {', '.join(sorted(map(str, unknown)))}")
        try:
            on = parse_date(raw.get("on"), "on")
            by = actor_from(raw.get("by"))
        except DomainError as e:
            raise fail(where, e.message) from None
        action = str(raw.get("action", ""))
        if action not in ACTIONS:
            raise fail(where, f"未知的操作“{action}”（可选：{', '.join(ACTIONS)}）")
        cluster = raw.get("cluster")
        # the meeting and the joint document of its approvals are program-wide (§三(三)-(四));
        # a joint document may also name one cluster
        if action not in ("hold_meeting", "record_joint_document") or cluster is not None:
            if cluster not in keys:
                raise fail(where, f"集群“{cluster}”未在 clusters 中声明")
        step_data = raw.get("data") or {}
        if not isinstance(step_data, Mapping):
            raise fail(where, "data 应为对象")
        steps.append(Step(i, on, action, by, _plain(step_data), str(cluster) if cluster else None))
    steps.sort(key=lambda s: (s.on, s.index))

    last = max([s.on for s in steps] + [c.start_on for c in clusters])
    try:
        until = parse_date(data["until"], "until") if data.get("until") is not None else last
    except DomainError as e:
        raise fail("until", e.message) from None
    if until < last:
        raise fail("until", f"{until} 早于最后一个步骤的日期 {last}")
    expect = data.get("expect") or {}
    if not isinstance(expect, Mapping):
        raise fail("expect", "应为 {集群编号: {stage, title, valid_until}}")
    scenario = Scenario(source, clusters, steps, until, overrides, {str(k): _plain(dict(v)) for k, v in expect.items()})
    if today is not None:
        check_not_past(scenario, today)
    return scenario


def check_not_past(scenario: Scenario, today: date) -> None:
    """The time-skipping server starts today and only moves forward."""
    for i, c in enumerate(scenario.clusters):
        if c.start.get("stage") != Stage.DESIGNATED and c.start_on < today:
            raise ScenarioError(f"{scenario.source}: clusters[{i}].start.on: {c.start_on} 早于今天 {today}"
                                f"（时间跳跃服务器不能回到过去；可用 --shift-years 平移场景）")
    for s in scenario.steps:
        if s.on < today:
            raise ScenarioError(f"{scenario.source}: steps[{s.index}].on: {s.on} 早于今天 {today}"
                                f"（时间跳跃服务器不能回到过去；可用 --shift-years 平移场景）")


def _plain(value: Any) -> Any:
    """YAML turns 2027-03-01 into a date; actions take ISO strings, as from JSON."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def shift_scenario(scenario: Scenario, years: int) -> Scenario:
    """The same scenario ``years`` later (keeps a fixed example runnable as time passes)."""
    def move(d: date) -> date:
        return add_years(d, years)

    def move_data(value: Any) -> Any:
        if isinstance(value, str) and len(value) == 10:
            try:
                return move(date.fromisoformat(value)).isoformat()
            except ValueError:
                return value
        if isinstance(value, Mapping):
            return {k: move_data(v) for k, v in value.items()}
        if isinstance(value, list):
            return [move_data(v) for v in value]
        return value

    clusters = [ClusterEntry(c.raw, {**c.start, "on": move(c.start_on).isoformat()}, c.by) for c in scenario.clusters]
    steps = [Step(s.index, move(s.on), s.action, s.by, move_data(s.data), s.cluster) for s in scenario.steps]
    overrides = None
    if scenario.overrides:
        overrides = CalendarOverrides({move(d): n for d, n in scenario.overrides.holidays.items()},
                                      [move(d) for d in scenario.overrides.workdays])
    expect = {k: move_data(v) for k, v in scenario.expect.items()}
    return Scenario(scenario.source, clusters, steps, move(scenario.until), overrides, expect)
