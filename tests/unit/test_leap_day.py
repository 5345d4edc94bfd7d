"""RULES.md "29 February": a period of whole years from 29 February ends on 28 February of
the end year (the anniversary is taken as 1 March) — one rule for validity, rectification and
cultivation."""

from datetime import date

import pytest

from domain.calendar import WorkCalendar, add_years, period_end
from domain.cnlic.deadlines import DeadlineRequest, plan_deadline
from domain.cnlic.policy import CNLIC_2022 as POLICY


def test_a_whole_year_period_from_29_february_ends_on_28_february():
    assert period_end(date(2028, 2, 29), years=1) == date(2029, 2, 28)
    assert period_end(date(2028, 2, 29), years=3) == date(2031, 2, 28)
    assert period_end(date(2028, 2, 29), years=4) == date(2032, 2, 28)  # a leap end year: 29 Feb is the anniversary
    assert add_years(date(2028, 2, 29), 1) == date(2029, 3, 1)


def test_other_days_keep_the_day_before_the_anniversary():
    assert period_end(date(2027, 12, 15), years=4) == date(2031, 12, 14)
    assert period_end(date(2028, 2, 28), years=1) == date(2029, 2, 27)
    assert period_end(date(2028, 3, 1), years=1) == date(2029, 2, 28)


@pytest.mark.parametrize("what, params, due", [
    ("rectification", {}, date(2029, 2, 28)),
    ("cultivation", {"planned_years": 1}, date(2031, 2, 28)),
    ("expiry", {}, date(2032, 2, 28)),
])
def test_29_february_is_one_rule_for_validity_rectification_and_cultivation(what, params, due):
    plan = plan_deadline(POLICY, WorkCalendar(), DeadlineRequest(what, what, date(2028, 2, 29), params))
    assert plan.due == due
    if what == "cultivation":
        assert plan.reminders == [date(2029, 2, 28)]
