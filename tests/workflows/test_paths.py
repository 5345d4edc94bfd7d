"""Every path of RULES.md program 1, through the real workflow."""

from datetime import date

import pytest

from domain.calendar import SHANGHAI, add_months

from tests.support import APPLICANT, SECRETARIAT, application, element_indicators
from tests.workflows.helpers import (
    approve,
    d,
    designate,
    events,
    meeting,
    ok,
    refused,
    register,
    to_formal_review,
    to_meeting,
    who,
)
from workflows.cnlic.contracts import designation_workflow_id

FURNITURE_ASSOCIATION = {"role": "association", "name": "中国家具协会"}  # the directory's body for 家具

pytestmark = pytest.mark.workflow


async def test_first_designation_walks_every_stage_and_confers_a_four_year_title(sim):
    await designate(sim, meeting_on=d(6, 20))
    view = await sim.service.view("ceramics")
    assert (view.stage, view.title_status) == ("designated", "valid")
    assert view.valid_until == d(6, 19, years=4)
    assert view.title == "中国陶瓷之都·佛山"
    stages = [r.data["to"] for r in events(sim, "ceramics", "stage")]
    assert stages == ["cultivation", "applied", "accepted", "site_evaluation", "association_opinion",
                      "formal_review", "awaiting_meeting", "approved", "designated"]
    assert {dl.what for dl in view.deadlines} == {"expiry", "reevaluation_application", "annual_report"}
    actors = {(r.data.get("action"), r.actor_role) for r in events(sim, "ceramics", "action")}
    assert ("approve_site_visit", "leader") in actors and ("record_site_report", "expert") in actors


async def test_the_timeline_is_the_journal_complete_up_to_the_workflows_own_sequence(sim):
    await designate(sim)
    total, timeline = sim.service.timeline("ceramics")
    view = await sim.service.view("ceramics")
    assert total == len(timeline) == view.seq
    assert [e.seq for e in timeline] == list(range(1, view.seq + 1))
    _, last = sim.service.timeline("ceramics", last=3)
    assert [e.seq for e in last] == [view.seq - 2, view.seq - 1, view.seq]


async def test_search_attributes_follow_the_lifecycle(sim):
    await designate(sim)
    desc = await sim.env.client.get_workflow_handle(designation_workflow_id("ceramics")).describe()
    attrs = {k.name: v for k, v in ((p.key, p.value) for p in desc.typed_search_attributes)}
    assert attrs["ClusterStage"] == "designated" and attrs["TitleStatus"] == "valid"
    assert attrs["Tier"] == "capital" and attrs["Industry"] == "陶瓷" and attrs["Province"] == "广东省"
    assert attrs["NextDeadline"].astimezone(SHANGHAI).date() == d(4, 30, years=1)  # the first annual report
    assert attrs["ValidUntil"].astimezone(SHANGHAI).date() == d(6, 19, years=4)


async def test_the_meeting_can_refuse_a_first_designation(sim):
    await register(sim, stage="applied", on=d(3, 1))
    await to_meeting(sim, "ceramics", d(3, 1))
    await meeting(sim, d(6, 20), {"ceramics": "refuse"})
    view = await sim.service.view("ceramics")
    assert view.stage == "refused" and view.deadlines == []
    final = await sim.env.client.get_workflow_handle(designation_workflow_id("ceramics")).result()
    assert final["stage"] == "refused"  # the lifecycle ended: the workflow completed


async def test_an_applicant_may_withdraw_before_the_meeting(sim):
    await register(sim, stage="applied", on=d(3, 1))
    await to_meeting(sim, "ceramics", d(3, 1))
    await ok(sim, "ceramics", "withdraw", {"reason": "产业调整"}, APPLICANT, d(5, 10))
    assert (await sim.service.view("ceramics")).stage == "withdrawn"
    assert await sim.service.waiting_for_meeting() == []  # taken off the meeting queue


