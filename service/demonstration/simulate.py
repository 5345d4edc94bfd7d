"""``designation simulate`` for a scenario whose top-level ``program:`` is ``demonstration``
(RULES.md program 2), and the harness program 2's workflow tests use: program 1's clusters
registered and walked with their own steps (``service.cnlic.simulate``), and selection rounds
opened and walked beside them, on the time-skipping server over a temp store.

A scenario holds ``clusters`` (program 1's, as in its scenarios) and ``steps``: a step with
``cluster:`` is a program-1 action (or ``record_violation``), a step with ``round:`` is a
round's step (``open`` and every step of ``round.STEPS``). ``by`` is the actor; an
association also names its ``industries``. ``expect`` may name each round's ``stage``,
``approved`` list and ``cap``, and the clusters ``honoured``.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Mapping

from domain import yamlfmt
from domain.calendar import SHANGHAI, add_years, parse_date
from domain.demonstration import labels
from domain.demonstration.round import STEPS
from domain.errors import DomainError
from domain.limits import LIMITS
from domain.roles import User
from service.cnlic.simulate import (
    Rejection,
    Scenario,
    ScenarioError,
    Simulation,
    _pad,
    _plain,
    check_not_past,
    describe as describe_cnlic,
    journal_item,
    parse_scenario,
    shift_scenario,
)
from service.demonstration.rounds import RoundService
from store.demonstration import rounds as repo
from store.cnlic import lifecycle as cnlic_repo

ROUND_ACTIONS = ("open", *STEPS)


@dataclass
class RoundStep:
    index: int
    on: date
    round: str
    action: str
    by: User
    data: dict[str, Any]


@dataclass
class ViolationStep:
    index: int
    on: date
    cluster: str
    by: User
    data: dict[str, Any]


@dataclass
class DemoScenario:
    source: str
    base: Scenario  # program 1's clusters and steps
    rounds: list[RoundStep]
    violations: list[ViolationStep]
    until: date
    expect: dict[str, Any] = field(default_factory=dict)


def _user(raw: Any, where: str, fail) -> User:
    if not isinstance(raw, Mapping) or not raw.get("role") or not raw.get("name"):
        raise fail(where, "by 应为 {role, name}（行业协会另写 industries）")
    industries = raw.get("industries") or []
    if not isinstance(industries, list):
        raise fail(where, "by.industries 应为行业的列表")
    return User(username=str(raw["name"]), role=str(raw["role"]), name=str(raw["name"]),
                industries=tuple(str(i) for i in industries))


def parse_demo(data: Any, source: str) -> DemoScenario:
    def fail(where: str, message: str) -> ScenarioError:
        return ScenarioError(f"{source}: {where}: {message}")

    if not isinstance(data, Mapping) or data.get("program") != "demonstration":
        raise ScenarioError(f"{source}: 场景应含 program: demonstration")
    unknown = {k for k in data if not str(k).startswith("x-")} - {"program", "name", "description", "clusters", "steps",
                                                                  "until", "expect"}
    if unknown:
        raise fail("顶层", f"未知字段 {', '.join(sorted(map(str, unknown)))}")
    cluster_steps, rounds, violations = [], [], []
    for i, raw in enumerate(data.get("steps") or []):
        where = f"steps[{i}]"
        if not isinstance(raw, Mapping):
            raise fail(where, "应为对象")
        if "round" in raw:
            unknown = set(raw) - {"on", "round", "action", "by", "data", "note"}
            if unknown:
                raise fail(where, f"未知字段 {', '.join(sorted(map(str, unknown)))}")
            action = str(raw.get("action") or "")
            if action not in ROUND_ACTIONS:
                raise fail(where, f"评选没有“{action}”这一步（可选：{', '.join(ROUND_ACTIONS)}）")
            try:
                on = parse_date(raw.get("on"), "on")
            except DomainError as e:
                raise fail(where, e.message) from None
            step_data = raw.get("data") or {}
            if not isinstance(step_data, Mapping):
                raise fail(where, "data 应为对象")
            rounds.append(RoundStep(i, on, str(raw["round"]), action, _user(raw.get("by"), where, fail),
                                    _plain(dict(step_data))))
        elif raw.get("action") == "record_violation":
            try:
                on = parse_date(raw.get("on"), "on")
            except DomainError as e:
                raise fail(where, e.message) from None
            violations.append(ViolationStep(i, on, str(raw.get("cluster") or ""), _user(raw.get("by"), where, fail),
                                            _plain(dict(raw.get("data") or {}))))
        else:
            cluster_steps.append(raw)
    base_data = {k: v for k, v in data.items() if k in ("clusters", "name", "description")}
    base_data["steps"] = cluster_steps
    base = parse_scenario(base_data, None, source)
    keys = {c.key for c in base.clusters}
    for v in violations:
        if v.cluster not in keys:
            raise fail(f"steps[{v.index}]", f"集群“{v.cluster}”未在 clusters 中声明")
    dated = [s.on for s in base.steps] + [r.on for r in rounds] + [v.on for v in violations]
    try:
        until = parse_date(data["until"], "until") if data.get("until") is not None else max(dated)
    except DomainError as e:
        raise fail("until", e.message) from None
    expect = data.get("expect") or {}
    if not isinstance(expect, Mapping):
        raise fail("expect", "应为 {rounds: {...}, honoured: [...]}")
    return DemoScenario(source, base, rounds, violations, until, _plain(dict(expect)))


def load_demo(path: str | Path) -> DemoScenario:
    path = Path(path)
    try:
        raw = path.read_bytes()[: LIMITS.file_bytes + 1]
    except OSError:
        raise ScenarioError(f"{path}: 文件不存在或无法读取") from None
    try:
        data = yamlfmt.load(raw, str(path), aliases=True)
    except yamlfmt.FileInvalid as e:
        raise ScenarioError(e.message) from None
    return parse_demo(data, str(path))


def shift_demo(s: DemoScenario, years: int) -> DemoScenario:
    """The same scenario ``years`` later; an annual report's year moves with its dates."""
    if not years:
        return s

    def move(value: Any) -> Any:
        if isinstance(value, str) and len(value) == 10:
            try:
                return add_years(date.fromisoformat(value), years).isoformat()
            except ValueError:
                return value
        if isinstance(value, Mapping):
            return {k: move(v) for k, v in value.items()}
        if isinstance(value, list):
            return [move(v) for v in value]
        return value

    base = shift_scenario(s.base, years)
    for st in base.steps:
        if st.action == "submit_annual_report" and isinstance(st.data.get("year"), int):
            st.data["year"] += years
    return DemoScenario(
        s.source, base,
        [RoundStep(r.index, add_years(r.on, years), r.round, r.action, r.by, move(r.data)) for r in s.rounds],
        [ViolationStep(v.index, add_years(v.on, years), v.cluster, v.by, move(v.data)) for v in s.violations],
        add_years(s.until, years), s.expect)


