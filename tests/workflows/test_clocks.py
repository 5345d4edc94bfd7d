"""Every clock fires on the right date, across PRC holidays and make-up working days."""

from datetime import date, timedelta

import pytest

from domain.calendar import SHIPPED, YearSchedule
from store.calendars import save_schedule
from tests.support import APPLICANT, ASSOCIATION, SECRETARIAT, annual_report
from tests.workflows.helpers import Y, d, designate, events, ok, register, to_formal_review

pytestmark = pytest.mark.workflow


def official_schedule(year: int) -> tuple[list[date], list[date]]:
    """A National Day week for ``year`` with two make-up weekend days around it, built so
    the test knows every day off and on without asking the calendar under test."""
    holidays = [date(year, 10, 1) + timedelta(days=i) for i in range(7)]
    before = date(year, 9, 30)
    while before.weekday() < 5:
        before -= timedelta(days=1)
    after = date(year, 10, 8)
    while after.weekday() < 5:
        after += timedelta(days=1)
    return holidays, [before, after]


def count_working_days(start: date, n: int, holidays: list[date], makeup: list[date]) -> date:
    day = start
    while n:
        day += timedelta(days=1)
        if (day.weekday() < 5 and day not in holidays) or day in makeup:
            n -= 1
    return day


async def test_formal_review_deadline_skips_national_day_and_counts_the_makeup_weekend_days(sim):
    holidays, makeup = official_schedule(Y)
    save_schedule(sim.engine, YearSchedule.from_mapping(
        {"holidays": [h.isoformat() for h in holidays], "workdays": [m.isoformat() for m in makeup]}, "test"))
    await register(sim, stage="applied", on=d(9, 1))
    received = d(9, 25)
    await to_formal_review(sim, "ceramics", d(9, 1), received)
    due = count_working_days(received, 15, holidays, makeup)
    (armed,) = events(sim, "ceramics", "deadline", what="formal_review")
    assert armed.data["due"] == due.isoformat()
    assert armed.data["provisional"] is False  # the loaded schedule made the year official
    # the week off moves it later, the make-up days pull it back: neither count alone is right
    plain = count_working_days(received, 15, [], [])
    assert count_working_days(received, 15, [], makeup) < plain < due < count_working_days(received, 15, holidays, [])
    view = await sim.service.view("ceramics")
    (fr,) = [dl for dl in view.deadlines if dl.what == "formal_review"]
    assert fr.working_days_left == 15
    await sim.advance_to(due + timedelta(days=2))
    (overdue,) = events(sim, "ceramics", "overdue", what="formal_review")
    assert overdue.on == due + timedelta(days=1)  # overdue from the start of the next day


async def test_a_scenario_calendar_overrides_single_days(sim):
    from activities.cnlic.lifecycle import CalendarOverrides

    sim.activities.overrides = CalendarOverrides({d(3, 16): "特别休息日"}, [])
    await register(sim, stage="applied", on=d(3, 1))
    await to_formal_review(sim, "ceramics", d(3, 1), received=d(3, 15))
    (armed,) = events(sim, "ceramics", "deadline", what="formal_review")
    window = [d(3, 15) + timedelta(days=i) for i in range(60)]
    shipped_off = [day for day in window if SHIPPED.day(day).kind == "holiday"]  # e.g. 清明
    shipped_on = [day for day in window if SHIPPED.day(day).kind == "makeup_workday"]
    without = count_working_days(d(3, 15), 15, shipped_off, shipped_on)
    with_override = count_working_days(d(3, 15), 15, shipped_off + [d(3, 16)], shipped_on)
    assert armed.data["due"] == with_override.isoformat()
    assert with_override != without or d(3, 16).weekday() >= 5


async def test_site_visit_approval_is_due_five_calendar_days_after_acceptance(sim):
    await register(sim, stage="applied", on=d(9, 28))
    await ok(sim, "ceramics", "record_opinion", {}, ASSOCIATION, d(9, 28))
    await ok(sim, "ceramics", "accept_application", {}, SECRETARIAT, d(9, 29))
    (armed,) = events(sim, "ceramics", "deadline", what="site_visit")
    assert armed.data["due"] == d(10, 4).isoformat()  # calendar days: the holiday week counts
    await sim.advance_to(d(10, 6))
    assert [r.on for r in events(sim, "ceramics", "overdue", what="site_visit")] == [d(10, 5)]


async def test_cultivation_reminds_at_the_planned_end_and_escalates_after_three_years(sim):
    await register(sim, stage="cultivation", on=d(1, 4), planned_years=2)
    await sim.advance_to(d(1, 10, years=3))
    assert [r.on for r in events(sim, "ceramics", "reminder", what="cultivation")] == [d(1, 3, years=2)]
    assert [r.on for r in events(sim, "ceramics", "overdue", what="cultivation")] == [d(1, 4, years=3)]
    assert (await sim.service.view("ceramics")).stage == "cultivation"


async def test_annual_report_reminders_thirty_and_seven_days_before_30_april_and_overdue_on_1_may(sim):
    await designate(sim, meeting_on=d(6, 20))
    await sim.advance_to(d(5, 3, years=1))
    assert [r.on for r in events(sim, "ceramics", "reminder", what="annual_report")] == [
        d(3, 31, years=1), d(4, 23, years=1)]
    assert [r.on for r in events(sim, "ceramics", "overdue", what="annual_report")] == [d(5, 1, years=1)]
    await ok(sim, "ceramics", "submit_annual_report", annual_report(Y), APPLICANT, d(5, 3, years=1))
    from store.cnlic.models import AnnualReportRow
    from store.db import session
    from sqlmodel import select

    with session(sim.engine) as s:
        (row,) = s.exec(select(AnnualReportRow)).all()
    assert row.year == Y and row.late is True
    await ok(sim, "ceramics", "submit_annual_report", annual_report(Y + 1, revenue=1100), APPLICANT,
             d(3, 1, years=2))
    with session(sim.engine) as s:
        rows = s.exec(select(AnnualReportRow).order_by(AnnualReportRow.year)).all()
    assert rows[1].late is False and rows[1].growth["revenue"] == 10.0


async def test_reevaluation_application_is_due_three_months_before_expiry_with_reminders(sim):
    await designate(sim, meeting_on=d(12, 15))
    await sim.advance_to(d(9, 20, years=4))
    assert [r.on for r in events(sim, "ceramics", "reminder", what="reevaluation_application")] == [
        d(6, 15, years=4), d(8, 15, years=4)]
    assert [r.on for r in events(sim, "ceramics", "overdue", what="reevaluation_application")] == [d(9, 16, years=4)]
    await sim.advance_to(d(12, 16, years=4))
    (expired,) = events(sim, "ceramics", "stage", to="expired")
    assert expired.on == d(12, 15, years=4)  # valid through the 14th, expired from the 15th


async def test_the_outbox_holds_a_notice_for_each_reminder_and_escalation(sim):
    await designate(sim, meeting_on=d(6, 20))
    await sim.advance_to(d(5, 2, years=1))
    from store.cnlic import lifecycle as repo

    notices = [(n.kind, n.recipient) for n in repo.outbox(sim.engine) if n.cluster_key == "ceramics"]
    assert notices.count(("reminder", "applicant")) == 2 and ("overdue", "applicant") in notices
    assert ("decision", "applicant") in notices
