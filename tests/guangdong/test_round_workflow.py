"""The 2026 round on the time-skipping server with the real workflows and activities (the
example scenario examples/guangdong/round-2026.yaml): 34 zones file on time, one is returned by
its 经贸局 and corrected, one misses the due date and is escalated to the province; every
journal's hash chain matches the head its workflow recorded; the summary lists all 36."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from audit.history import recorded_head, run_chain, spec_for, workflow_id_for
from audit.verify import verify_rows
from domain.guangdong.zones import ZONES
from domain.roles import User
from service.guangdong import reports
from service.guangdong.simulate import Runner, check_expectations, load_scenario, runnable
from store.guangdong import repo
from store.models import OutboxRow
from store.db import session
from sqlmodel import select

pytestmark = pytest.mark.workflow
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "guangdong" / "round-2026.yaml"
LATE, RETURNED = "gd-yunfu-stone", "gd-foshan-xiqiao-textiles"
PROVINCE = User("p", "province_department", "广东省经济贸易委员会", provinces=("广东省",))


@pytest.fixture(scope="module")
async def outcome():
    from service.cnlic.simulate import Simulation

    async with Simulation() as sim:
        sim_users = __import__("service.users", fromlist=["UserService"]).UserService(sim.engine)
        sim_users.add("yunfu-office", "zone_office", "云浮石材示范区办公室", "password-123", clusters=[LATE])
        sim_users.add("gd-province", "province_department", "广东省经济贸易委员会", "password-123",
                      provinces=["广东省"])
        sim_users.add("jiangmen-bureau", "prefecture_bureau", "江门市经贸局", "password-123", cities=["江门市"])
        scenario = runnable(load_scenario(EXAMPLE), await sim.today())
        runner = Runner(sim)
        items = await runner.run(scenario)
        yield sim, scenario, items, runner


async def test_the_round_ends_as_the_scenario_expects(outcome):
    sim, scenario, items, runner = outcome
    assert check_expectations(scenario, items) == []
    assert runner.rejections == []
    year = scenario.expect["data_year"]
    filings = repo.filings(sim.engine, year)
    assert len(filings) == 36 and all(f.step == "received" for f in filings)
    on_time = [f for f in filings if not f.late]
    assert len(on_time) == 35 and all(f.reached_province_on <= f.due for f in on_time)
    assert repo.round_of(sim.engine, year).closed_on is not None


async def test_the_due_date_and_reminders_were_planned_by_policy(outcome):
    sim, scenario, _, _ = outcome
    year = scenario.expect["data_year"]
    r = repo.round_of(sim.engine, year)
    assert r.due == date(year + 1, 3, 31) and r.reminders == [f"{year + 1}-03-01", f"{year + 1}-03-24"]


async def test_the_return_and_the_correction_are_in_the_journal(outcome):
    sim, scenario, _, _ = outcome
    year = scenario.expect["data_year"]
    rows = repo.journal(sim.engine, f"guangdong.filing-{year}-{RETURNED}")
    kinds = [r.kind for r in rows]
    actions = [k for k in kinds if k != "reminder"]
    assert actions == ["opened", "submitted", "signed_off", "returned", "corrected", "signed_off", "signed_off",
                       "received"]
    returned = rows[kinds.index("returned")]
    assert returned.actor_role == "prefecture_bureau" and "特色产业就业人数" in returned.data["reason"]
    corrected = rows[kinds.index("corrected")]
    assert corrected.data["returned_seq"] == returned.seq and kinds[-1] == "received"


async def test_the_late_zone_is_reminded_escalated_to_the_province_and_marked_late(outcome):
    sim, scenario, _, _ = outcome
    year = scenario.expect["data_year"]
    rows = repo.journal(sim.engine, f"guangdong.filing-{year}-{LATE}")
    clocks = [(r.kind, r.on) for r in rows if r.kind in ("reminder", "overdue")]
    assert clocks == [("reminder", date(year + 1, 3, 1)), ("reminder", date(year + 1, 3, 24)),
                      ("overdue", date(year + 1, 4, 1))]
    with session(sim.engine) as s:
        sent = s.exec(select(OutboxRow.recipient, OutboxRow.kind).where(
            OutboxRow.cluster_key == f"guangdong.filing-{year}-{LATE}")).all()
    # the zone's office was reminded twice; the escalation reached it and the province, not another city's bureau
    assert sorted(sent) == [("user:gd-province", "overdue"), ("user:yunfu-office", "overdue"),
                            ("user:yunfu-office", "reminder"), ("user:yunfu-office", "reminder")]
    assert repo.filing(sim.engine, year, LATE).late


async def test_every_journal_of_the_round_verifies_against_its_workflows_recorded_head(outcome):
    sim, scenario, _, _ = outcome
    year = scenario.expect["data_year"]
    keys = [f"guangdong.round-{year}"] + [f"guangdong.filing-{year}-{z.key}" for z in ZONES]
    for key in keys:
        head = recorded_head(await run_chain(sim.env.client, workflow_id_for(key)), spec_for(key))
        report = verify_rows(key, repo.journal(sim.engine, key), head)
        assert report.ok, report.summary()


async def test_an_edited_journal_row_is_named_by_the_audit(outcome):
    sim, scenario, _, _ = outcome
    year = scenario.expect["data_year"]
    key = f"guangdong.filing-{year}-{RETURNED}"
    rows = repo.journal(sim.engine, key)
    rows[3].data = {**rows[3].data, "reason": "（被改动）"}  # in memory: the store stays intact
    report = verify_rows(key, rows, recorded_head(await run_chain(sim.env.client, workflow_id_for(key)), spec_for(key)))
    assert not report.ok and report.first_bad == 4


async def test_the_summary_lists_all_36_zones_with_this_years_figures(outcome):
    sim, scenario, _, _ = outcome
    s = reports.summary(sim.engine, PROVINCE, scenario.expect["data_year"])
    assert len(s.rows) == 36 and all(r.cells["output"].this_year is not None for r in s.rows)
    assert [r.late for r in s.rows].count(True) == 1
