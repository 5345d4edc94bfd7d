"""Program 4's scenarios (``designation simulate FILE`` with ``program: brand``; ``examples/brand/``):
the real workflows and activities on the time-skipping server (the platform's ``Simulation``),
dated steps applied in order while the clocks fire in between, then the timeline and the final
state of each pilot, checked against the scenario's ``expect``.

A scenario file::

    program: brand
    pilots:
      - key: demo-a
        on: 2027-08-20                 # filed that day
        by: {role: implementing_body, name: 瓷都管委会}
        sample: {name: 瓷都集聚区, province: 江西省, city: 景德镇市, plan_years: 2,
                 industries: [{name: 陶瓷, output_share: 60}], value_added_rate: 20}
        # or application: {…the whole 申报书…}
    steps:
      - {on: 2027-08-25, pilot: demo-a, action: seal_application, by: {role: local_government, name: 景德镇市人民政府},
         data: {sealed_on: 2027-08-25}}
      - {on: 2027-10-12, action: hold_batch, by: {role: miit_reviewer, name: 科技司}, data: {batch_id: 2027-10, decisions: {demo-a: approve}}}
      - {on: …, pilot: demo-a, action: submit_summary, by: …, data: {sample: summary, year_no: 1}}
      - {on: …, pilot: demo-a, action: apply_evaluation, by: …, data: {sample: evaluation, indicators: {陶瓷: [22.5, 35, 18, 23, 40]}}}
    until: 2032-12-31
    expect: {demo-a: {stage: lapsed}}

``sample:`` data expands to the complete 【演示】 forms of ``service.brand.samples``.
"""

from __future__ import annotations

import asyncio
import json
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Mapping

from domain import yamlfmt
from domain.brand.labels import describe_event, event_label, role_label, stage_label
from domain.calendar import SHANGHAI, add_years, parse_date
from domain.errors import DomainError
from domain.limits import LIMITS
from domain.roles import User
from service.brand import samples
from service.brand.forms import ACTION_SCHEMAS
from service.brand.pilots import BrandService
from service.programs import ScenarioError
from store.brand import repo


@dataclass
class Step:
    index: int
    on: date
    action: str
    by: dict[str, str]
    data: dict[str, Any]
    pilot: str | None = None


@dataclass
class Scenario:
    source: str
    pilots: list[dict[str, Any]]
    steps: list[Step]
    until: date
    expect: dict[str, dict[str, Any]] = field(default_factory=dict)


def _plain(v: Any) -> Any:
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def load(path: str | Path) -> Scenario:
    path = Path(path)
    try:
        raw = path.read_bytes()[: LIMITS.file_bytes + 1]
        data = yamlfmt.load(raw, str(path), aliases=True)
    except OSError as e:
        raise ScenarioError(f"{path}: 无法读取（{e.__class__.__name__}）") from None
    except yamlfmt.FileInvalid as e:
        raise ScenarioError(e.message) from None
    return parse(data, str(path))


def parse(data: Any, source: str) -> Scenario:
    def fail(where: str, msg: str) -> ScenarioError:
        return ScenarioError(f"{source}: {where}: {msg}")

    if not isinstance(data, Mapping) or data.get("program") != "brand":
        raise ScenarioError(f"{source}: 场景应为 program: brand 的对象")
    unknown = {k for k in data if not str(k).startswith("x-")} - {"program", "name", "description", "pilots", "steps", "until", "expect"}
    if unknown:
        raise fail("顶层", f"未知字段 {', '.join(sorted(map(str, unknown)))}")
    pilots = []
    for i, p in enumerate(data.get("pilots") or []):
        if not isinstance(p, Mapping) or not p.get("key") or not p.get("on") or not p.get("by"):
            raise fail(f"pilots[{i}]", "应含 key、on、by 和 sample 或 application")
        try:
            parse_date(p["on"], "on")
        except DomainError as e:
            raise fail(f"pilots[{i}]", e.message) from None
        pilots.append(_plain(dict(p)))
    if not pilots:
        raise fail("pilots", "至少需要一个试点")
    keys = {p["key"] for p in pilots}
    steps = []
    for i, s in enumerate(data.get("steps") or []):
        where = f"steps[{i}]"
        if not isinstance(s, Mapping):
            raise fail(where, "应为对象")
        action = str(s.get("action", ""))
        if action not in ACTION_SCHEMAS and action != "hold_batch":
            raise fail(where, f"未知的操作“{action}”")
        if action != "hold_batch" and s.get("pilot") not in keys:
            raise fail(where, f"试点“{s.get('pilot')}”未在 pilots 中声明")
        try:
            on = parse_date(s.get("on"), "on")
        except DomainError as e:
            raise fail(where, e.message) from None
        by = s.get("by")
        if not isinstance(by, Mapping) or not by.get("role") or not by.get("name"):
            raise fail(where, "须写明操作人：by: {role, name}")
        steps.append(Step(i, on, action, _plain(dict(by)), _plain(dict(s.get("data") or {})), s.get("pilot")))
    steps.sort(key=lambda x: (x.on, x.index))
    last = max([s.on for s in steps] + [parse_date(p["on"]) for p in pilots])
    until = parse_date(data["until"], "until") if data.get("until") else last
    if until < last:
        raise fail("until", f"{until} 早于最后一个步骤的日期 {last}")
    return Scenario(source, pilots, steps, until, {str(k): _plain(dict(v)) for k, v in (data.get("expect") or {}).items()})


