"""The calendar remembers each day's answer per version: remembered answers are the computed
ones, and a calendar with another version never borrows them."""

from datetime import date, timedelta

from domain.calendar import SHIPPED


def test_remembered_answers_are_the_computed_ones_across_national_day():
    start = date(2026, 9, 20)  # across National Day 2026 and its make-up Saturdays
    for n in range(45):
        day = start + timedelta(days=n)
        first, again = SHIPPED.day(day), SHIPPED.day(day)
        assert first == again == SHIPPED._compute_day(day)


def test_a_calendar_with_another_version_does_not_borrow_remembered_answers():
    national_day = date(2026, 10, 8)  # a Thursday back at work in the shipped calendar
    assert SHIPPED.is_working_day(national_day)
    revised = SHIPPED.with_overrides({national_day: "补假"}, [])
    assert revised.version != SHIPPED.version
    assert not revised.is_working_day(national_day)
    assert SHIPPED.is_working_day(national_day)
    assert revised.add_working_days(date(2026, 10, 7), 1) == date(2026, 10, 9)
    assert SHIPPED.add_working_days(date(2026, 10, 7), 1) == national_day
