"""Program 3's scenarios on the time-skipping server (``designation simulate FILE`` with
``program: guangdong``): dated steps open a round, and zone offices, governments, 经贸局 and
the province act on many zones at once; the round's clocks fire in between. The timeline is
the journal; ``expect`` states how the round ends.

A step's ``by`` is a role; each zone's own office, local government and 经贸局 act for it
(``actor_for``), so one step can move 34 zones. ``data: sample`` is ``service.guangdong.sample``'s
complete form and summary for the zone and year."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Mapping

from domain import yamlfmt
from domain.calendar import SHANGHAI, add_years, parse_date
from domain.errors import DomainError
from domain.guangdong import labels
from domain.guangdong.zones import BY_KEY, ZONES, Zone
from domain.limits import LIMITS
from domain.roles import User
from service.guangdong.rounds import GuangdongService
from service.programs import ScenarioError
from service.guangdong.sample import sample_contact, sample_form, sample_summary
from store.guangdong import repo

ZONE_ACTIONS = ("save_draft", "submit", "sign_off", "return_filing", "receive")
PROVINCE_NAME = "广东省经济贸易委员会"


@dataclass
class Step:
    index: int
    on: date
    action: str
    role: str
    zones: list[str]
    data: Any
    data_year: int | None = None
    due: date | None = None


@dataclass
class Scenario:
    source: str
    steps: list[Step]
    until: date
    expect: dict[str, Any] = field(default_factory=dict)
    name: str = ""


def actor_for(role: str, zone: Zone | None) -> User:
    """The person who acts for ``zone`` in ``role``, with the scope the role needs."""
    if role == "province_department" or zone is None:
        return User("sim-province", "province_department", PROVINCE_NAME, provinces=("广东省",))
    if role == "zone_office":
        return User(f"sim-{zone.key}", role, f"{zone.name}办公室", clusters=(zone.key,))
    if role == "local_government":
        return User(f"sim-local-{zone.key}", role, f"{zone.place}人民政府", clusters=(zone.key,))
    if role == "prefecture_bureau":
        return User(f"sim-pref-{zone.city}", role, f"{zone.city}经济贸易局", cities=(zone.city,))
    raise DomainError("role_not_allowed", f"场景中的角色“{role}”不参与本项目")


def load_scenario(path: str | Path) -> Scenario:
    path = Path(path)
    try:
        raw = path.read_bytes()[: LIMITS.file_bytes + 1]
    except OSError as e:
        raise ScenarioError(f"{path}: 无法读取（{e.__class__.__name__}）") from None
    try:
        data = yamlfmt.load(raw, str(path), aliases=True)
    except yamlfmt.FileInvalid as e:
        raise ScenarioError(e.message) from None
    return parse_scenario(data, str(path))


def _zones(raw: Mapping[str, Any], where: str, source: str) -> list[str]:
    spec = raw.get("zones", "all")
    keys = [z.key for z in ZONES] if spec == "all" else spec
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise ScenarioError(f"{source}: {where}.zones: 应为 all 或示范区编号的列表")
    excluded = raw.get("except") or []
    for k in [*keys, *excluded]:
        if k not in BY_KEY:
            raise ScenarioError(f"{source}: {where}: 没有编号为 {k} 的示范区")
    return [k for k in keys if k not in excluded]


def parse_scenario(data: Any, source: str = "scenario") -> Scenario:
    if not isinstance(data, Mapping):
        raise ScenarioError(f"{source}: 场景应为含 steps 的对象")
    unknown = {k for k in data if not str(k).startswith("x-")} - {"program", "name", "description", "steps", "until",
                                                                  "expect"}
    if unknown:
        raise ScenarioError(f"{source}: 顶层: 未知字段 {', '.join(sorted(map(str, unknown)))}")
    steps = []
    for i, raw in enumerate(data.get("steps") or []):
        where = f"steps[{i}]"
        if not isinstance(raw, Mapping):
            raise ScenarioError(f"{source}: {where}: 应为对象")
        bad = set(raw) - {"on", "action", "by", "zones", "except", "data", "data_year", "due", "note"}
        if bad:
            raise ScenarioError(f"{source}: {where}: 未知字段 {', '.join(sorted(map(str, bad)))}")
        try:
            on = parse_date(raw.get("on"), "on")
            due = parse_date(raw["due"], "due") if raw.get("due") else None
        except DomainError as e:
            raise ScenarioError(f"{source}: {where}: {e.message}") from None
        action = str(raw.get("action", ""))
        if action == "open_round":
            if not isinstance(raw.get("data_year"), int):
                raise ScenarioError(f"{source}: {where}: open_round 须写明 data_year")
            steps.append(Step(i, on, action, "province_department", [], {}, raw["data_year"], due))
            continue
        if action not in ZONE_ACTIONS:
            raise ScenarioError(f"{source}: {where}: 未知的操作“{action}”（可选：open_round、{'、'.join(ZONE_ACTIONS)}）")
        role = str(raw.get("by") or "")
        if role not in ("zone_office", "local_government", "prefecture_bureau", "province_department"):
            raise ScenarioError(f"{source}: {where}.by: 应为 zone_office、local_government、prefecture_bureau 或 "
                                f"province_department")
        step_data = raw.get("data") or {}
        if step_data != "sample" and not isinstance(step_data, Mapping):
            raise ScenarioError(f"{source}: {where}.data: 应为 sample 或对象")
        if not isinstance(raw.get("data_year"), int):
            raise ScenarioError(f"{source}: {where}: 须写明 data_year（哪一年度的考核）")
        steps.append(Step(i, on, action, role, _zones(raw, where, source), step_data, raw["data_year"]))
    if not steps:
        raise ScenarioError(f"{source}: steps: 至少需要一个步骤")
    steps.sort(key=lambda s: (s.on, s.index))
    last = steps[-1].on
    until = parse_date(data["until"], "until") if data.get("until") else last
    if until < last:
        raise ScenarioError(f"{source}: until: {until} 早于最后一个步骤的日期 {last}")
    expect = data.get("expect") or {}
    if not isinstance(expect, Mapping):
        raise ScenarioError(f"{source}: expect: 应为对象")
    return Scenario(source, steps, until, dict(expect), str(data.get("name") or ""))


def shift_scenario(s: Scenario, years: int) -> Scenario:
    steps = [Step(x.index, add_years(x.on, years), x.action, x.role, x.zones, x.data,
                  x.data_year + years if x.data_year else None, add_years(x.due, years) if x.due else None)
             for x in s.steps]
    expect = dict(s.expect)
    if "data_year" in expect:
        expect["data_year"] = int(expect["data_year"]) + years
    return Scenario(s.source, steps, add_years(s.until, years), expect, s.name)


def runnable(s: Scenario, today: date) -> Scenario:
    """The scenario moved on by whole years if its first date has passed (the server starts today)."""
    years = 0
    while add_years(s.steps[0].on, years) < today:
        years += 1
    return shift_scenario(s, years) if years else s


@dataclass
class Rejection:
    on: date
    zone: str | None
    action: str
    code: str
    reason: str


class Runner:
    """A scenario on a running ``Simulation`` (program 1's harness: env, engine, worker)."""

    def __init__(self, sim: Any) -> None:
        self.sim = sim
        self.service = GuangdongService(sim.env.client, sim.engine, task_queue=sim.task_queue,
                                        now=sim.env.get_current_time)
        self.rejections: list[Rejection] = []

    async def run(self, scenario: Scenario) -> list[dict[str, Any]]:
        self.service.ensure_zones()
        for step in scenario.steps:
            await self.sim.advance_to(step.on)
            await self.do(step)
        await self.sim.advance_to(scenario.until, hour=23)
        await self.sim.settle()
        return self.timeline()

    async def do(self, step: Step) -> None:
        if step.action == "open_round":
            try:
                await self.service.open_round(actor_for("province_department", None), step.data_year, step.due)
                await self.sim._until(lambda: len(repo.filings(self.sim.engine, step.data_year)) >= len(ZONES)
                                      and all(r.last_seq for r in repo.filings(self.sim.engine, step.data_year)),
                                      f"round {step.data_year}: filings not opened")
            except DomainError as e:
                self.rejections.append(Rejection(step.on, None, step.action, e.code, e.message))
            await self.sim.settle()
            return
        gate = asyncio.Semaphore(6)

        async def one(key: str) -> None:
            async with gate:
                await self.act(step, BY_KEY[key])

        await asyncio.gather(*(one(k) for k in step.zones))
        await self.sim.settle()

    async def act(self, step: Step, zone: Zone) -> None:
        user = actor_for(step.role, zone)
        year = step.data_year
        try:
            if step.action in ("save_draft", "submit"):
                if step.data == "sample":
                    parts = (sample_form(zone, year), sample_summary(zone, year), sample_contact(zone))
                else:
                    parts = (step.data.get("form"), step.data.get("summary"), step.data.get("contact"))
                if step.action == "save_draft":
                    self.service.save_draft(user, year, zone.key, *parts)
                else:
                    await self.service.submit(user, year, zone.key, *parts)
            else:
                await self.service.act(user, year, zone.key, step.action, dict(step.data))
        except DomainError as e:
            self.rejections.append(Rejection(step.on, zone.key, step.action, e.code, e.message))

    def timeline(self) -> list[dict[str, Any]]:
        from sqlmodel import col, select

        from store.db import session
        from store.models import JournalRow

        with session(self.sim.engine) as s:
            rows = s.exec(select(JournalRow).where(col(JournalRow.cluster_key).startswith("guangdong."))
                          .order_by(JournalRow.on, JournalRow.id)).all()
        items = [journal_item(r) for r in rows]
        items += [{"on": r.on.isoformat(), "entity": r.zone or "round", "event": "rejected", "action": r.action,
                   "code": r.code, "reason": r.reason} for r in self.rejections]
        items.sort(key=lambda i: i["on"])
        for r in repo.rounds(self.sim.engine):
            filings = repo.filings(self.sim.engine, r.data_year)
            items.append({"on": None, "entity": f"round-{r.data_year}",
                          "event": "final", "data_year": r.data_year, "zones": len(filings),
                          "received": sum(1 for f in filings if f.step == "received"),
                          "late": sorted(f.zone_key for f in filings if f.late),
                          "returned": sorted(f.zone_key for f in filings if f.returns),
                          "overdue": sorted(f.zone_key for f in filings if f.overdue_since),
                          "closed": r.closed_on is not None})
        return items


def journal_item(row: Any) -> dict[str, Any]:
    entity = row.cluster_key.split(".", 1)[1]
    item = {"on": row.on.isoformat(), "entity": entity, "event": row.kind,
            "by": {"role": row.actor_role, "name": row.actor_name}}
    d = row.data or {}
    for k in ("from", "to", "due", "reason", "late", "holder", "days_left", "received"):
        if k in d:
            item[k] = d[k]
    return item


def describe(item: dict[str, Any]) -> str:
    e = item["event"]
    if e == "final":
        return (f"{item['data_year']} 年度：{item['zones']} 个示范区，省级已接收 {item['received']} 个；逾期 "
                f"{'、'.join(item['overdue']) or '无'}；退回修改 {'、'.join(item['returned']) or '无'}")
    if e == "rejected":
        return f"{labels.action_label(item['action'])}：[{item['code']}] {item['reason']}"
    if e in ("reminder", "overdue"):
        return f"截止 {item['due']}，{labels.role_label(item.get('holder', ''))}办理中"
    if "to" in item:
        extra = f"（理由：{item['reason']}）" if item.get("reason") else ""
        late = "（逾期报送）" if item.get("late") else ""
        return f"{labels.step_label(item['from'])} → {labels.step_label(item['to'])} — {item['by']['name']}{extra}{late}"
    if e == "round_opened" or e == "opened":
        return f"截止 {item.get('due')}"
    return ""


EVENT_LABELS = {**labels.EVENT_LABELS, "final": "结果", "rejected": "被拒绝"}


def render_table(items: list[dict[str, Any]]) -> str:
    from service.cnlic.simulate import _pad  # display width: CJK characters take two columns

    lines = [_pad("日期", 12) + _pad("对象", 46) + _pad("事件", 14) + "说明", "-" * 100]
    for i in items:
        lines.append(_pad(i["on"] or "", 12) + _pad(i["entity"], 46) + _pad(EVENT_LABELS.get(i["event"], i["event"]), 14)
                     + describe(i))
    return "\n".join(lines)


def check_expectations(scenario: Scenario, items: list[dict[str, Any]]) -> list[str]:
    finals = [i for i in items if i["event"] == "final"]
    want = scenario.expect
    year = want.get("data_year")
    final = next((f for f in finals if f["data_year"] == year), None)
    if final is None:
        return [f"没有 {year} 年度考核的结果"]
    problems = []
    for k in ("zones", "received", "late", "returned", "overdue", "closed"):
        if k in want:
            got = final[k]
            value = sorted(want[k]) if isinstance(want[k], list) else want[k]
            if got != value:
                problems.append(f"{k}: 预期 {value}，实际 {got}")
    if "rejections" in want:
        got = sorted({i["code"] for i in items if i["event"] == "rejected"})
        if got != sorted(want["rejections"]):
            problems.append(f"rejections: 预期 {sorted(want['rejections'])}，实际 {got}")
    return problems


async def simulate(scenario: Scenario) -> list[dict[str, Any]]:
    from service.cnlic.simulate import Simulation

    async with Simulation() as sim:
        return await Runner(sim).run(scenario)


def simulate_command(path: Any, shift_years: int, as_json: bool, check: bool) -> int:
    import typer

    try:
        scenario = load_scenario(path)
        if shift_years:
            scenario = shift_scenario(scenario, shift_years)
        today = datetime.now(SHANGHAI).date()
        if scenario.steps[0].on < today:
            raise ScenarioError(f"{path}: steps[0].on: {scenario.steps[0].on} 早于今天 {today}（时间跳跃服务器不能回到过去；"
                                f"可用 --shift-years 平移场景）")
        items = asyncio.run(simulate(scenario))
    except ScenarioError as e:
        typer.echo(f"错误：{e}", err=True)
        return 2
    typer.echo("\n".join(json.dumps(i, ensure_ascii=False) for i in items) if as_json else render_table(items))
    if check:
        problems = check_expectations(scenario, items)
        for p in problems:
            typer.echo(f"不符合预期：{p}", err=True)
        return 1 if problems else 0
    return 0