def shift(s: Scenario, years: int) -> Scenario:
    def move(v: Any) -> Any:
        if isinstance(v, str) and len(v) == 10 and v[4] == "-" and v[7] == "-":
            try:
                return add_years(date.fromisoformat(v), years).isoformat()
            except ValueError:
                return v
        if isinstance(v, str) and len(v) == 7 and v[4] == "-" and v[:4].isdigit():  # a batch id
            return f"{int(v[:4]) + years}{v[4:]}"
        if isinstance(v, Mapping):
            return {k: move(x) for k, x in v.items()}
        if isinstance(v, list):
            return [move(x) for x in v]
        return v

    return Scenario(s.source, [move(p) for p in s.pilots],
                    [Step(x.index, add_years(x.on, years), x.action, x.by, move(x.data), x.pilot) for x in s.steps],
                    add_years(s.until, years), {k: move(v) for k, v in s.expect.items()})


def years_to_run(s: Scenario, today: date) -> int:
    """Whole years to move a fixed example on so its first date is not past (the time-skipping
    server starts today and only moves forward)."""
    first = min([x.on for x in s.steps] + [parse_date(p["on"]) for p in s.pilots])
    years = 0
    while add_years(first, years) < today:
        years += 1
    return years


# ---------------------------------------------------------------- running


def expand(data: Mapping[str, Any], on: date) -> dict[str, Any]:
    """``sample:`` data → the complete 【演示】 form."""
    kind = data.get("sample")
    if kind is None:
        return dict(data)
    if kind == "summary":
        return samples.summary(int(data["year_no"]), on)
    if kind == "supervision":
        return samples.supervision(int(data["year_no"]), on)
    if kind in ("evaluation", "rereview"):
        ind = {name: samples.indicators(*values) for name, values in (data.get("indicators") or {}).items()}
        return samples.evaluation(ind, rereview_plan=kind == "rereview")
    raise DomainError("invalid_data", f"未知的样例数据“{kind}”")


def application_of(p: Mapping[str, Any], on: date) -> dict[str, Any]:
    if p.get("application"):
        return dict(p["application"])
    s = dict(p.get("sample") or {})
    industries = [samples.industry(i["name"], i.get("output_share", 60.0),
                                   **{k: v for k, v in i.items() if k not in ("name", "output_share")})
                  for i in s.pop("industries", [{"name": "陶瓷"}])]
    return samples.application(s.pop("name"), s.pop("province"), s.pop("city"), industries, year=on.year - 1, **s)


class Runner:
    def __init__(self, sim: Any, scenario: Scenario) -> None:
        self.sim = sim
        self.s = scenario
        self.svc = BrandService(sim.env.client, sim.engine, task_queue=sim.task_queue, now=sim.env.get_current_time)
        self.keys = tuple(p["key"] for p in scenario.pilots)
        self.rejections: list[dict[str, Any]] = []

    def user(self, by: Mapping[str, str]) -> User:
        """The acting person, with a scope covering the scenario's pilots."""
        provinces = tuple({(p.get("sample") or {}).get("province") or p["application"]["region"]["province"]
                           for p in self.s.pilots})
        return User(by["role"], by["role"], by["name"], clusters=self.keys, provinces=provinces)

    async def run(self) -> list[dict[str, Any]]:
        agenda: list[tuple[date, int, Any]] = [(parse_date(p["on"]), -len(self.s.pilots) + i, p)
                                               for i, p in enumerate(self.s.pilots)]
        agenda += [(x.on, x.index, x) for x in self.s.steps]
        agenda.sort(key=lambda t: (t[0], t[1]))
        for when, _, item in agenda:
            await self.sim.advance_to(when)
            try:
                if isinstance(item, Step):
                    await self.step(item)
                else:
                    await self.svc.file(self.user(item["by"]), {"key": item["key"], "application": application_of(item, when)})
                    await self.sim._until(lambda k=item["key"]: (r := repo.pilot(self.sim.engine, k)) is not None
                                          and r.last_seq > 0, f"filing of {item['key']} not recorded")
                await self.sim.settle()
            except DomainError as e:
                self.rejections.append({"on": when.isoformat(), "pilot": getattr(item, "pilot", None) or
                                        (item.get("key") if isinstance(item, dict) else None), "event": "rejected",
                                        "action": getattr(item, "action", "file_application"), "code": e.code,
                                        "reason": e.message})
        await self.sim.advance_to(self.s.until, hour=23)
        return self.timeline()

    async def step(self, x: Step) -> None:
        user = self.user(x.by)
        if x.action == "hold_batch":
            before = {k: (r.stage, r.batch_id) for k in x.data.get("decisions") or {}
                      if (r := repo.pilot(self.sim.engine, k)) is not None}
            await self.svc.hold_batch(user, x.data)
            await self.sim._until(lambda: all((r := repo.pilot(self.sim.engine, k)) is not None
                                              and (r.stage, r.batch_id) != b for k, b in before.items()),
                                  f"batch {x.data.get('batch_id')}: decisions not recorded")
            return
        await self.svc.act(user, str(x.pilot), x.action, expand(x.data, x.on))

    def timeline(self) -> list[dict[str, Any]]:
        items = []
        for r in repo.journal_all(self.sim.engine):
            if r.kind in ("deadline",):
                continue  # planned clocks: shown by their reminders, overdue flags and results
            items.append({"on": r.on.isoformat(), "pilot": r.cluster_key.split(".", 1)[1], "event": r.kind,
                          "text": describe_event(r.kind, r.data), "by": f"{role_label(r.actor_role)}·{r.actor_name}"})
        items += self.rejections
        items.sort(key=lambda i: i["on"])
        for key in self.keys:
            row = repo.pilot(self.sim.engine, key)
            if row is not None:
                items.append({"on": self.s.until.isoformat(), "pilot": key, "event": "final", "stage": row.stage,
                              "titles": [t["title"] for t in row.titles], "valid_until":
                                  row.valid_until.isoformat() if row.valid_until else None,
                              "text": f"{stage_label(row.stage)}；称号：{'、'.join(t['title'] for t in row.titles) or '—'}"})
        return items


