"""Every rule refusal comes back as the rule's code and Chinese message, and leaves the
workflow history and the journal untouched."""

import pytest
from temporalio.api.enums.v1 import EventType

from domain.cnlic.model import Actor
from service.cnlic.simulate import Rejection
from tests.support import (
    APPLICANT,
    ASSOCIATION,
    LEAD_EXPERT,
    LEADER,
    SECRETARIAT,
    annual_report,
    application,
    cluster,
    panel,
    site_report,
    site_visit,
)
from tests.workflows.helpers import d, designate, ok, refused, register, to_meeting
from workflows.cnlic.contracts import designation_workflow_id

pytestmark = pytest.mark.workflow


async def business_events(sim, key: str) -> list[str]:
    """History events other than workflow-task bookkeeping (the test server keeps the
    task that ran a rejecting validator; a real server drops it)."""
    history = await sim.env.client.get_workflow_handle(designation_workflow_id(key)).fetch_history()
    return [EventType.Name(e.event_type) for e in history.events if "WORKFLOW_TASK" not in EventType.Name(e.event_type)]


async def test_a_refused_update_writes_nothing_to_the_history(sim):
    await register(sim, stage="applied", on=d(3, 1))
    before = await business_events(sim, "ceramics")
    assert await refused(sim, "ceramics", "accept_application", {}, SECRETARIAT, d(3, 1)) == "action_not_allowed"
    after = await business_events(sim, "ceramics")
    assert after == before and not any("UPDATE" in name for name in after)
    await ok(sim, "ceramics", "record_opinion", {}, ASSOCIATION, d(3, 1))
    assert any("UPDATE_ACCEPTED" in name for name in await business_events(sim, "ceramics"))


@pytest.mark.parametrize("action, data, by, code", [
    ("accept_application", {}, ASSOCIATION, "role_not_allowed"),
    ("accept_application", {}, SECRETARIAT, "action_not_allowed"),
    ("record_opinion", {"body": "中国家具协会"}, ASSOCIATION, "opinion_body_not_named"),
    ("record_opinion", {}, {"role": "provincial", "name": "中国陶瓷工业协会"}, "opinion_role_mismatch"),
    ("approve_site_visit", site_visit("2099-01-01"), LEADER, "action_not_allowed"),
    ("revoke", {"reason": "x"}, LEADER, "action_not_allowed"),
    ("file_application", application(), APPLICANT, "action_not_allowed"),
    ("withdraw", {}, {"role": "auditor", "name": "审计"}, "role_not_allowed"),
    ("no_such_action", {}, SECRETARIAT, "action_unknown"),
])
async def test_stage_and_role_refusals_carry_their_code(sim, action, data, by, code):
    await register(sim, stage="applied", on=d(3, 1))
    assert await refused(sim, "ceramics", action, data, by, d(3, 1)) == code


async def _accepted(sim):
    await register(sim, stage="applied", on=d(3, 1))
    await ok(sim, "ceramics", "record_opinion", {}, ASSOCIATION, d(3, 1))
    await ok(sim, "ceramics", "accept_application", {}, SECRETARIAT, d(3, 1))


@pytest.mark.parametrize("members, code", [
    (panel(size=4), "panel_too_small"),
    (panel(senior=2), "panel_too_few_senior"),
    (panel(region_code="440601"), "panel_conflict_of_interest"),
])
async def test_panel_refusals(sim, members, code):
    await _accepted(sim)
    assert await refused(sim, "ceramics", "approve_site_visit", site_visit(d(3, 10), panel=members), LEADER,
                         d(3, 2)) == code


async def test_site_report_refusals(sim):
    await _accepted(sim)
    await ok(sim, "ceramics", "approve_site_visit", site_visit(d(3, 10)), LEADER, d(3, 2))
    bad_sheet = dict(site_report()["score_sheet"], part1_met=9, part1=50, total=86)
    cases = [
        (site_report(findings=["一", "二", "三"]), LEAD_EXPERT, "report_too_few_findings"),
        (site_report(recommendations=["一"]), LEAD_EXPERT, "report_too_few_recommendations"),
        (site_report(score_sheet=bad_sheet), LEAD_EXPERT, "score_band_part1"),
        (site_report(indicators={"output": {"value": 5}}), LEAD_EXPERT, "report_missing_rank"),
        (site_report(indicators={"output": {"value": 5, "rank": 9}}), LEAD_EXPERT, "rank_exceeds_tier"),
        (site_report(), {"role": "expert", "name": "专家2"}, "not_panel_lead"),
    ]
    for data, by, code in cases:
        assert await refused(sim, "ceramics", "record_site_report", data, by, d(3, 11)) == code