async def test_a_supplement_request_stops_the_formal_review_clock_and_a_new_one_starts_on_arrival(sim):
    await register(sim, stage="applied", on=d(3, 1))
    await to_formal_review(sim, "ceramics", d(3, 1), received=d(3, 15))
    first = [r.data["due"] for r in events(sim, "ceramics", "deadline", what="formal_review")]
    await ok(sim, "ceramics", "request_supplement", {"items": ["近三年产值统计表"]}, SECRETARIAT, d(3, 20))
    view = await sim.service.view("ceramics")
    assert "formal_review" not in {dl.what for dl in view.deadlines}
    assert await refused(sim, "ceramics", "complete_formal_review", {}, SECRETARIAT, d(3, 21)) == "action_not_allowed"
    await ok(sim, "ceramics", "submit_supplement", {"items": ["近三年产值统计表"]}, APPLICANT, d(4, 6))
    second = [r.data for r in events(sim, "ceramics", "deadline", what="formal_review")][-1]
    assert second["anchor"] == d(4, 6).isoformat() and second["due"] > first[0]
    cleared = events(sim, "ceramics", "deadline_cleared", what="formal_review")
    assert cleared[0].data["reason"] == "stopped: supplement requested"


async def test_reevaluation_filed_before_expiry_keeps_the_title_extended_and_a_pass_starts_a_new_cycle(sim):
    await designate(sim, meeting_on=d(6, 20))
    await ok(sim, "ceramics", "file_reevaluation", {}, APPLICANT, d(3, 1, years=4))
    await to_meeting(sim, "ceramics", d(3, 2, years=4), new_cluster=False, review_days=60)
    await sim.advance_to(d(6, 25, years=4))
    view = await sim.service.view("ceramics")
    assert (view.stage, view.title_status) == ("awaiting_meeting", "extended")
    await approve(sim, d(7, 8, years=4), ["ceramics"])
    view = await sim.service.view("ceramics")
    assert (view.stage, view.title_status, view.valid_until) == ("designated", "valid", d(7, 7, years=8))
    assert view.cycle == 2
    report = events(sim, "ceramics", "action", action="record_site_report")[-1].data["report"]
    assert {c["indicator"] for c in report["comparisons"]} == {"output", "value"}


async def test_reevaluation_filed_after_expiry_is_late_and_the_title_stays_expired_until_it_passes(sim):
    await designate(sim, meeting_on=d(6, 20))
    await sim.advance_to(d(7, 1, years=4))
    assert (await sim.service.view("ceramics")).stage == "expired"
    await ok(sim, "ceramics", "file_reevaluation", {}, APPLICANT, d(8, 1, years=4))
    assert events(sim, "ceramics", "deadline_cleared", what="reevaluation_application")[-1].data["late"] is True
    await to_meeting(sim, "ceramics", d(8, 2, years=4), new_cluster=False)
    assert (await sim.service.view("ceramics")).title_status == "expired"
    await approve(sim, d(9, 20, years=4), ["ceramics"])
    view = await sim.service.view("ceramics")
    assert view.title_status == "valid" and view.valid_until == d(9, 19, years=8)


async def _fail_reevaluation(sim):
    await designate(sim, meeting_on=d(6, 20))
    await ok(sim, "ceramics", "file_reevaluation", {}, APPLICANT, d(3, 1, years=4))
    await to_meeting(sim, "ceramics", d(3, 2, years=4), new_cluster=False)
    await meeting(sim, d(6, 10, years=4), {"ceramics": "refuse"})


async def test_failed_reevaluation_starts_one_year_of_rectification_and_a_passed_review_restores_the_title(sim):
    await _fail_reevaluation(sim)
    view = await sim.service.view("ceramics")
    assert (view.stage, view.title_status) == ("rectification", "rectifying")
    assert {dl.what: dl.due for dl in view.deadlines}["rectification"] == d(6, 9, years=5)
    await ok(sim, "ceramics", "file_rectification_review", {}, APPLICANT, d(3, 1, years=5))
    await to_meeting(sim, "ceramics", d(3, 2, years=5), new_cluster=False)
    await approve(sim, d(5, 20, years=5), ["ceramics"])
    view = await sim.service.view("ceramics")
    assert (view.stage, view.title_status, view.valid_until) == ("designated", "valid", d(5, 19, years=9))


