"""The round's clocks (RULES.md program 2 "Steps"; "Shared by every program": a clock only
where the seed or the secretariat sets one): the recommendation deadline the secretariat
gives when it opens the round, the public notice's period (policy, default 7 calendar days)
and the conference at which the round is commended.

Planned by an activity on the PRC working-day calendar (``plan_clock``: the reminder before
the recommendation deadline counts working days), kept in the round's state, fired by the
workflow at 00:00 Beijing time of the day they fall on (``RoundClocks.fire_clocks``). A clock
never decides: it reminds before, and escalates to the secretariat when it passes with the
step not done (the recommendation deadline passed while the round still takes
recommendations; the notice ended with objections unresolved; the conference came with the
round not commended). Pure: the calendar and ``today`` are handed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from domain.calendar import WorkCalendar, add_calendar_days
from domain.demonstration.policy import DemonstrationPolicy
from domain.errors import DomainError
from domain.roles import SYSTEM_ACTOR

# what each clock is, who hears of it: (label, reminded, escalated to)
CLOCKS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "recommendation": ("行业推荐截止", ("association", "secretariat"), ("secretariat",)),
    "notice": ("网上公示期满", ("secretariat", "leader"), ("secretariat", "leader")),
    "conference": ("全国轻工业特色区域和产业集群大会（表彰）", ("secretariat", "leader"), ("secretariat", "leader")),
}


@dataclass(frozen=True)
class ClockRequest:
    key: str
    what: str
    anchor: date  # the deadline the secretariat set (recommendation, conference) or the publication date


@dataclass(frozen=True)
class ClockPlan:
    key: str
    what: str
    due: date  # the last day of the period
    reminders: tuple[date, ...]
    calendar_version: str
    provisional: bool
    basis: str


@dataclass
class Clock:
    key: str
    what: str
    due: date
    reminders: list[date]
    calendar_version: str
    provisional: bool = False
    basis: str = ""
    reminded: list[date] = field(default_factory=list)
    overdue_since: date | None = None

    def pending_reminders(self) -> list[date]:
        return [d for d in self.reminders if d not in self.reminded]

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "what": self.what, "due": self.due.isoformat(),
                "reminders": [d.isoformat() for d in self.reminders], "calendar_version": self.calendar_version,
                "provisional": self.provisional, "basis": self.basis,
                "overdue_since": self.overdue_since.isoformat() if self.overdue_since else None}


def plan_clock(policy: DemonstrationPolicy, calendar: WorkCalendar, req: ClockRequest) -> ClockPlan:
    """The due date and reminders of one clock on ``calendar`` (the activity calls this)."""
    if req.what == "recommendation":
        due = req.anchor
        n = policy.recommendation_reminder_working_days
        reminder = _working_days_before(calendar, due, n)
        basis = f"秘书处开始评选时确定的推荐截止日；截止前 {n} 个工作日提醒各行业协（学）会、中心"
        reminders = (reminder,)
    elif req.what == "notice":
        due = add_calendar_days(req.anchor, policy.notice_days)
        reminders = ()
        basis = f"{req.anchor} 起网上公示 {policy.notice_days} 天（评选办法 三、(三)；公示期为政策值）"
    elif req.what == "conference":
        due = req.anchor
        n = policy.conference_reminder_working_days
        reminders = (_working_days_before(calendar, due, n),)
        basis = f"大会上表彰（评选办法 四）；大会前 {n} 个工作日提醒尚未批准的评选"
    else:
        raise DomainError("clock_unknown", f"评选没有“{req.what}”时限")
    return ClockPlan(req.key, req.what, due, reminders, calendar.version,
                     calendar.provisional_between(req.anchor, due), basis)


def _working_days_before(calendar: WorkCalendar, day: date, n: int) -> date:
    """The working day that leaves ``n`` working days up to ``day``."""
    current, left = day, n
    while left > 0:
        current -= timedelta(days=1)
        if calendar.is_working_day(current):
            left -= 1
    return current


class RoundClocks:
    """The clocks of a ``Round`` (a mixin; ``_event`` is the Round's): armed from plans,
    fired on their dates."""

    clocks: dict[str, Clock]
    arm_requests: list[ClockRequest]

    def _request(self, what: str, anchor: date) -> None:
        self.arm_requests.append(ClockRequest(what, what, anchor))

    def take_requests(self) -> list[ClockRequest]:
        out, self.arm_requests = self.arm_requests, []
        return out

    def arm(self, plan: ClockPlan, today: date) -> None:
        self.clocks[plan.key] = Clock(plan.key, plan.what, plan.due, list(plan.reminders), plan.calendar_version,
                                      plan.provisional, plan.basis)
        self._event(today, "deadline", {"what": plan.what, "key": plan.key, "due": plan.due.isoformat(),
                                        "reminders": [d.isoformat() for d in plan.reminders],
                                        "calendar_version": plan.calendar_version, "provisional": plan.provisional,
                                        "basis": plan.basis}, SYSTEM_ACTOR)

    def clear(self, key: str, reason: str, today: date) -> None:
        c = self.clocks.pop(key, None)
        if c is not None:
            self._event(today, "deadline_cleared", {"what": c.what, "key": key, "due": c.due.isoformat(),
                                                    "reason": reason}, SYSTEM_ACTOR)

    def next_wakeup(self) -> date | None:
        dates: list[date] = []
        for c in self.clocks.values():
            dates += c.pending_reminders()
            if c.overdue_since is None:
                dates.append(c.due + timedelta(days=1))
        return min(dates) if dates else None

    def open_clocks(self) -> list[Clock]:
        return sorted(self.clocks.values(), key=lambda c: (c.due, c.key))

    def fire_clocks(self, today: date) -> None:
        """Reminders due by today; escalations for clocks whose period ended yesterday or before."""
        for c in self.open_clocks():
            for d in c.pending_reminders():
                if d <= today:
                    c.reminded.append(d)
                    self._event(today, "reminder", {"what": c.what, "key": c.key, "due": c.due.isoformat(),
                                                    **self._clock_facts(c.what)}, SYSTEM_ACTOR)
            if c.overdue_since is None and today > c.due:
                c.overdue_since = c.due + timedelta(days=1)
                facts = self._clock_facts(c.what)
                if c.what == "notice" and not facts.get("unresolved"):
                    # the notice ended clean: nothing to escalate, approval may follow
                    self._event(today, "notice_ended", {"what": c.what, "key": c.key, "due": c.due.isoformat(),
                                                        **facts}, SYSTEM_ACTOR)
                    self.clocks.pop(c.key)
                else:
                    self._event(today, "overdue", {"what": c.what, "key": c.key, "due": c.due.isoformat(), **facts},
                                SYSTEM_ACTOR)

    # --- calendar revisions (the kernel's ``deadlines recompute``, as program 1 does)

    def recompute_requests(self, today: date) -> list[ClockRequest]:
        """The open clocks a calendar revision may move: those whose reminder counts working
        days back from a date the secretariat set (the recommendation deadline, the
        conference), not yet passed. The notice counts calendar days and moves with none."""
        return [ClockRequest(c.key, c.what, c.due) for c in self.open_clocks()
                if c.what in ("recommendation", "conference") and c.overdue_since is None and c.due >= today]

    def apply_replanned(self, plans: list[ClockPlan], reason: str, actor: Any, today: date) -> None:
        """Each clock the revised calendar moved (its reminder day), journaled with old and new
        dates and calendar versions; a reminder already sent is not sent again."""
        for plan in plans:
            c = self.clocks.get(plan.key)
            if c is None or c.overdue_since is not None or c.due < today:
                continue
            if plan.due == c.due and list(plan.reminders) == c.reminders:
                continue
            old_due, old_reminders, old_version = c.due, list(c.reminders), c.calendar_version
            c.due, c.reminders, c.basis = plan.due, list(plan.reminders), plan.basis
            c.calendar_version, c.provisional = plan.calendar_version, plan.provisional
            if c.reminded:  # the reminder went out already (the date it reminds of is the same)
                c.reminded = list(c.reminders)
            self._event(today, "deadline_moved", {
                "what": c.what, "key": c.key, "old_due": old_due.isoformat(), "new_due": c.due.isoformat(),
                "old_reminders": [d.isoformat() for d in old_reminders],
                "reminders": [d.isoformat() for d in c.reminders], "old_calendar_version": old_version,
                "new_calendar_version": plan.calendar_version, "provisional": plan.provisional, "reason": reason},
                actor)

    def _clock_facts(self, what: str) -> dict[str, Any]:  # Round's: what the reminder says
        return {}