@pytest.mark.parametrize("data, code", [
    (application(route="provincial"), "route_bodies_mismatch"),
    (application(route="by_post"), "route_unknown"),
    (application(industry_history_years=3), "industry_history_too_short"),
    (application(attachments=["申请报告"]), "attachments_incomplete"),
])
async def test_application_refusals(sim, data, code):
    await register(sim, stage="cultivation", on=d(1, 4))
    assert await refused(sim, "ceramics", "file_application", data, APPLICANT, d(3, 1)) == code


async def test_a_second_live_lifecycle_for_the_same_region_and_industry_needs_a_leader_override(sim):
    from domain.errors import DomainError

    await register(sim, "ceramics", stage="cultivation", on=d(1, 4))
    with pytest.raises(DomainError) as e:
        await register(sim, "ceramics2", stage="cultivation", on=d(1, 5))
    assert e.value.code == "duplicate_lifecycle"
    await sim.register(cluster("ceramics2"), {"stage": "cultivation", "on": d(1, 5).isoformat()},
                       Actor(**SECRETARIAT), override={"by": LEADER, "reason": "两个片区分属不同产品"})
    assert (await sim.service.view("ceramics2")).stage == "cultivation"
    with pytest.raises(DomainError) as e:
        await register(sim, "ceramics", stage="cultivation", on=d(1, 5), industry="家具")
    assert e.value.code == "cluster_exists"


async def test_meeting_refusals(sim):
    await register(sim, stage="applied", on=d(3, 1))
    assert await refused(sim, None, "hold_meeting", {"decisions": {}}, SECRETARIAT, d(3, 2)) == "meeting_nothing_waiting"
    await to_meeting(sim, "ceramics", d(3, 1))
    cases = [
        ({"decisions": {"ceramics": "approve"}}, LEADER, "role_not_allowed"),
        ({"decisions": {"ceramics": "maybe"}}, SECRETARIAT, "meeting_decision_unknown"),
        ({"decisions": {"furniture": "approve"}}, SECRETARIAT, "meeting_cluster_not_waiting"),
        ({"decisions": {"ceramics": "approve"}, "held_on": d(3, 2).isoformat()}, SECRETARIAT, "meeting_date_invalid"),
        ({"decisions": {"ceramics": "approve"}, "held_on": d(12, 31).isoformat()}, SECRETARIAT, "meeting_date_invalid"),
    ]
    for data, by, code in cases:
        assert await refused(sim, None, "hold_meeting", data, by, d(4, 5)) == code
    assert (await sim.service.view("ceramics")).stage == "awaiting_meeting"


async def test_annual_report_and_revocation_refusals(sim):
    await designate(sim, meeting_on=d(6, 20))
    assert await refused(sim, "ceramics", "submit_annual_report", annual_report(2001), APPLICANT,
                         d(7, 1)) == "annual_report_year_invalid"
    bad = annual_report(d(1, 1).year)
    bad["indicators"]["turnover"] = 5
    assert await refused(sim, "ceramics", "submit_annual_report", bad, APPLICANT, d(7, 1)) == "indicator_unknown"
    assert await refused(sim, "ceramics", "revoke", {}, LEADER, d(7, 1)) == "reason_missing"
    assert await refused(sim, "ceramics", "revoke", {"reason": "x"}, SECRETARIAT, d(7, 1)) == "role_not_allowed"
    assert await refused(sim, "ceramics", "file_title_change", {}, APPLICANT, d(7, 1)) == "title_unchanged"
    assert await refused(sim, "ceramics", "file_title_change", {"elements": ["豪华"]}, APPLICANT,
                         d(7, 1)) == "title_element_unknown"


async def test_a_refusal_carries_a_chinese_message(sim):
    await register(sim, stage="applied", on=d(3, 1))
    result = await sim.act("ceramics", "accept_application", {}, Actor(**SECRETARIAT))
    assert isinstance(result, Rejection) and "中国陶瓷工业协会" in result.reason and "受理" in result.reason
