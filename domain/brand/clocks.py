"""The pilot's clocks (RULES.md program 4, "Pilot" and "Validity 3 years"), planned on the
working-day calendar by an activity (never in workflow code): the yearly summary report and
the province's supervision record of each pilot or title year, and the title's expiry.

A year n of a cycle that began on D runs from the (n-1)th anniversary of D to the day before
the nth (``domain.calendar.period_end``); its report is due N working days after that day.
"""

from __future__ import annotations

from datetime import timedelta

from domain.calendar import PROVISIONAL, WorkCalendar, add_years, period_end
from domain.errors import DomainError
from domain.brand.model import DeadlinePlan, DeadlineRequest
from domain.brand.policy import BrandPolicy

WHATS = ("summary", "supervision", "expiry")


def year_bounds(anchor, n: int):
    """(first day, last day) of year ``n`` (1-based) of a cycle that began on ``anchor``."""
    return add_years(anchor, n - 1), period_end(anchor, years=n)


def plan(policy: BrandPolicy, calendar: WorkCalendar, req: DeadlineRequest) -> DeadlinePlan:
    if req.what == "expiry":
        last = period_end(req.anchor, years=policy.title_validity_years)
        return DeadlinePlan(req.key, req.what, last, None, 0, None, calendar.version,
                            calendar.provenance(last) == PROVISIONAL,
                            f"称号 {policy.title_validity_years} 年有效（§三(七)3）：{req.anchor} 起至 {last}")
    if req.what not in WHATS:
        raise DomainError("deadline_unknown", f"未知的时限“{req.what}”")
    end = req.period_end or year_bounds(req.anchor, req.period)[1]
    days = policy.summary_due_working_days if req.what == "summary" else policy.supervision_due_working_days
    due = calendar.add_working_days(end, days)
    what = "年度总结报告" if req.what == "summary" else "年度监督检查记录"
    return DeadlinePlan(req.key, req.what, due, due - timedelta(days=policy.reminder_days), req.period, end,
                        calendar.version, calendar.provisional_between(end, due),
                        f"第 {req.period} 年（至 {end}）的{what}：年度结束后 {days} 个工作日内")
