"""The PRC working-day calendar: exact years, estimates, official schedules, counting rules."""

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import (
    OFFICIAL,
    PROVISIONAL,
    SHIPPED,
    WorkCalendar,
    YearSchedule,
    add_months,
    add_years,
    load_schedule_text,
    next_quarter_end,
    parse_date,
    period_end,
    quarter_end,
    quarter_of,
)
from domain.errors import CalendarUnavailable, DomainError, ScheduleInvalid


def test_calendar_agrees_with_chinese_calendar_on_every_date_2004_to_2026():
    day = date(2004, 1, 1)
    disagreements = []
    while day <= date(2026, 12, 31):
        if SHIPPED.is_working_day(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += timedelta(days=1)
    assert disagreements == []


def test_fifteen_working_days_after_mid_autumn_2026_skip_national_day_and_count_makeup_saturday():
    assert SHIPPED.add_working_days(date(2026, 9, 25), 15) == date(2026, 10, 22)


def test_makeup_saturday_is_a_working_day_and_says_why():
    info = SHIPPED.day(date(2026, 10, 10))
    assert info.working and info.kind == "makeup_workday" and info.provenance == OFFICIAL
    assert "调休" in info.explain()


def test_holiday_on_a_weekday_names_the_festival():
    info = SHIPPED.day(date(2026, 10, 1))
    assert not info.working and info.kind == "holiday" and info.holiday == "国庆节"


def test_plain_weekend_is_a_weekend():
    info = SHIPPED.day(date(2026, 11, 22))
    assert not info.working and info.kind == "weekend" and info.holiday is None


def test_years_after_2026_are_provisional_estimates():
    info = SHIPPED.day(date(2027, 10, 4))
    assert info.provenance == PROVISIONAL and not info.working
    assert SHIPPED.provisional_between(date(2026, 12, 20), date(2027, 1, 10))
    assert not SHIPPED.provisional_between(date(2026, 1, 1), date(2026, 12, 31))


@pytest.mark.parametrize("year", [1999, 2003, 2101])
def test_a_year_with_no_data_and_no_estimate_is_refused(year):
    with pytest.raises(CalendarUnavailable) as e:
        SHIPPED.is_working_day(date(year, 6, 1))
    assert e.value.code == "calendar_unavailable"


SCHEDULE_2027 = {
    "holidays": ["2027-10-01", "2027-10-02", "2027-10-03", "2027-10-04", "2027-10-05", "2027-10-06", "2027-10-07"],
    "workdays": ["2027-09-26", "2027-10-09"],
}


def test_loaded_official_schedule_wins_over_the_estimate_and_marks_the_year_official():
    cal = SHIPPED.with_schedule(YearSchedule.from_mapping(SCHEDULE_2027, "2027.json"))
    assert cal.day(date(2027, 9, 26)).working  # a Sunday, made a working day
    assert cal.day(date(2027, 9, 26)).kind == "makeup_workday"
    assert not cal.day(date(2027, 10, 6)).working
    assert cal.day(date(2027, 10, 6)).provenance == OFFICIAL
    # a 2027 weekday the estimate called a holiday but the official schedule does not list
    assert not SHIPPED.is_working_day(date(2027, 2, 9))
    assert cal.is_working_day(date(2027, 2, 9))
    assert not cal.provisional_between(date(2027, 1, 1), date(2027, 12, 31))


def test_calendar_version_changes_with_its_inputs_and_not_otherwise():
    a = SHIPPED.with_schedule(YearSchedule.from_mapping(SCHEDULE_2027))
    b = WorkCalendar().with_schedule(YearSchedule.from_mapping(dict(SCHEDULE_2027)))
    assert a.version == b.version != SHIPPED.version
    c = SHIPPED.with_overrides({date(2027, 10, 8): "test"}, [])
    assert c.version not in (a.version, SHIPPED.version)


def test_overrides_replace_single_days():
    cal = SHIPPED.with_overrides({date(2027, 3, 3): "特别假日"}, [date(2027, 3, 6)])
    assert not cal.is_working_day(date(2027, 3, 3))
    assert cal.is_working_day(date(2027, 3, 6))


@pytest.mark.parametrize(
    "data, fragment",
    [
        ({"holidays": []}, "非空"),
        ({"holidays": ["2027-02-30"]}, "不是有效日期"),
        ({"holidays": ["2027-10-01"], "workdays": ["2027-09-28"]}, "只能是周末"),
        ({"holidays": ["2027-10-02"], "workdays": ["2027-10-02"]}, "同时列为"),
        ({"holidays": ["2027-10-01"], "extra": 1}, "未知字段"),
        ({"holidays": ["2027-10-01", "2027-10-01"]}, "重复"),
        ({"year": 2027, "holidays": ["2029-10-01"]}, "不属于"),
        ([1, 2], "对象"),
    ],
)
def test_malformed_schedules_are_refused_with_one_line(data, fragment):
    with pytest.raises(ScheduleInvalid) as e:
        YearSchedule.from_mapping(data, "x.json")
    assert fragment in e.value.message and "\n" not in e.value.message


def test_schedule_text_accepts_yaml_and_named_holidays():
    s = load_schedule_text("year: 2027\nholidays:\n  - {date: 2027-10-01, name: 国庆节}\nworkdays: []\n")
    assert s.year == 2027 and s.holidays[date(2027, 10, 1)] == "国庆节"
    with pytest.raises(ScheduleInvalid):
        load_schedule_text("holidays: [", "bad.yaml")


def test_parse_date_is_strict():
    assert parse_date("2027-01-04") == date(2027, 1, 4)
    for bad in ("2027-1-4", "04/01/2027", "", None, 20270104):
        with pytest.raises(DomainError):
            parse_date(bad)


def test_adding_months_clamps_to_month_end_and_29_february():
    assert add_years(date(2028, 2, 29), 1) == date(2029, 3, 1)  # RULES.md "29 February": the anniversary is 1 March
    assert add_years(date(2028, 2, 29), 4) == date(2032, 2, 29)
    assert add_months(date(2027, 8, 31), -3) == date(2027, 5, 31)
    assert add_months(date(2027, 5, 31), 1) == date(2027, 6, 30)
    assert add_months(date(2027, 1, 15), -1) == date(2026, 12, 15)


def test_a_period_ends_the_day_before_the_anniversary():
    assert period_end(date(2027, 12, 15), years=4) == date(2031, 12, 14)
    assert period_end(date(2028, 2, 29), years=1) == date(2029, 2, 28)  # RULES.md "29 February"


def test_quarters():
    assert quarter_of(date(2027, 5, 1)) == (2027, 2)
    assert quarter_end(date(2027, 5, 1)) == date(2027, 6, 30)
    assert quarter_end(date(2027, 12, 31)) == date(2027, 12, 31)
    assert next_quarter_end(date(2027, 12, 31)) == date(2028, 3, 31)


days = st.dates(min_value=date(2004, 1, 1), max_value=date(2030, 12, 31))
counts = st.integers(min_value=0, max_value=60)


@settings(max_examples=300, deadline=None)
@given(start=days, n=counts)
def test_adding_working_days_never_lands_on_a_day_off_and_agrees_with_a_day_by_day_count(start, n):
    end = SHIPPED.add_working_days(start, n)
    if n > 0:
        assert SHIPPED.is_working_day(end)
        assert end > start
    else:
        assert end == start
    assert SHIPPED.working_days_between(start, end) == n
    # day by day, independently of the implementation
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += chinese_calendar.is_workday(day) if day.year <= 2026 else SHIPPED.is_working_day(day)
    assert count == n


@settings(max_examples=200, deadline=None)
@given(start=days, n=counts, m=counts)
def test_adding_working_days_is_monotonic_in_days(start, n, m):
    a, b = sorted((n, m))
    assert SHIPPED.add_working_days(start, a) <= SHIPPED.add_working_days(start, b)


@settings(max_examples=200, deadline=None)
@given(a=days, b=days, n=counts)
def test_adding_working_days_is_monotonic_in_the_start_date(a, b, n):
    first, second = sorted((a, b))
    assert SHIPPED.add_working_days(first, n) <= SHIPPED.add_working_days(second, n)


@settings(max_examples=200, deadline=None)
@given(start=days, months=st.integers(min_value=-60, max_value=60))
def test_adding_months_keeps_the_day_or_clamps_to_month_end(start, months):
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    assert result.day == start.day or (result.day < start.day and (result + timedelta(days=1)).month != result.month)