def years_to_run(s: DemoScenario, today: date) -> int:
    """Whole years to move a fixed example on so that no step is in the past."""
    dated = [st.on for st in s.base.steps] + [r.on for r in s.rounds] + [v.on for v in s.violations]
    years = 0
    while dated and add_years(min(dated), years) < today:
        years += 1
    return years


class RoundSimulation(Simulation):
    """Program 1's simulation with program 2's service beside it."""

    async def __aenter__(self) -> "RoundSimulation":
        await super().__aenter__()
        self.rounds = RoundService(self.env.client, self.engine, task_queue=self.task_queue,
                                   now=self.env.get_current_time)
        return self

    async def round_step(self, key: str, action: str, data: Mapping[str, Any], by: User) -> Any:
        """One round step now; a refusal is returned (and remembered), not raised."""
        try:
            if action == "open":
                result = await self.rounds.open({**data, "key": key}, by)
            else:
                result = await self.rounds.act(key, action, dict(data), by)
            await self.settle()
            if action == "commend":
                await self._until(lambda: _honours_recorded(self.engine, key), f"round {key}: honours not recorded")
            return result
        except DomainError as e:
            rejection = Rejection(await self.today(), f"round:{key}", action, e.code, e.message, datetime.now(SHANGHAI))
            self.rejections.append(rejection)
            return rejection

    async def violation(self, cluster: str, data: Mapping[str, Any], by: User) -> Any:
        try:
            result = await self.rounds.record_violation(cluster, dict(data), by)
            await self.settle()
            return result
        except DomainError as e:
            rejection = Rejection(await self.today(), cluster, "record_violation", e.code, e.message,
                                  datetime.now(SHANGHAI))
            self.rejections.append(rejection)
            return rejection

    async def run_demo(self, s: DemoScenario) -> list[dict[str, Any]]:
        agenda: list[tuple[date, int, Any]] = []
        today = await self.today()
        n = len(s.base.clusters)
        for i, c in enumerate(s.base.clusters):
            when = c.start_on if c.start.get("stage") != "designated" else today
            agenda.append((when, -n + i, c))
        agenda += [(st.on, st.index, st) for st in s.base.steps]
        agenda += [(r.on, r.index, r) for r in s.rounds]
        agenda += [(v.on, v.index, v) for v in s.violations]
        agenda.sort(key=lambda item: (item[0], item[1]))
        for when, _, item in agenda:
            await self.advance_to(when)
            if isinstance(item, RoundStep):
                await self.round_step(item.round, item.action, item.data, item.by)
            elif isinstance(item, ViolationStep):
                await self.violation(item.cluster, item.data, item.by)
            elif hasattr(item, "raw"):
                try:
                    await self.register(item.raw, item.start, item.by)
                except DomainError as e:
                    self.rejections.append(Rejection(await self.today(), item.key, "register", e.code, e.message,
                                                     datetime.now(SHANGHAI)))
            else:
                await self.act(item.cluster, item.action, item.data, item.by)
        await self.advance_to(s.until, hour=23)
        return self.demo_timeline(s.until)

    def demo_timeline(self, until: date) -> list[dict[str, Any]]:
        items: list[tuple[date, Any, int, dict[str, Any]]] = []
        for row in cnlic_repo.journal(self.engine):
            item = round_item(row) if row.cluster_key.startswith("demonstration.") else cluster_item(row)
            if item is not None:
                items.append((row.on, row.recorded_at, row.id or 0, item))
        for r in self.rejections:
            items.append((r.on, r.at, 0, {"on": r.on.isoformat(), "cluster": r.cluster, "event": "rejected",
                                          "action": r.action, "code": r.code, "reason": r.reason}))
        items.sort(key=lambda t: (t[0], _aware(t[1]), t[2]))
        out = [t[3] for t in items]
        for row in repo.rounds(self.engine):
            out.append({"on": until.isoformat(), "cluster": f"round:{row.key}", "event": "final", "stage": row.stage,
                        "cap": row.cap, "valid_titles": row.valid_titles,
                        "approved": list(row.snapshot.get("approved") or [])})
            for c in repo.candidates(self.engine, row.key):
                out.append({"on": until.isoformat(), "cluster": c.cluster_key, "event": "candidate", "round": row.key,
                            "eligible": c.eligible, "failed": list(c.failed), "reviewed": c.reviewed,
                            "votes": None if c.yes is None else [c.yes, c.no, c.abstain], "passed": c.passed,
                            "removed_by": c.removed_by, "approved": c.approved, "honoured": c.honoured})
        return out