async def test_a_failed_rectification_review_returns_to_rectification_and_the_year_ending_revokes(sim):
    """§四(三) as clarified: a failed review within the year leaves room for another; the title
    is revoked when the year ends without a passed one, with the reason recorded."""
    await _fail_reevaluation(sim)
    await ok(sim, "ceramics", "file_rectification_review", {}, APPLICANT, d(1, 5, years=5))
    await to_meeting(sim, "ceramics", d(1, 6, years=5), new_cluster=False)
    await meeting(sim, d(3, 20, years=5), {"ceramics": "refuse"})
    view = await sim.service.view("ceramics")
    assert (view.stage, view.title_status) == ("rectification", "rectifying")
    assert "file_rectification_review" in view.allowed["applicant"]
    await sim.advance_to(d(6, 12, years=5))
    view = await sim.service.view("ceramics")
    assert (view.stage, view.title_status) == ("revoked", "revoked")
    reasons = [r.data["reason"] for r in events(sim, "ceramics", "action", action="revoke_rectification")]
    assert reasons and "§四(三)" in reasons[0]


async def test_no_rectification_review_filed_within_the_year_revokes_automatically(sim):
    await _fail_reevaluation(sim)
    await sim.advance_to(d(6, 12, years=5))
    view = await sim.service.view("ceramics")
    assert (view.stage, view.title_status) == ("revoked", "revoked")
    overdue = events(sim, "ceramics", "overdue", what="rectification")
    assert [r.on for r in overdue] == [d(6, 10, years=5)]


async def test_a_title_more_than_two_years_past_expiry_is_revoked_at_the_annual_recognition(sim):
    await designate(sim, meeting_on=d(12, 15))
    expired_on = d(12, 15, years=4)
    await sim.advance_to(d(1, 20, years=6))
    assert (await sim.service.view("ceramics")).stage == "expired"  # 31 Dec two years on: not yet > 2 years
    await sim.advance_to(d(1, 20, years=7))
    view = await sim.service.view("ceramics")
    assert (view.stage, view.title_status) == ("revoked", "revoked")
    from store.cnlic import lifecycle as repo

    lists = {r.year: r for r in repo.recognitions(sim.engine)}
    assert "ceramics" in lists[expired_on.year + 1].overdue
    assert lists[expired_on.year + 2].revoked == ["ceramics"]
    revoked = events(sim, "ceramics", "stage", to="revoked")
    assert revoked[0].on == date(expired_on.year + 3, 1, 15)


async def test_a_title_change_runs_the_procedure_while_the_current_title_stays_valid(sim):
    await designate(sim, meeting_on=d(6, 20))
    await ok(sim, "ceramics", "file_title_change", {"elements": ["智能"], "element_indicators": element_indicators("智能")},
             APPLICANT, d(9, 1, years=1))
    view = await sim.service.view("ceramics")
    assert (view.stage, view.procedure, view.title_status) == ("applied", "title_change", "valid")
    await to_meeting(sim, "ceramics", d(9, 2, years=1))
    await approve(sim, d(12, 10, years=1), ["ceramics"])
    view = await sim.service.view("ceramics")
    assert view.title == "中国陶瓷智能都·佛山" and view.valid_until == d(12, 9, years=5)


async def test_onboarding_an_existing_title_fires_its_past_due_clocks_at_once(sim):
    today = await sim.today()
    conferred = add_months(today, -47)  # valid one more month; the re-evaluation application was due 2 months ago
    await sim.register({"key": "ceramics", "industry": "陶瓷", "product": "陶瓷", "tier": "capital",
                        "region": {"province": "广东省", "city": "佛山市", "county": "禅城区", "code": "440604"}},
                       {"stage": "designated", "on": conferred.isoformat()}, who(SECRETARIAT))
    view = await sim.service.view("ceramics")
    assert view.stage == "designated" and view.conferred_on == conferred
    overdue = [r.data["what"] for r in events(sim, "ceramics", "overdue")]
    assert overdue == ["reevaluation_application"] and [r.on for r in events(sim, "ceramics", "overdue")] == [today]


