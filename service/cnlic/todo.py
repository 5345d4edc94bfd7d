"""我的待办 / 我的已办 (issue 10 item 5): every action a user may take now across the clusters in
their scope, with the clock it answers (soonest first, actions without a clock after), and
what they did. Read from the read model and the journal — a few queries however many
clusters — never by asking every workflow; the one fact neither holds (the bodies named by an
application registered directly as ``applied``) is asked of that cluster's workflow once per
event sequence and remembered.

What each role may do comes from the lifecycle's table (``domain.cnlic.todo``), narrowed to the
person by ``domain.cnlic.access.actions_for`` (an opinion only from a body still owed one, the site
report only from the panel's lead).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from domain.cnlic import access, labels
from domain.cnlic.access import ClusterFacts, User
from domain.errors import DomainError
from domain.cnlic.model import Role, Stage
from domain.cnlic.policy import get_policy
from domain.cnlic.todo import ANSWERS, StageFacts, overdue_revocation_on, stages_with_work, todo_actions
from store.cnlic import todo as store

if TYPE_CHECKING:
    from service.cnlic.console import ConsoleService

MAX_ITEMS = 1000  # a page of the to-do list at most; the count covers them all
_OWED: "OrderedDict[tuple[str, int], tuple[str, ...]]" = OrderedDict()  # (key, last_seq) -> bodies owed
_OWED_SIZE = 20000
_ITEMS: "OrderedDict[tuple, tuple[tuple, list[TodoItem]]]" = OrderedDict()  # user -> (stamp, items)
_ITEMS_SIZE = 500  # users remembered


@dataclass(frozen=True)
class TodoItem:
    cluster_key: str
    cluster_name: str
    title: str
    stage: str
    action: str
    clock: str | None  # DeadlineKind value, overdue_revocation or visit_on; None: no clock
    due: date | None
    days_left: int | None
    working_days_left: int | None
    overdue: bool
    provisional: bool

    @property
    def label(self) -> str:
        return labels.action_label(self.action)

    @property
    def clock_label(self) -> str:
        return labels.deadline_label(self.clock) if self.clock else ""

    @property
    def url(self) -> str:
        return "/meetings" if self.action == "hold_meeting" else f"/clusters/{self.cluster_key}#actions"


@dataclass(frozen=True)
class TodoList:
    today: date
    total: int
    overdue: int
    items: list[TodoItem]


@dataclass(frozen=True)
class DoneItem:
    on: date
    cluster_key: str
    cluster_name: str
    title: str
    kind: str
    code: str  # the action, the meeting's decision, or the start
    label: str


@dataclass(frozen=True)
class DoneList:
    total: int
    page: int
    per_page: int
    items: list[DoneItem]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))



async def _owed_bodies(console: "ConsoleService", found: list[store.Candidate]) -> dict[str, tuple[str, ...]]:
    """Bodies still owed an opinion where the journal holds no application (the workflow's
    view, once per cluster and event sequence)."""
    out: dict[str, tuple[str, ...]] = {}
    missing = []
    for c in found:
        key = (c.key, c.last_seq)
        if key in _OWED:
            out[c.key] = _OWED[key]
        else:
            missing.append(c)
    if missing:
        gate = asyncio.Semaphore(16)

        async def look(c: store.Candidate) -> None:
            async with gate:
                view = await console.lifecycle.view(c.key)
            out[c.key] = tuple(view.outstanding_opinions)
            _OWED[(c.key, c.last_seq)] = out[c.key]

        await asyncio.gather(*(look(c) for c in missing))
        while len(_OWED) > _OWED_SIZE:
            _OWED.popitem(last=False)
    return out


async def todo(console: "ConsoleService", user: User, limit: int = 200, offset: int = 0) -> TodoList:
    """The user's to-do: every action they may take now, soonest clock first."""
    today = await console.today()
    raw = await _items(console, user, today)
    offset, limit = max(0, offset), min(max(1, limit), MAX_ITEMS)
    calendar = console.calendar()
    counted: dict[date, int] = {}

    def working_days(due: date) -> int:
        if due not in counted:
            counted[due] = calendar.working_days_between(today, due)
        return counted[due]

    items = [replace(i, days_left=(i.due - today).days, working_days_left=working_days(i.due), overdue=i.due < today)
             if i.due is not None else i for i in raw[offset: offset + limit]]
    overdue = sum(1 for i in raw if i.due is not None and i.due < today)
    return TodoList(today, len(raw), overdue, items)


async def count(console: "ConsoleService", user: User) -> int:
    """How many items the user's to-do holds (the navigation bar)."""
    if user.role == Role.AUDITOR:
        return 0
    return len(await _items(console, user, await console.today()))


