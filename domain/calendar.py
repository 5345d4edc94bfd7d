"""The PRC statutory working-day calendar and the date arithmetic of RULES.md "Counting".

Working day = Monday–Friday, minus public holidays, plus the make-up working weekends (调休)
announced by the State Council. Sources, strongest first:
  1. an official schedule staff loaded for a year (``YearSchedule``) — *official*;
  2. the ``chinese-calendar`` package (exact for 2004–2026) — *official*;
  3. the ``holidays`` package's China calendar for later years — *provisional* (its
     holidays are computed, the make-up days are unknown until announced).
A ``WorkCalendar`` is a value: its ``version`` is a fingerprint of every input, so a
deadline can say which calendar produced it.
"""

from __future__ import annotations

import calendar as _stdcal
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, timedelta, timezone
from functools import cache, cached_property
from importlib import metadata
from typing import Any, Iterable, Mapping

from domain.errors import CalendarUnavailable, DomainError, ScheduleInvalid

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")  # no DST since 1991

OFFICIAL = "official"
PROVISIONAL = "provisional"

EXACT_FIRST_YEAR = 2004
EXACT_LAST_YEAR = 2026
ESTIMATE_LAST_YEAR = 2100

_WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_CC_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


# ---------------------------------------------------------------- plain date arithmetic


def parse_date(value: Any, what: str = "日期") -> date:
    """Strict ISO date (YYYY-MM-DD); anything else is a clear domain error."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            if len(value) == 10:
                return date.fromisoformat(value)
        except ValueError:
            pass
    raise DomainError("invalid_date", f"{what}“{value}”不是有效日期，应为 YYYY-MM-DD 格式")


def add_calendar_days(start: date, days: int) -> date:
    """"Within N days of D" ends at the end of D+N (D itself not counted)."""
    return start + timedelta(days=days)


def add_months(start: date, months: int) -> date:
    """Same day N months later; a day the target month lacks (29 Feb in a common year,
    the 31st of a 30-day month) becomes that month's last day."""
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    last = _stdcal.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(start.day, last))


def add_years(start: date, years: int) -> date:
    """The Nth anniversary of ``start``. 29 February's anniversary in a common year is
    1 March (RULES.md "29 February"), so a period of whole years from it ends on 28 February."""
    if start.month == 2 and start.day == 29 and not _stdcal.isleap(start.year + years):
        return date(start.year + years, 3, 1)
    return add_months(start, 12 * years)


def period_end(start: date, *, years: int = 0, months: int = 0) -> date:
    """Last day of a period of N years/months starting on ``start``: the day before the
    anniversary (conferred 2027-12-15 → valid through 2031-12-14; 2028-02-29 + 1 year →
    through 2029-02-28). One rule for validity, rectification and cultivation."""
    if not months:
        return add_years(start, years) - timedelta(days=1)
    return add_months(start, 12 * years + months) - timedelta(days=1)


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_end(day: date) -> date:
    year, q = quarter_of(day)
    month = q * 3
    return date(year, month, _stdcal.monthrange(year, month)[1])


def next_quarter_end(day: date) -> date:
    return quarter_end(quarter_end(day) + timedelta(days=1))


# ---------------------------------------------------------------- official schedules


