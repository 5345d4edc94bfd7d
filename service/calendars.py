"""The service's working-day calendar: the shipped PRC calendar plus every official
schedule staff imported into the store."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from domain.calendar import SHIPPED, WorkCalendar, YearSchedule
from store.calendars import save_schedule, service_calendar
from store.db import database_url, make_engine, migrate


def _store_exists(url: str) -> bool:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return True
    return Path(parsed.database).exists()


def current_calendar(url: str | None = None) -> WorkCalendar:
    """Read-only: a store that does not exist yet simply holds no imported schedules."""
    url = url or database_url()
    if not _store_exists(url):
        return SHIPPED
    engine = make_engine(url)
    migrate(engine)
    return service_calendar(engine)


def import_schedule(schedule: YearSchedule, imported_by: str = "", url: str | None = None) -> tuple[bool, WorkCalendar]:
    engine = make_engine(url or database_url())
    migrate(engine)
    changed = save_schedule(engine, schedule, imported_by)
    return changed, service_calendar(engine)
