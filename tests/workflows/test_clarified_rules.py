"""RULES.md "Program 1 — clarifications" through the real workflows (issue 11): the joint
document confers the titles a meeting approved (§三(四)), and a score sheet under 70 blocks
both formal review and the meeting's approval (附件一 备注2)."""

from datetime import timedelta

import pytest

from tests.support import LEAD_EXPERT, LEADER, SECRETARIAT, site_report, site_visit
from tests.workflows.helpers import (
    d,
    events,
    joint_document,
    meeting,
    ok,
    refused,
    register,
    to_meeting,
)

pytestmark = pytest.mark.workflow

JINGDEZHEN = {"region": {"province": "江西省", "city": "景德镇市", "county": "珠山区", "code": "360203",
                         "name": "景德镇"}, "product": "日用陶瓷"}
FAILING_SHEET = {"part1_met": 6, "part1": 30, "part2_first5_met": 2, "part2_vetoes_clear": True, "part2": 8,
                 "part3": 5, "part4": 5, "total": 48}


async def test_one_joint_document_confers_every_title_the_meeting_approved_from_its_date(sim):
    await register(sim, "ceramics", stage="applied", on=d(3, 1))
    await register(sim, "jingdezhen", stage="applied", on=d(3, 1), **JINGDEZHEN)
    await to_meeting(sim, "ceramics", d(3, 1))
    await to_meeting(sim, "jingdezhen", d(4, 1))
    held = await meeting(sim, d(6, 20), {"ceramics": "approve", "jingdezhen": "approve"})
    for key in ("ceramics", "jingdezhen"):
        view = await sim.service.view(key)
        assert (view.stage, view.title_status, view.valid_until) == ("approved", "none", None)
        assert "record_joint_document" in view.allowed["secretariat"]
    assert await refused(sim, None, "record_joint_document",
                         {"number": "中轻联综字〔2027〕3号", "issued_on": d(6, 19).isoformat()}, SECRETARIAT,
                         d(7, 1)) == "document_date_invalid"
    result = await joint_document(sim, d(7, 1), number="中轻联综字〔2027〕3号",
                                  bodies=["中国轻工业联合会", "中国陶瓷工业协会"])
    assert result.meeting_id == held.meeting_id and result.document.clusters == ["ceramics", "jingdezhen"]
    for key in ("ceramics", "jingdezhen"):
        view = await sim.service.view(key)
        assert (view.stage, view.title_status) == ("designated", "valid")
        assert view.conferred_on == d(7, 1) and view.valid_until == d(6, 30, years=4)
        documented = events(sim, key, "action", action="record_joint_document")
        assert [r.data["number"] for r in documented] == ["中轻联综字〔2027〕3号"]
    assert await refused(sim, None, "record_joint_document",
                         {"number": "中轻联综字〔2027〕4号", "issued_on": d(7, 2).isoformat(),
                          "meeting_id": held.meeting_id}, SECRETARIAT, d(7, 2)) == "document_duplicate"


async def test_a_sheet_under_70_blocks_formal_review_and_the_meetings_approval_of_that_cluster_alone(sim):
    await register(sim, "ceramics", stage="applied", on=d(3, 1))
    await register(sim, "jingdezhen", stage="applied", on=d(3, 1), **JINGDEZHEN)
    await to_meeting(sim, "ceramics", d(3, 1))
    # the weak cluster: its panel's sheet totals 48
    start = d(4, 1)
    await ok(sim, "jingdezhen", "record_opinion", {"text": "同意"}, {"role": "association", "name": "中国陶瓷工业协会"},
             start)
    await ok(sim, "jingdezhen", "accept_application", {}, SECRETARIAT, start)

    await ok(sim, "jingdezhen", "approve_site_visit", site_visit(start + timedelta(days=10)), LEADER,
             start + timedelta(days=2))
    await ok(sim, "jingdezhen", "record_site_report", site_report(score_sheet=FAILING_SHEET), LEAD_EXPERT,
             start + timedelta(days=11))
    await ok(sim, "jingdezhen", "record_formal_opinion", {"recommend": False},
             {"role": "association", "name": "中国陶瓷工业协会"}, start + timedelta(days=15))
    assert await refused(sim, "jingdezhen", "complete_formal_review", {}, SECRETARIAT, d(4, 25)) == "score_below_pass"
    await ok(sim, "jingdezhen", "complete_formal_review", {"refer_for_refusal": True}, SECRETARIAT, d(4, 25))
    held = await meeting(sim, d(6, 20), {"ceramics": "approve", "jingdezhen": "approve"})
    assert set(held.refused) == {"jingdezhen"} and held.refused["jingdezhen"]["code"] == "score_below_pass"
    assert "附件一 备注2" in held.refused["jingdezhen"]["message"]
    assert (await sim.service.view("ceramics")).stage == "approved"  # the others' decisions stand
    assert (await sim.service.view("jingdezhen")).stage == "awaiting_meeting"
    await sim._until(lambda: events(sim, "jingdezhen", "decision_refused"), "the refusal is in the cluster's journal")
    assert events(sim, "jingdezhen", "decision_refused")[0].data["code"] == "score_below_pass"
    assert [w.cluster_key for w in await sim.service.waiting_for_meeting()] == ["jingdezhen"]
    await meeting(sim, d(6, 21), {"jingdezhen": "refuse"})
    assert (await sim.service.view("jingdezhen")).stage == "refused"


async def test_an_approval_waiting_for_its_joint_document_has_no_clock_and_the_per_cluster_form_works(sim):
    await register(sim, "ceramics", stage="applied", on=d(3, 1))
    await to_meeting(sim, "ceramics", d(3, 1))
    await meeting(sim, d(6, 20), {"ceramics": "approve"})
    await sim.advance_to(d(9, 1))
    view = await sim.service.view("ceramics")
    assert view.stage == "approved" and view.deadlines == []  # the rules set no clock (RULES.md)
    await ok(sim, "ceramics", "record_joint_document",
             {"number": "中轻联综字〔2027〕5号", "issued_on": d(8, 15).isoformat(), "bodies": ["中国轻工业联合会"]},
             SECRETARIAT, d(9, 1))
    view = await sim.service.view("ceramics")
    assert view.stage == "designated" and view.valid_until == d(8, 14, years=4)