def check(s: Scenario, items: list[dict[str, Any]]) -> list[str]:
    finals = {i["pilot"]: i for i in items if i["event"] == "final"}
    problems = []
    for key, want in s.expect.items():
        got = finals.get(key)
        if got is None:
            problems.append(f"{key}: 没有最终状态")
            continue
        for name, value in want.items():
            if got.get(name) != value:
                problems.append(f"{key}.{name}: 预期 {value}，实际 {got.get(name)}")
    return problems


def _pad(text: str, width: int) -> str:
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - shown, 1)


def render(items: list[dict[str, Any]]) -> str:
    lines = [_pad("日期", 12) + _pad("试点", 22) + _pad("事件", 10) + "说明", "-" * 90]
    for i in items:
        label = "被拒绝" if i["event"] == "rejected" else ("最终" if i["event"] == "final" else event_label(i["event"]))
        text = f"[{i['code']}] {i['reason']}" if i["event"] == "rejected" else i.get("text", "")
        lines.append(_pad(i["on"], 12) + _pad(str(i.get("pilot") or "（全部）"), 22) + _pad(label, 10) + text)
    return "\n".join(lines)


async def simulate(path: str | Path, shift_years: int = 0, scenario: Scenario | None = None):
    from service.cnlic.simulate import Simulation

    s = scenario or load(path)
    if shift_years:
        s = shift(s, shift_years)
    today = datetime.now(SHANGHAI).date()
    if years_to_run(s, today):
        raise ScenarioError(f"{s.source}: 场景的第一个日期早于今天 {today}（时间跳跃服务器不能回到过去；可用 --shift-years 平移场景）")
    async with Simulation() as sim:
        return s, await Runner(sim, s).run()


def run_file(path: Any, shift_years: int, as_json: bool, check_expect: bool) -> int:
    """``designation simulate FILE`` for ``program: brand``: prints the timeline; exit code 2 on a
    malformed scenario, 1 when ``--check`` finds the final state off the scenario's ``expect``."""
    import sys

    try:
        s, items = asyncio.run(simulate(path, shift_years))
    except ScenarioError as e:
        print(str(e), file=sys.stderr, flush=True)
        return 2
    print("\n".join(json.dumps(i, ensure_ascii=False) for i in items) if as_json else render(items), flush=True)
    if check_expect:
        problems = check(s, items)
        for p in problems:
            print(f"不符合预期：{p}", file=sys.stderr, flush=True)
        return 1 if problems else 0
    return 0


async def record(path: Path, out: Path) -> list[Path]:
    """Run an example (moved on by whole years if its first date has passed) and write every
    history of its workflows under ``out/brand-<stem>/`` (the replay test's corpus)."""
    from audit.record import write_histories
    from service.cnlic.simulate import Simulation
    from workflows.brand.contracts import BATCH_WORKFLOW_ID

    s = load(path)
    years = years_to_run(s, datetime.now(SHANGHAI).date())
    if years:
        s = shift(s, years)
    async with Simulation() as sim:
        await Runner(sim, s).run()
        ids = [r.workflow_id for r in repo.pilots(sim.engine)] + [BATCH_WORKFLOW_ID]
        return await write_histories(sim.env.client, ids, out / f"brand-{path.stem}")
