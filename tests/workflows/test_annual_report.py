"""附件五 through the real workflow (issue 11): 同比 against the report for the previous calendar
year, whenever it was filed — the review's probe — and the state keeps only per-year figures."""

from datetime import date

import pytest

from domain.cnlic.model import Actor
from tests.support import APPLICANT, SECRETARIAT, annual_report, cluster
from tests.workflows.helpers import Y, events, ok

pytestmark = pytest.mark.workflow


async def test_year_on_year_compares_with_the_previous_calendar_year_whenever_it_was_filed(sim):
    today = await sim.today()
    owed = today.year - 1 if today <= date(today.year, 4, 30) else today.year
    # a title conferred before today, onboarded: the report for ``owed`` is the first owed
    start = {"stage": "designated", "on": date(owed - 1, 6, 1).isoformat()}
    await sim.register(cluster("ceramics"), start, Actor(**SECRETARIAT))
    a, b, c = owed + 1, owed, owed + 2  # the probe: 2027, then the late 2026, then 2028
    await ok(sim, "ceramics", "submit_annual_report", annual_report(a, revenue=200.0), APPLICANT, date(a + 1, 3, 1))
    await ok(sim, "ceramics", "submit_annual_report", annual_report(b, revenue=100.0), APPLICANT, date(a + 1, 3, 2))
    await ok(sim, "ceramics", "submit_annual_report", annual_report(c, revenue=220.0), APPLICANT, date(c + 1, 3, 1))
    filed = events(sim, "ceramics", "action", action="submit_annual_report")
    assert [e.data["report"]["year"] for e in filed] == [a, b, c]
    assert [e.data["report"]["growth"]["revenue"] for e in filed] == [None, None, 10.0]
    assert filed[1].data["late"] is True
    view = await sim.service.view("ceramics")
    assert view.stage == "designated"
    assert Y >= owed  # the probe's years are the ones the time-skipping server reaches
