"""RULES.md "Thresholds" through the service: the expert enters values, the service resolves
the 达标值 table in force on the visit date, the workflow computes "met" and records the
table's version with the sheet; no table in force is refused by name."""

from datetime import timedelta

import pytest

from domain.cnlic.access import User
from service.cnlic import thresholds as tsvc
from tests.support import CERAMICS, LEAD_EXPERT, SECRETARIAT, site_report, site_visit
from tests.workflows.helpers import d, ok, refused, register

pytestmark = pytest.mark.workflow

ASSOCIATION_USER = User("ceramics-assoc", "association", "中国陶瓷工业协会", industries=(CERAMICS["industry"],))
PART1 = ["output_value", "sales_revenue", "main_revenue", "profit_tax", "exports", "firms", "above_scale_firms",
         "patents", "standards", "brands", "employees", "rd_ratio", "market_share"]
PART2 = ["safety_cert_share", "iso9000_share", "iso14000_share", "iso22000_share", "pass_rate"]


def entered(met1: int) -> dict:
    values = {k: (20.0 if i < met1 else 5.0) for i, k in enumerate(PART1)}
    values.update({k: 99.0 for k in PART2})
    values.update(quality_incident="无", pollution_incident="无", safety_accident="无")
    return {"values": values, "part1": 52, "part2": 18, "part3": 9, "part4": 9, "total": 88}


def file(sim, effective, value):
    rows = [{"key": k, "value": value} for k in PART1 + PART2]
    return tsvc.file_table(sim.engine, ASSOCIATION_USER, CERAMICS["industry"], CERAMICS["tier"], effective, rows)


async def walk_to_visit(sim, start):
    await register(sim, stage="applied", on=start)
    await ok(sim, "ceramics", "record_opinion", {"text": "同意"}, {"role": "association", "name": "中国陶瓷工业协会"},
             start)
    await ok(sim, "ceramics", "accept_application", {}, SECRETARIAT, start)
    await ok(sim, "ceramics", "approve_site_visit", site_visit(start + timedelta(days=10)),
             {"role": "leader", "name": "张会长"}, start + timedelta(days=2))


async def test_site_report_through_the_service_carries_the_threshold_version_in_force_on_the_visit_date(sim):
    start = d(3, 2)
    file(sim, start - timedelta(days=60), 10)                    # v1, in force on the visit date
    file(sim, start + timedelta(days=200), 30)                   # v2, later: not the visit's table
    await walk_to_visit(sim, start)
    report = site_report(score_sheet=entered(12))
    await ok(sim, "ceramics", "record_site_report", report, LEAD_EXPERT, start + timedelta(days=11))
    event = [r for r in sim.journal("ceramics") if r.kind == "action" and r.data.get("action") == "record_site_report"]
    score = event[-1].data["report"]["score"]
    assert score["thresholds"] == f"{CERAMICS['industry']}·都·第1版"
    assert score["part1_met"] == 12 and score["part2_first5_met"] == 5
    assert len(score["rows"]) == 13 + 8
    from sqlmodel import select

    from store.db import session
    from store.cnlic.models import ScoreSheetRow
    with session(sim.engine) as s:
        (row,) = s.exec(select(ScoreSheetRow).where(ScoreSheetRow.cluster_key == "ceramics")).all()
    assert row.thresholds == score["thresholds"]  # the score sheet's row names the version too


async def test_a_sheet_with_values_and_no_table_in_force_is_refused_thresholds_missing(sim):
    start = d(3, 2)
    file(sim, start + timedelta(days=200), 10)  # filed, but not yet in force on the visit date
    await walk_to_visit(sim, start)
    code = await refused(sim, "ceramics", "record_site_report", site_report(score_sheet=entered(12)), LEAD_EXPERT,
                         start + timedelta(days=11))
    assert code == "thresholds_missing"
    assert sim.rejections[-1].reason.endswith("再录入打分表")


async def test_met_computed_from_values_refuses_a_part1_score_above_its_band(sim):
    start = d(3, 2)
    file(sim, start - timedelta(days=1), 10)
    await walk_to_visit(sim, start)
    # nine rows meet the table: 52 points is above the 8-10 band, whatever the expert thinks
    code = await refused(sim, "ceramics", "record_site_report", site_report(score_sheet=entered(9)), LEAD_EXPERT,
                         start + timedelta(days=11))
    assert code == "score_band_part1"


async def test_a_table_for_another_tier_only_is_refused_thresholds_missing(sim):
    start = d(3, 2)
    rows = [{"key": k, "value": 10} for k in PART1 + PART2]
    tsvc.file_table(sim.engine, ASSOCIATION_USER, CERAMICS["industry"], "town", start - timedelta(days=30), rows)
    await walk_to_visit(sim, start)  # the cluster is 都 (capital): the 乡镇 table does not apply
    code = await refused(sim, "ceramics", "record_site_report", site_report(score_sheet=entered(12)), LEAD_EXPERT,
                         start + timedelta(days=11))
    assert code == "thresholds_missing"