def _honours_recorded(engine: Any, key: str) -> bool:
    row = repo.round_row(engine, key)
    return row is not None and row.stage == "commended" and any(
        r.kind == "honours" for r in cnlic_repo.journal(engine, f"demonstration.{key}"))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def cluster_item(row: Any) -> dict[str, Any] | None:
    if row.kind == "violation":
        return {"on": row.on.isoformat(), "cluster": row.cluster_key, "event": "violation", "date": row.data.get("date"),
                "reason": row.data.get("reason")}
    if row.kind == "honour":
        return {"on": row.on.isoformat(), "cluster": row.cluster_key, "event": "honour", "round": row.data.get("round")}
    if row.kind in ("deadline", "deadline_moved"):
        return None  # program 1's clocks are its own timeline's; here what rounds read
    return journal_item(row)


def round_item(row: Any) -> dict[str, Any] | None:
    d = row.data
    base = {"on": row.on.isoformat(), "cluster": f"round:{row.cluster_key.split('.', 1)[1]}", "event": row.kind,
            "by": {"role": row.actor_role, "name": row.actor_name}}
    keep = {
        "opened": ("valid_titles", "cap", "quotas", "recommendation_deadline", "conference_on"),
        "quotas": ("quotas", "cap"),
        "recommended": ("cluster_key", "association", "eligible"),
        "stage": ("from", "to"),
        "reviewed": ("cluster_key", "passed", "reason"),
        "first_review_list": ("clusters",),
        "vote": ("present", "needed", "results"),
        "notice": ("published_on", "ends_on", "clusters"),
        "objection": ("id", "cluster_key"),
        "objection_resolved": ("id", "cluster_key", "upheld", "reason"),
        "approved": ("clusters", "cap"),
        "commended": ("held_on", "document_number", "clusters"),
        "honours": ("honoured", "skipped"),
        "deadline": ("what", "due"),
        "deadline_cleared": ("what", "reason"),
        "reminder": ("what", "due"),
        "overdue": ("what", "due", "unresolved"),
        "notice_ended": ("what", "due"),
        "attachment": ("cluster", "name"),
    }.get(row.kind, ())
    if row.kind == "recommended":
        base["failed"] = [c["key"] for c in (d.get("eligibility") or {}).get("conditions", [])
                          if c.get("blocking") and c.get("status") == "not_met"]
    return {**base, **{k: d.get(k) for k in keep}}