async def test_onboarding_a_title_already_past_expiry_starts_expired(sim):
    await sim.register({"key": "leather", "industry": "皮革", "product": "皮革", "tier": "base",
                        "region": {"province": "河北省", "city": "沧州市", "county": "献县", "code": "130929"}},
                       {"stage": "designated", "on": "2019-05-10"}, who(SECRETARIAT))
    view = await sim.service.view("leather")
    assert (view.stage, view.title_status, view.valid_until) == ("expired", "expired", date(2023, 5, 9))
    assert view.deadlines == []


async def test_one_meeting_decides_every_waiting_cluster_exactly_once(sim):
    await register(sim, "ceramics", stage="applied", on=d(3, 1))
    await register(sim, "furniture", stage="applied", on=d(3, 1), industry="家具", product="家具", tier="base",
                   region={"province": "广东省", "city": "东莞市", "county": "厚街镇", "code": "441900"},
                   application=application(bodies=["中国家具协会"]))
    await to_meeting(sim, "ceramics", d(3, 1))
    await to_meeting(sim, "furniture", d(4, 1), association=FURNITURE_ASSOCIATION)
    assert [w.cluster_key for w in await sim.service.waiting_for_meeting()] == ["ceramics", "furniture"]
    result = await approve(sim, d(5, 10), ["ceramics"])
    assert result.decisions == {"ceramics": "approve", "furniture": "defer"}
    assert [w.cluster_key for w in await sim.service.waiting_for_meeting()] == ["furniture"]
    for key, decision in result.decisions.items():
        assert [r.data["decision"] for r in events(sim, key, "decision")] == [decision]
    assert (await sim.service.view("furniture")).stage == "awaiting_meeting"
    furniture_meeting = [dl for dl in (await sim.service.view("furniture")).deadlines if dl.what == "meeting"][0]
    assert furniture_meeting.due == d(9, 30)  # deferred: the next quarter's meeting
    assert await refused(sim, None, "hold_meeting", {"decisions": {"ceramics": "approve"}}, SECRETARIAT,
                         d(5, 11)) == "meeting_cluster_not_waiting"


async def test_a_quarter_ending_with_clusters_waiting_and_no_meeting_escalates(sim):
    await register(sim, stage="applied", on=d(3, 1))
    await to_meeting(sim, "ceramics", d(3, 1), review_days=40)  # waits from 10 April
    await sim.advance_to(d(10, 2))
    overdue = events(sim, "ceramics", "overdue", what="meeting")
    assert [(r.on, r.data["due"]) for r in overdue] == [(d(7, 1), d(6, 30).isoformat()),
                                                         (d(10, 1), d(9, 30).isoformat())]
    assert (await sim.service.view("ceramics")).stage == "awaiting_meeting"  # still waiting for a decision


async def test_a_cluster_joining_the_queue_after_this_quarters_meeting_waits_for_the_next_quarter(sim):
    await register(sim, "ceramics", stage="applied", on=d(3, 1))
    await register(sim, "furniture", stage="applied", on=d(3, 1), industry="家具", product="家具", tier="base",
                   region={"province": "广东省", "city": "东莞市", "county": "厚街镇", "code": "441900"},
                   application=application(bodies=["中国家具协会"]))
    await to_meeting(sim, "ceramics", d(3, 1))
    await approve(sim, d(4, 5), ["ceramics"])
    await to_meeting(sim, "furniture", d(4, 6), association=FURNITURE_ASSOCIATION)
    due = [dl.due for dl in (await sim.service.view("furniture")).deadlines if dl.what == "meeting"]
    assert due == [d(9, 30)]
