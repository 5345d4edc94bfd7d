"""Deadline planning: every clock of RULES.md "Clocks and deadlines" as a pure function of
an anchor date, the policy and a working-day calendar.

The workflow never calls this directly (it must not touch the holiday calendar): an
activity does, and the workflow keeps the returned plan, so a later calendar revision
never changes a replayed history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from domain.calendar import (
    WorkCalendar,
    add_calendar_days,
    add_months,
    add_years,
    next_quarter_end,
    period_end,
    quarter_end,
)
from domain.errors import DomainError
from domain.cnlic.model import DeadlineKind
from domain.cnlic.policy import Policy


@dataclass
class DeadlineRequest:
    """What the lifecycle asks for: which clock, from which anchor date, with which facts."""

    key: str
    what: str
    anchor: date
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class DeadlinePlan:
    key: str
    what: str
    anchor: date
    params: dict[str, Any]
    due: date
    reminders: list[date]
    calendar_version: str
    provisional: bool
    basis: str
    # the working days the clock counts, for clocks measured in working days: lets a
    # reader tell the working days left without consulting a (possibly revised) calendar
    working_dates: list[date] = field(default_factory=list)


def plan_deadline(policy: Policy, calendar: WorkCalendar, req: DeadlineRequest) -> DeadlinePlan:
    what = DeadlineKind(req.what)
    anchor = req.anchor
    reminders: list[date] = []
    working_dates: list[date] = []
    provisional = False
    p = req.params
    if what is DeadlineKind.CULTIVATION:
        planned = int(p.get("planned_years", policy.cultivation_default_years))
        due = period_end(anchor, years=policy.cultivation_max_years)
        reminders = [period_end(anchor, years=planned)]
        basis = (
            f"培育期自 {anchor} 起，计划 {planned} 年（至 {reminders[0]}），"
            f"最长 {policy.cultivation_max_years} 年（§二(一) 辅导和培育期一般为1-3年）"
        )
    elif what is DeadlineKind.SITE_VISIT:
        due = add_calendar_days(anchor, policy.site_visit_approval_days)
        basis = f"{anchor} 受理后 {policy.site_visit_approval_days} 日内报经会领导批准考评（§三(二)）"
    elif what is DeadlineKind.FORMAL_REVIEW:
        due = calendar.add_working_days(anchor, policy.formal_review_working_days)
        working_dates = [
            anchor + timedelta(days=i)
            for i in range(1, (due - anchor).days + 1)
            if calendar.is_working_day(anchor + timedelta(days=i))
        ]
        provisional = calendar.provisional_between(anchor, due)
        restarted = "补充材料后重新起算，" if p.get("restart") else ""
        basis = f"{restarted}{anchor} 收到正式意见后 {policy.formal_review_working_days} 个工作日内完成形式审查（§三(三)）"
    elif what is DeadlineKind.MEETING:
        skip = bool(p.get("skip_current_quarter"))
        due = next_quarter_end(anchor) if skip else quarter_end(anchor)
        basis = (
            "会长办公会原则上每季度召开一次（§三(三)）；"
            + ("本季度已开会，待下季度会议" if skip else f"待 {anchor} 所在季度的会议")
        )
    elif what is DeadlineKind.ANNUAL_REPORT:
        year = int(p["year"])
        due = date(year + 1, policy.annual_report_due_month, policy.annual_report_due_day)
        reminders = [due - timedelta(days=d) for d in policy.annual_report_reminder_days]
        basis = f"{year} 年度发展情况须于 {due} 前报送（§四(一) 每年4月底前）"
    elif what is DeadlineKind.REEVALUATION_APPLICATION:
        expiry = add_years(anchor, policy.validity_years)
        due = add_months(expiry, -policy.reevaluation_lead_months)
        reminders = [add_months(due, -m) for m in policy.reevaluation_reminder_months]
        basis = (
            f"称号 {expiry} 到期，须提前 {policy.reevaluation_lead_months} 个月提出复评申请（§四(三)）"
        )
    elif what is DeadlineKind.EXPIRY:
        due = period_end(anchor, years=policy.validity_years)
        basis = f"{anchor} 授名，有效期 {policy.validity_years} 年，至 {due}（§二(二)）"
    elif what is DeadlineKind.RECTIFICATION:
        due = period_end(anchor, years=policy.rectification_years)
        basis = f"{anchor} 复评不合格，给予 {policy.rectification_years} 年整改期，至 {due}（§四(三)）"
    else:  # pragma: no cover - the enum is exhaustive
        raise DomainError("deadline_unknown", f"未知的时限类型 {req.what}")
    return DeadlinePlan(
        key=req.key,
        what=what.value,
        anchor=anchor,
        params=dict(p),
        due=due,
        reminders=sorted(set(reminders)),
        calendar_version=calendar.version,
        provisional=provisional,
        basis=basis,
        working_dates=working_dates,
    )
