"""A full cycle with the annexes as complete forms, on the time-skipping server with the real
activities: an application with its 附件三 → the site report (附件四 with its sections) →
formal review → the meeting → the joint document → annual reports (one missing) → a
re-evaluation whose 附件三 is prefilled from the first evaluation (its year column computed),
whose report compares each indicator with the first evaluation and lists the annual reports
filed and missing since the title."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.cnlic.annex3 import EVALUATION_YEAR
from service.cnlic.annex3 import prefill_from_record
from tests.annexes import annex3, annex4
from tests.support import APPLICANT, ASSOCIATION, LEAD_EXPERT, LEADER, SECRETARIAT, annual_report, application, \
    site_report, site_visit
from tests.workflows.helpers import Y, approve, d, events, ok, refused, register
from workflows.cnlic.designation import DesignationWorkflow

pytestmark = pytest.mark.workflow


def full_report(new_cluster: bool, visit, **indicators) -> dict:
    report = site_report(new_cluster, indicators=indicators, **annex4(visited_on=visit.isoformat()))
    del report["findings"]  # the opinions, each with its text, replace the plain lines
    return report


async def procedure(sim, key, start, new_cluster: bool, **indicators):
    await ok(sim, key, "record_opinion", {"text": "同意"}, ASSOCIATION, start)
    await ok(sim, key, "accept_application", {}, SECRETARIAT, start)
    visit = start + timedelta(days=10)
    await ok(sim, key, "approve_site_visit", site_visit(visit), LEADER, start + timedelta(days=2))
    result = await ok(sim, key, "record_site_report", full_report(new_cluster, visit, **indicators), LEAD_EXPERT,
                      start + timedelta(days=11))
    await ok(sim, key, "record_formal_opinion", {"recommend": True}, ASSOCIATION, start + timedelta(days=20))
    await ok(sim, key, "complete_formal_review", {}, SECRETARIAT, start + timedelta(days=40))
    return result


async def test_full_cycle_with_annex3_and_a_reevaluation_prefilled_from_the_first_evaluation(sim):
    key = "ceramics"
    await register(sim, key)
    # 申请 with 附件三: the last three years before the filing
    await ok(sim, key, "file_application", {**application(), "annex3": annex3(years=[Y - 3, Y - 2, Y - 1])}, APPLICANT,
             d(3, 1))
    await procedure(sim, key, d(3, 1), True, output={"value": 5, "rank": 1}, value={"rank": 2})
    report = events(sim, key, "action", action="record_site_report")[-1].data
    assert report["annex4"]["panel"][:2] == [{"name": "李专家", "role": "leader"}, {"name": "专家1", "role": "deputy"}]
    assert report["annex4"]["figures_year"] == Y - 1
    assert report["report"]["best_rank"] == 1
    await approve(sim, d(6, 20), [key], document_on=d(6, 25))
    view = await sim.service.view(key)
    assert view.stage == "designated" and view.conferred_on == d(6, 25)

    facts = await sim.service._query(key, DesignationWorkflow.annex_facts, "annex_facts")
    assert facts["evaluation_indicators"][EVALUATION_YEAR] == Y - 1  # the first evaluation's figures and year
    assert facts["evaluation_indicators"]["value"] == 121

    # annual reports: the conferral year's on time, the next one missing, the third late
    await ok(sim, key, "submit_annual_report", annual_report(Y), APPLICANT, d(3, 15, years=1))
    await ok(sim, key, "submit_annual_report", annual_report(Y + 2), APPLICANT, d(5, 20, years=3))

    # 复评: 表二's first column is the first evaluation's year, prefilled from this cluster's record
    on = d(2, 1, years=4)
    years = [Y - 1, Y + 2, Y + 3]
    prefilled = prefill_from_record(tuple(years), facts["evaluation_indicators"], Y - 1)
    assert prefilled["table2"]["total_output"] == {"year1": 121.0}
    assert prefilled["table2"]["firms"] == {"year1": 340}
    code = await refused(sim, key, "file_reevaluation", {"annex3": annex3(years=[Y + 1, Y + 2, Y + 3])}, APPLICANT, on)
    assert code == "annex3_years_mismatch"
    tables = annex3(years=years, total_output={**prefilled["table2"]["total_output"], "year2": 140, "year3": 151.25},
                    firms={**prefilled["table2"]["firms"], "year2": 380, "year3": 425})
    await ok(sim, key, "file_reevaluation", {"annex3": tables}, APPLICANT, on)
    await procedure(sim, key, on, False)  # the expert restates nothing: the figures come from the tables
    report = events(sim, key, "action", action="record_site_report")[-1].data
    change = {c["indicator"]: c for c in report["report"]["comparisons"]}
    assert (change["value"]["previous"], change["value"]["current"], change["value"]["change_pct"]) == (121, 151.25, 25.0)
    assert change["firms"]["change_pct"] == 25.0
    assert report["annex4"]["compared_years"] == {"previous": Y - 1, "current": Y + 3}
    annual = report["annex4"]["annual_reports"]
    assert annual["filed"] == [Y, Y + 2] and annual["late"] == [Y + 2] and annual["missing"] == [Y + 1]

    await approve(sim, d(6, 1, years=4), [key], document_on=d(6, 5, years=4))
    view = await sim.service.view(key)
    assert view.stage == "designated" and view.conferred_on == d(6, 5, years=4)
    facts = await sim.service._query(key, DesignationWorkflow.annex_facts, "annex_facts")
    assert facts["evaluation_indicators"][EVALUATION_YEAR] == Y + 3  # the next re-evaluation compares with these
    assert facts["evaluation_indicators"]["value"] == 151.25
