"""Official holiday schedules in the store, and the service calendar built from them."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.engine import Engine
from sqlalchemy import func
from sqlmodel import select

from domain.calendar import SHIPPED, WorkCalendar, YearSchedule
from store.db import session
from store.models import CalendarYear


def save_schedule(engine: Engine, schedule: YearSchedule, imported_by: str = "") -> bool:
    """Store (or replace) a year's official schedule. Returns False when the same schedule
    was already stored (importing twice changes nothing)."""
    canonical = schedule.canonical()
    with session(engine) as s:
        row = s.get(CalendarYear, schedule.year)
        if row is not None and row.fingerprint == schedule.fingerprint:
            return False
        if row is None:
            row = CalendarYear(year=schedule.year, holidays=[], workdays=[], fingerprint="", imported_at=datetime.now(timezone.utc))
        row.holidays = canonical["holidays"]
        row.workdays = canonical["workdays"]
        row.fingerprint = schedule.fingerprint
        row.source = schedule.source[:500]
        row.imported_by = imported_by
        row.imported_at = datetime.now(timezone.utc)
        s.add(row)
    return True


def stored_schedules(engine: Engine) -> list[YearSchedule]:
    with session(engine) as s:
        rows = s.exec(select(CalendarYear).order_by(CalendarYear.year)).all()
        return [
            YearSchedule.from_mapping(
                {"year": r.year, "holidays": r.holidays, "workdays": r.workdays}, source=r.source
            )
            for r in rows
        ]


_BUILT: dict[tuple, WorkCalendar] = {}


def service_calendar(engine: Engine, base: WorkCalendar = SHIPPED) -> WorkCalendar:
    """The shipped calendar with every stored official schedule over it. Built once per state of
    the ``calendar_year`` table (one small aggregate tells: an import changes it), so planning a
    deadline does not re-read and rebuild the schedules each time (issue 15); the calendar keeps
    its remembered answers between calls."""
    with session(engine) as s:
        # every save stamps imported_at with now, so a new or replaced year moves the max
        stamp = tuple(s.exec(select(func.count(), func.max(CalendarYear.imported_at))).one())
    key = (str(engine.url), id(base), stamp)
    cal = _BUILT.get(key)
    if cal is None:
        cal = base
        for schedule in stored_schedules(engine):
            cal = cal.with_schedule(schedule)
        if len(_BUILT) > 32:
            _BUILT.clear()
        _BUILT[key] = cal
    return cal
