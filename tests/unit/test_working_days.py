"""The console's remembered working-day arithmetic agrees with the calendar it remembers."""

from datetime import date, timedelta

from domain.calendar import SHIPPED
from service.console import WorkingDays


def test_remembered_working_days_agree_with_the_calendar_both_ways():
    days = WorkingDays(SHIPPED)
    start = date(2026, 9, 20)  # across National Day 2026 and its make-up Saturdays
    for n in (0, 1, 7, 15, 40):
        assert days.add(start, n) == SHIPPED.add_working_days(start, n)
    for end in (start, start + timedelta(days=3), start + timedelta(days=30), start - timedelta(days=12)):
        assert days.between(start, end) == SHIPPED.working_days_between(start, end)