# ---------------------------------------------------------------- rendering


def describe(item: dict[str, Any]) -> str:
    from domain.demonstration.eligibility import CONDITIONS

    e = item["event"]
    if not str(item.get("cluster", "")).startswith("round:") and e not in ("violation", "honour", "candidate"):
        return describe_cnlic(item)  # a program-1 cluster's own event
    cond = lambda keys: "、".join(CONDITIONS[k][0] for k in keys)  # noqa: E731
    if e == "opened":
        return (f"有效共建称号 {item['valid_titles']} 个，上限 {item['cap']} 个；推荐截止 {item['recommendation_deadline']}，"
                f"大会 {item['conference_on']}")
    if e == "quotas":
        return "、".join(f"{k} {v}" for k, v in (item.get("quotas") or {}).items()) or "—"
    if e == "recommended":
        state = "符合申报条件" if item["eligible"] else f"不符合：{cond(item.get('failed') or [])}"
        return f"{item['cluster_key']}（{item['association']}）— {state}"
    if e == "stage":
        return f"{labels.stage_label(item['from'])} → {labels.stage_label(item['to'])}"
    if e == "reviewed":
        return f"{item['cluster_key']}：{'通过' if item['passed'] else '不通过'}{('——' + item['reason']) if item.get('reason') else ''}"
    if e == "first_review_list":
        return "、".join(item["clusters"])
    if e == "vote":
        res = "；".join(f"{k} 赞成 {v['yes']}{'（通过）' if v['passed'] else '（未通过）'}" for k, v in item["results"].items())
        return f"到会 {item['present']} 人，需赞成 {item['needed']} 票：{res}"
    if e == "notice":
        return f"{item['published_on']} 至 {item['ends_on']}：{'、'.join(item['clusters'])}"
    if e == "objection":
        return f"{item['id']}：{item['cluster_key']}"
    if e == "objection_resolved":
        return f"{item['id']}（{item['cluster_key']}）{'成立，移出建议名单' if item['upheld'] else '不成立'}——{item['reason']}"
    if e in ("approved", "commended"):
        return "、".join(item["clusters"]) + (f"（{item['document_number']}）" if e == "commended" else f"（上限 {item['cap']}）")
    if e == "honours":
        return f"记入集群：{'、'.join(item['honoured']) or '无'}" + (f"；未记入：{item['skipped']}" if item["skipped"] else "")
    if e in ("deadline", "reminder", "notice_ended"):
        return f"{labels.clock_label(item['what'])} {item['due']}"
    if e == "overdue":
        more = f"，未处理异议 {'、'.join(item['unresolved'])}" if item.get("unresolved") else ""
        return f"{labels.clock_label(item['what'])} {item['due']} 已过{more}"
    if e == "deadline_cleared":
        return f"{labels.clock_label(item['what'])}（{labels.reason_label(item['reason'])}）"
    if e == "attachment":
        return f"{item['cluster']}：{item['name']}"
    if e == "violation":
        return f"{item['date']} {item['reason']}"
    if e == "honour":
        return f"创新升级示范（{item['round']}）"
    if e == "candidate":
        if item["eligible"]:
            state = "符合申报条件"
        else:
            state = "不符合：" + cond(item["failed"])
        votes = f"；赞成/反对/弃权 {'/'.join(map(str, item['votes']))}" if item.get("votes") else ""
        end = "；已批准并表彰" if item["honoured"] else ("；已批准" if item["approved"] else "")
        return f"{state}{votes}{end}"
    if e == "final" and str(item.get("cluster", "")).startswith("round:"):
        return f"{labels.stage_label(item['stage'])}；上限 {item['cap']}（有效称号 {item['valid_titles']}）；批准 {'、'.join(item['approved']) or '无'}"
    if e == "rejected":
        return f"{labels.action_label(item['action'])}：[{item['code']}] {item['reason']}"
    return describe_cnlic(item)