async def _items(console: "ConsoleService", user: User, today: date) -> list[TodoItem]:
    """The user's items, soonest clock first, without the counts that depend on today's
    calendar; remembered until the read model changes (one cheap query tells), so the
    navigation bar costs a few milliseconds on every page."""
    if user.role == Role.AUDITOR:  # reads everything, acts on nothing
        return []
    who = (user.role, user.name, user.industries, user.provinces, user.clusters)
    stamp = (today, store.stamp(console.engine))
    hit = _ITEMS.get(who)
    if hit is not None and hit[0] == stamp:
        _ITEMS.move_to_end(who)
        return hit[1]
    items = await _compute(console, user, today)
    _ITEMS[who] = (stamp, items)
    while len(_ITEMS) > _ITEMS_SIZE:
        _ITEMS.popitem(last=False)
    return items


async def _compute(console: "ConsoleService", user: User, today: date) -> list[TodoItem]:
    role = user.role
    scope = access.scope_of(user)
    found = store.candidates(console.engine, scope, stages_with_work(role), panels_everywhere=role == Role.EXPERT)
    needs_view = [c for c in found if c.stage == Stage.APPLIED and c.trail.owed() is None
                  and role in (Role.ASSOCIATION, Role.PROVINCIAL, Role.SECRETARIAT)]
    owed_by_view = await _owed_bodies(console, needs_view) if needs_view else {}
    items: list[TodoItem] = []
    for c in found:
        owed = owed_by_view.get(c.key, c.trail.owed() or ())
        facts = StageFacts(stage=c.stage, procedure=c.procedure, title_status=c.title_status,
                           opinions_outstanding=bool(owed) if c.stage == Stage.APPLIED else False,
                           supplement_pending=c.trail.supplement_pending if c.stage == Stage.FORMAL_REVIEW else False,
                           annual_report_open=any(what == "annual_report" for _, what, _, _ in c.deadlines))
        allowed = todo_actions(role, facts)
        if not allowed:
            continue
        scope_facts = ClusterFacts(key=c.key, industry=c.industry, province=c.province,
                                   panel=tuple(n for n, _, _ in c.panel),
                                   panel_leads=tuple(n for n, lead, _ in c.panel if lead))
        actions = access.actions_for(user, scope_facts, {role: allowed}, owed)
        if "hold_meeting" in allowed:  # decided for the whole queue, owed per waiting cluster
            actions.append("hold_meeting")
        for action in actions:
            clock, due, provisional = _clock(c, action, today)
            items.append(TodoItem(c.key, c.name, c.title, c.stage, action, clock, due, None, None, False, provisional))
    far = date.max
    items.sort(key=lambda i: (i.due is None, i.due or far, i.cluster_key, i.action))
    return items


def _clock(c: store.Candidate, action: str, today: date) -> tuple[str | None, date | None, bool]:
    for what in ANSWERS.get(action, ()):
        if what == "overdue_revocation":
            if c.stage == Stage.EXPIRED and c.expired_on is not None:
                return what, overdue_revocation_on(get_policy(c.policy_version), c.expired_on, today), False
            continue
        if what == "visit_on":
            visits = [v for _, _, v in c.panel]
            if visits:
                return what, max(visits), False
            continue
        dues = sorted((due, provisional) for _, w, due, provisional in c.deadlines if w == what)
        if dues:
            return what, dues[0][0], dues[0][1]
    return None, None, False


def done(console: "ConsoleService", user: User, page: int = 1, per_page: int = 50) -> DoneList:
    """What the user did (journal rows signed with the user's role and name), newest first."""
    page, per_page = max(1, page), min(max(1, per_page), 200)
    total, rows = store.done(console.engine, user.role, user.name, page, per_page)
    if page > 1 and not rows:
        pages = max(1, -(-total // per_page))
        raise DomainError("page_out_of_range", f"第 {page} 页不存在：已办共 {total} 项，{pages} 页（每页 {per_page} 项）")
    names = store.titles(console.engine, (r.cluster_key for r in rows))
    items = []
    for r in rows:
        d = r.data or {}
        if r.kind == "action":
            code, label = str(d.get("action") or ""), labels.action_label(d.get("action"))
        elif r.kind == "attachment":  # issue 10 item 4: an upload is the person's own doing
            from domain.attachments import purpose_label

            code = str(d.get("purpose") or "")
            label = f"上传附件（{purpose_label(code)}）：{d.get('name', '')}"
        elif r.kind == "decision":
            code = str(d.get("decision") or "")
            label = f"记录会长办公会决定：{labels.decision_label(code)}"
        else:
            code = str((d.get("start") or {}).get("stage") or "")
            label = f"登记：{labels.start_label(code)}"
        name, title = names.get(r.cluster_key, ("", ""))
        items.append(DoneItem(r.on, r.cluster_key, name, title, r.kind, code, label))
    return DoneList(total, page, per_page, items)