@dataclass(frozen=True)
class YearSchedule:
    """The State Council's holiday schedule for one year, as staff load it.

    File form: ``{"holidays": ["2027-10-01", …], "workdays": ["2027-09-26", …]}``; a
    holiday may also be ``{"date": "2027-10-01", "name": "国庆节"}`` and an optional
    ``"year"`` names the year (otherwise the year most holidays fall in).
    """

    year: int
    holidays: Mapping[date, str]
    workdays: frozenset[date]
    source: str = ""

    @classmethod
    def from_mapping(cls, data: Any, source: str = "") -> "YearSchedule":
        where = f"{source}: " if source else ""
        if not isinstance(data, Mapping):
            raise ScheduleInvalid("schedule_invalid", f"{where}日历文件应为含 holidays 和 workdays 的对象")
        unknown = set(data) - {"year", "holidays", "workdays", "name", "source"}
        if unknown:
            raise ScheduleInvalid("schedule_invalid", f"{where}未知字段：{', '.join(sorted(map(str, unknown)))}")
        raw_holidays = data.get("holidays")
        raw_workdays = data.get("workdays", [])
        if not isinstance(raw_holidays, list) or not raw_holidays:
            raise ScheduleInvalid("schedule_invalid", f"{where}holidays 应为非空的日期列表")
        if not isinstance(raw_workdays, list):
            raise ScheduleInvalid("schedule_invalid", f"{where}workdays 应为日期列表（调休上班日）")
        holidays: dict[date, str] = {}
        for item in raw_holidays:
            name = ""
            if isinstance(item, Mapping):
                name = str(item.get("name", ""))
                item = item.get("date")
            try:
                day = parse_date(item, "holidays 中的日期")
            except DomainError as e:
                raise ScheduleInvalid("schedule_invalid", where + e.message) from None
            if day in holidays:
                raise ScheduleInvalid("schedule_invalid", f"{where}假日 {day} 重复出现")
            holidays[day] = name
        workdays: set[date] = set()
        for item in raw_workdays:
            try:
                day = parse_date(item, "workdays 中的日期")
            except DomainError as e:
                raise ScheduleInvalid("schedule_invalid", where + e.message) from None
            if day.weekday() < 5:
                raise ScheduleInvalid(
                    "schedule_invalid",
                    f"{where}调休上班日 {day} 是{_WEEKDAYS_ZH[day.weekday()]}，调休上班日只能是周末",
                )
            if day in holidays:
                raise ScheduleInvalid("schedule_invalid", f"{where}{day} 同时列为假日和调休上班日")
            workdays.add(day)
        if "year" in data:
            year = data["year"]
            if not isinstance(year, int) or isinstance(year, bool):
                raise ScheduleInvalid("schedule_invalid", f"{where}year 应为整数年份")
        else:
            counts: dict[int, int] = {}
            for day in holidays:
                counts[day.year] = counts.get(day.year, 0) + 1
            year = max(counts, key=lambda y: (counts[y], y))
        for day in [*holidays, *workdays]:
            # a notice may reach a few days into the neighbouring year (e.g. 元旦 on 31 Dec)
            if abs((day - date(year, 7, 1)).days) > 200:
                raise ScheduleInvalid("schedule_invalid", f"{where}日期 {day} 不属于 {year} 年的安排")
        return cls(year, dict(sorted(holidays.items())), frozenset(workdays), source)

    def canonical(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "holidays": [{"date": d.isoformat(), "name": n} for d, n in sorted(self.holidays.items())],
            "workdays": sorted(d.isoformat() for d in self.workdays),
        }

    @property
    def fingerprint(self) -> str:
        blob = json.dumps(self.canonical(), sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()


def load_schedule_text(text: str | bytes, source: str = "") -> YearSchedule:
    """Parse a schedule from JSON or YAML, read with the file bounds (one-line errors naming
    the line and column, never a traceback)."""
    from domain import yamlfmt

    try:
        data = yamlfmt.load(text, source)
    except yamlfmt.FileInvalid as e:
        raise ScheduleInvalid("schedule_invalid", e.message, **e.details) from None
    return YearSchedule.from_mapping(data, source)


# ---------------------------------------------------------------- the calendar


@dataclass(frozen=True)
class DayInfo:
    day: date
    working: bool
    kind: str  # workday | weekend | holiday | makeup_workday
    holiday: str | None
    provenance: str  # official | provisional
    source: str

    def explain(self) -> str:
        wd = _WEEKDAYS_ZH[self.day.weekday()]
        if self.kind == "makeup_workday":
            why = f"{wd}，调休上班日" + (f"（{self.holiday}）" if self.holiday else "")
        elif self.kind == "holiday":
            why = f"{wd}，法定节假日：{self.holiday or '假日'}"
        elif self.kind == "weekend":
            why = f"{wd}，周末休息日"
        else:
            why = f"{wd}，正常工作日"
        label = "正式" if self.provenance == OFFICIAL else "暂定（国务院尚未公布，按推算）"
        return f"{why}；{label}，来源：{self.source}"


@dataclass(frozen=True)
class _Day:
    working: bool
    kind: str
    holiday: str | None


@cache  # a metadata lookup reads the disk; the answer is fixed for the life of the process
def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


@dataclass(frozen=True)
class WorkCalendar:
    """An immutable working-day calendar. Build variants with ``with_schedule`` /
    ``with_overrides``; each has its own ``version``."""

    schedules: tuple[YearSchedule, ...] = ()
    override_holidays: Mapping[date, str] = field(default_factory=dict)
    override_workdays: frozenset[date] = frozenset()

    # -- identity

    @cached_property
    def fingerprint(self) -> str:
        payload = {
            "base": {
                "chinese-calendar": _package_version("chinese-calendar"),
                "holidays": _package_version("holidays"),
                "exact": [EXACT_FIRST_YEAR, EXACT_LAST_YEAR],
            },
            "schedules": [s.canonical() for s in sorted(self.schedules, key=lambda s: s.year)],
            "overrides": {
                "holidays": sorted(d.isoformat() for d in self.override_holidays),
                "workdays": sorted(d.isoformat() for d in self.override_workdays),
            },
        }
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()

    @property
    def version(self) -> str:
        return f"prc-{self.fingerprint[:12]}"

    def describe(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "fingerprint": self.fingerprint,
            "exact_years": [EXACT_FIRST_YEAR, EXACT_LAST_YEAR],
            "official_years": sorted(s.year for s in self.schedules),
            "estimate_until": ESTIMATE_LAST_YEAR,
            "overrides": len(self.override_holidays) + len(self.override_workdays),
        }

    # -- variants

    def with_schedule(self, schedule: YearSchedule) -> "WorkCalendar":
        kept = tuple(s for s in self.schedules if s.year != schedule.year)
        return WorkCalendar(kept + (schedule,), self.override_holidays, self.override_workdays)

    def with_overrides(self, holidays: Mapping[date, str], workdays: Iterable[date]) -> "WorkCalendar":
        h = dict(self.override_holidays)
        w = set(self.override_workdays)
        for d, name in holidays.items():
            h[d] = name
            w.discard(d)
        for d in workdays:
            w.add(d)
            h.pop(d, None)
        return WorkCalendar(self.schedules, h, frozenset(w))

    # -- day facts

    @cached_property
    def _by_year(self) -> dict[int, YearSchedule]:
        return {s.year: s for s in self.schedules}

    @cached_property
    def _schedule_days(self) -> dict[date, _Day]:
        days: dict[date, _Day] = {}
        for s in sorted(self.schedules, key=lambda s: s.year):
            for d, name in s.holidays.items():
                days[d] = _Day(False, "holiday", name or None)
            for d in s.workdays:
                days[d] = _Day(True, "makeup_workday", None)
        return days

    def provenance(self, day: date) -> str:
        if day.year in self._by_year or EXACT_FIRST_YEAR <= day.year <= EXACT_LAST_YEAR:
            return OFFICIAL
        if EXACT_LAST_YEAR < day.year <= ESTIMATE_LAST_YEAR:
            return PROVISIONAL
        raise CalendarUnavailable(
            "calendar_unavailable",
            f"{day.year} 年没有节假日数据，也无法推算（支持 {EXACT_FIRST_YEAR}–{ESTIMATE_LAST_YEAR} 年，"
            f"或先导入该年国务院公布的安排）",
        )

    def day(self, day: date) -> DayInfo:
        """What ``day`` is on this calendar. Answers are remembered per calendar version (a
        version fixes every answer), so the radar's and the deadlines' day-by-day counting
        over several years costs a dictionary lookup per day after the first time."""
        memo = _DAY_MEMO.get(self.version)
        if memo is None:
            if len(_DAY_MEMO) >= _DAY_MEMO_VERSIONS:
                _DAY_MEMO.clear()
            memo = _DAY_MEMO[self.version] = {}
        info = memo.get(day)
        if info is None:
            info = memo[day] = self._compute_day(day)
        return info

    def _compute_day(self, day: date) -> DayInfo:
        provenance = self.provenance(day)
        if day in self.override_holidays:
            return DayInfo(day, False, "holiday", self.override_holidays[day] or None, provenance, "本次指定的假日")
        if day in self.override_workdays:
            return DayInfo(day, True, "makeup_workday", None, provenance, "本次指定的调休上班日")
        if day.year in self._by_year or day in self._schedule_days:
            sched = self._by_year.get(day.year)
            src = f"{day.year} 年正式安排（已导入{('：' + sched.source) if sched and sched.source else ''}）"
            known = self._schedule_days.get(day)
            if known is not None:
                return DayInfo(day, known.working, known.kind, known.holiday, OFFICIAL, src)
            return self._plain(day, OFFICIAL, src)
        if provenance == OFFICIAL:
            return self._exact(day)
        return self._estimate(day)

    def is_working_day(self, day: date) -> bool:
        return self.day(day).working

    @staticmethod
    def _plain(day: date, provenance: str, source: str) -> DayInfo:
        weekend = day.weekday() >= 5
        return DayInfo(day, not weekend, "weekend" if weekend else "workday", None, provenance, source)

    def _exact(self, day: date) -> DayInfo:
        import chinese_calendar

        working = chinese_calendar.is_workday(day)
        _, name = chinese_calendar.get_holiday_detail(day)
        name_zh = _CC_NAMES_ZH.get(name, name) if name else None
        weekend = day.weekday() >= 5
        src = f"chinese-calendar {_package_version('chinese-calendar')}"
        if working:
            kind = "makeup_workday" if weekend else "workday"
        else:
            # chinese-calendar names exactly the days of an announced run of days off
            kind = "holiday" if (name_zh or not weekend) else "weekend"
        return DayInfo(day, working, kind, name_zh, OFFICIAL, src)

    def _estimate(self, day: date) -> DayInfo:
        holidays_year = _estimate_year(day.year)
        weekend = day.weekday() >= 5
        src = f"holidays {_package_version('holidays')} 推算"
        if day in holidays_year.workdays:
            return DayInfo(day, True, "makeup_workday", None, PROVISIONAL, src)
        if day in holidays_year.holidays:
            return DayInfo(day, False, "holiday", holidays_year.holidays[day], PROVISIONAL, src)
        return DayInfo(day, not weekend, "weekend" if weekend else "workday", None, PROVISIONAL, src)

    # -- counting

    def add_working_days(self, start: date, days: int) -> date:
        """End of the Nth working day after ``start`` (``start`` itself not counted)."""
        if days < 0:
            raise DomainError("invalid_days", f"工作日天数不能为负数：{days}")
        current = start
        remaining = days
        while remaining > 0:
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when ``end`` is before ``start``."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count

    def provisional_between(self, start: date, end: date) -> bool:
        lo, hi = min(start, end), max(start, end)
        return any(self.provenance(date(y, 1, 1)) == PROVISIONAL for y in range(lo.year, hi.year + 1))


@dataclass(frozen=True)
class _EstimateYear:
    holidays: Mapping[date, str]
    workdays: frozenset[date]


_ESTIMATES: dict[int, _EstimateYear] = {}
_DAY_MEMO: dict[str, dict[date, DayInfo]] = {}  # calendar version -> day -> answer
_DAY_MEMO_VERSIONS = 32  # scenario runs make throw-away versions; forget them all past this many


def _estimate_year(year: int) -> _EstimateYear:
    cached = _ESTIMATES.get(year)
    if cached is None:
        import holidays as _holidays

        cal = _holidays.China(years=year, language="zh_CN")
        days = {d: n for d, n in cal.items() if d.year == year}
        workdays = frozenset(d for d in getattr(cal, "weekend_workdays", ()) if d.year == year)
        cached = _ESTIMATES[year] = _EstimateYear(days, workdays)
    return cached


SHIPPED = WorkCalendar()