def render_table(items: list[dict[str, Any]]) -> str:
    from domain.cnlic.labels import EVENT_LABELS as CNLIC

    lines = [_pad("日期", 12) + _pad("对象", 18) + _pad("事件", 14) + "说明", "-" * 90]
    for item in items:
        label = labels.EVENT_LABELS.get(item["event"]) if str(item.get("cluster", "")).startswith("round:") else None
        label = label or {"candidate": "候选集群", "violation": "违规违法事件", "honour": "荣誉"}.get(item["event"]) \
            or CNLIC.get(item["event"], item["event"])
        lines.append(_pad(item["on"], 12) + _pad(str(item.get("cluster") or "（全体）"), 18) + _pad(label, 14)
                     + describe(item))
    return "\n".join(lines)


def check_expectations(s: DemoScenario, items: list[dict[str, Any]]) -> list[str]:
    problems = []
    finals = {i["cluster"][6:]: i for i in items if i["event"] == "final" and str(i["cluster"]).startswith("round:")}
    for key, want in (s.expect.get("rounds") or {}).items():
        got = finals.get(key)
        if got is None:
            problems.append(f"round {key}: 没有最终状态")
            continue
        for name, value in want.items():
            if got.get(name) != value:
                problems.append(f"round {key}.{name}: 预期 {value}，实际 {got.get(name)}")
    if "honoured" in s.expect:
        got = sorted({i["cluster"] for i in items if i["event"] == "honour"})
        if got != sorted(s.expect["honoured"]):
            problems.append(f"honoured: 预期 {sorted(s.expect['honoured'])}，实际 {got}")
    return problems


async def simulate_demo(path: str | Path, shift_years: int = 0) -> tuple[DemoScenario, list[dict[str, Any]]]:
    s = load_demo(path)
    s = shift_demo(s, shift_years)
    today = datetime.now(SHANGHAI).date()
    check_not_past(s.base, today)
    for r in s.rounds:
        if r.on < today:
            raise ScenarioError(f"{s.source}: steps[{r.index}].on: {r.on} 早于今天 {today}（可用 --shift-years 平移场景）")
    async with RoundSimulation() as sim:
        items = await sim.run_demo(s)
    return s, items


def run_file(path: Any, shift_years: int, as_json: bool, check: bool) -> int:
    """The CLI's entry (``ProgramHooks.simulate``): prints the timeline, returns the exit code."""
    import typer

    from cli.main import CliError

    try:
        s, items = asyncio.run(simulate_demo(path, shift_years))
    except ScenarioError as e:
        raise CliError(str(e)) from None
    typer.echo("\n".join(json.dumps(i, ensure_ascii=False) for i in items) if as_json else render_table(items))
    if check:
        problems = check_expectations(s, items)
        for p in problems:
            typer.echo(f"不符合预期：{p}", err=True)
        return 1 if problems else 0
    return 0
