"""Program 2's selection round on the time-skipping server with real activities over a temp
SQLite store: program 1's clusters onboarded, the round opened, walked step by step, its
clocks reminding and escalating, the honour written on program 1's records, and every
history replaying with the journal's chain intact."""

from __future__ import annotations

from datetime import timedelta

import pytest
import pytest_asyncio

from audit.replay import replay_cluster
from service.cnlic.simulate import Rejection
from service.demonstration.simulate import RoundSimulation
from store.cnlic import lifecycle as cnlic_repo
from store.demonstration import rounds as repo
from tests.demonstration_support import (
    CERAMICS,
    FURNITURE,
    LEADER,
    SECRETARIAT,
    cobuilt,
    onboarding,
    recommendation,
)
from tests.support import SECRETARIAT as CNLIC_SECRETARIAT
from domain.roles import Actor

pytestmark = pytest.mark.workflow


@pytest_asyncio.fixture
async def rsim():
    async with RoundSimulation() as s:
        yield s


async def round_page(sim, key: str) -> str:
    """The round's page as the secretariat sees it in the console, over this simulation."""
    import re

    import httpx

    from console.app import create_app
    from service.cnlic.console import ConsoleService
    from service.users import UserService

    users = UserService(sim.engine)
    users.add("secretariat", "secretariat", "综合业务部", "password-123")
    app = create_app(ConsoleService(sim.service, sim.engine, temporal_ui="http://127.0.0.1:8233"), users)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://console.test") as client:
        r = await client.post("/login", data={"username": "secretariat", "password": "password-123", "next": "/"})
        assert r.status_code == 303
        r = await client.get(f"/demonstration/rounds/{key}")
        assert r.status_code == 200
        return re.sub(r"\s+", " ", r.text)


async def onboard(sim, keys, industry="陶瓷", start=0, **kw):
    today = await sim.today()
    for n, key in enumerate(keys, start):
        await sim.register(cobuilt(key, industry, n), onboarding(today, **kw), Actor(**CNLIC_SECRETARIAT))


async def step(sim, key, action, data, by, days=0):
    if days:
        await sim.advance_to(await sim.today() + timedelta(days=days))
    result = await sim.round_step(key, action, data, by)
    assert not isinstance(result, Rejection), f"{action} refused: [{result.code}] {result.reason}"
    return result


async def refused(sim, key, action, data, by) -> str:
    before = len(sim.journal(f"demonstration.{key}"))
    result = await sim.round_step(key, action, data, by)
    assert isinstance(result, Rejection), f"{action} was accepted"
    assert len(sim.journal(f"demonstration.{key}")) == before, "a refused step recorded something"
    return result.code


async def opened(sim, key="r1", quotas=None, deadline_days=10, conference_days=60):
    today = await sim.today()
    data = {"conference_on": (today + timedelta(days=conference_days)).isoformat(),
            "recommendation_deadline": (today + timedelta(days=deadline_days)).isoformat(),
            "quotas": quotas or []}
    return await step(sim, key, "open", data, SECRETARIAT)


async def test_a_round_walks_from_recommendation_to_commendation_and_honours_the_clusters(rsim):
    sim = rsim
    await onboard(sim, [f"c{i}" for i in range(10)])
    o = await opened(sim)
    assert (o.valid_titles, o.cap) == (10, 2)
    await step(sim, "r1", "recommend", recommendation("c1"), CERAMICS, days=1)
    await step(sim, "r1", "recommend", recommendation("c2"), CERAMICS)
    assert await refused(sim, "r1", "recommend", recommendation("c3"), FURNITURE) == "industry_not_in_scope"
    assert await refused(sim, "r1", "close_recommendation", {}, SECRETARIAT) == "recommendation_still_open"
    await step(sim, "r1", "close_recommendation", {}, SECRETARIAT, days=10)
    await step(sim, "r1", "review", {"cluster_key": "c1", "passed": True}, SECRETARIAT)
    await step(sim, "r1", "review", {"cluster_key": "c2", "passed": True}, SECRETARIAT)
    await step(sim, "r1", "complete_first_review", {}, SECRETARIAT)
    members = [f"委员{i}" for i in range(7)]
    await step(sim, "r1", "record_vote", {"members_present": members, "votes": [
        {"cluster_key": "c1", "yes": 5, "no": 2}, {"cluster_key": "c2", "yes": 4, "no": 3}]}, SECRETARIAT, days=2)
    today = await sim.today()
    await step(sim, "r1", "publish_notice", {"published_on": today.isoformat()}, SECRETARIAT)
    assert await refused(sim, "r1", "approve", {}, LEADER) == "notice_running"
    await step(sim, "r1", "approve", {}, LEADER, days=8)
    await step(sim, "r1", "commend", {"held_on": (await sim.today()).isoformat(), "document_number": "中轻联综字〔2027〕1号"},
               SECRETARIAT, days=1)
    row = repo.round_row(sim.engine, "r1")
    assert row.stage == "commended" and row.snapshot["approved"] == ["c1"]
    # 7 present, 4 yes: 3 × 4 < 2 × 7, so c2 fails the vote
    c2 = repo.candidate(sim.engine, "r1", "c2")
    assert (c2.yes, c2.passed, c2.approved) == (4, False, False)
    honour = [r for r in sim.journal("c1") if r.kind == "honour"]
    assert len(honour) == 1 and honour[0].data["round"] == "r1"
    assert not [r for r in sim.journal("c2") if r.kind == "honour"]
    for key in ("demonstration.r1", "c1"):
        report = await replay_cluster(sim.env.client, sim.engine, key)
        assert report.ok, (key, report.differences, report.verification and report.verification.problems)
    # designation audit verify --all covers the round's journal with the head from its history
    from audit.service import AuditService

    verified = {r.cluster_key: r for r in await AuditService(sim.env.client, sim.engine).verify(None, "测试")}
    assert verified["demonstration.r1"].ok and verified["demonstration.r1"].head_seq > 0
    from service.demonstration.documents import commendation_document

    assert "c1" in commendation_document(sim.engine, row).text()


async def to_notice(sim, keys, present=6, yes=5):
    await step(sim, "r1", "close_recommendation", {}, SECRETARIAT, days=11)
    for k in keys:
        await step(sim, "r1", "review", {"cluster_key": k, "passed": True}, SECRETARIAT)
    await step(sim, "r1", "complete_first_review", {}, SECRETARIAT)
    await step(sim, "r1", "record_vote", {"members_present": [f"委员{i}" for i in range(present)],
                                          "votes": [{"cluster_key": k, "yes": yes} for k in keys]}, SECRETARIAT)
    await step(sim, "r1", "publish_notice", {"published_on": (await sim.today()).isoformat()}, SECRETARIAT)


async def test_an_upheld_objection_removes_a_candidate_and_approval_waits_for_every_objection(rsim):
    sim = rsim
    await onboard(sim, [f"c{i}" for i in range(10)])
    await opened(sim)
    for k in ("c1", "c2"):
        await step(sim, "r1", "recommend", recommendation(k), CERAMICS)
    await to_notice(sim, ["c1", "c2"])
    today = await sim.today()
    for k in ("c1", "c2"):
        await step(sim, "r1", "record_objection", {"cluster_key": k, "received_on": today.isoformat(), "source": "来信",
                                                   "text": "反映该集群存在环保问题"}, SECRETARIAT, days=1)
    await step(sim, "r1", "resolve_objection", {"objection_id": "objection-2", "upheld": True,
                                                "reason": "经核实，2026 年受到环保处罚"}, SECRETARIAT)
    # the notice ends with objection-1 still open: the secretariat and the leaders hear of it
    await sim.advance_to(today + timedelta(days=9))
    escalations = [r for r in cnlic_repo.outbox(sim.engine) if r.kind == "escalation" and "公示期" in r.body]
    assert {r.recipient for r in escalations} == {"secretariat", "leader"}
    assert "objection-1" in escalations[0].body
    assert await refused(sim, "r1", "approve", {}, LEADER) == "objection_unresolved"
    await step(sim, "r1", "resolve_objection", {"objection_id": "objection-1", "upheld": False,
                                                "reason": "经核实，反映情况不属实"}, SECRETARIAT)
    await step(sim, "r1", "approve", {}, LEADER)
    assert repo.round_row(sim.engine, "r1").snapshot["approved"] == ["c1"]
    assert repo.candidate(sim.engine, "r1", "c2").removed_by == "objection-2"


async def test_a_violation_recorded_on_program_1_keeps_the_candidate_from_passing_first_review(rsim):
    sim = rsim
    await onboard(sim, ["c1", "c2", "c3", "c4", "c5"])
    today = await sim.today()
    await sim.violation("c1", {"date": (today - timedelta(days=200)).isoformat(), "source": "粤环罚〔2026〕12号",
                               "reason": "超标排放"}, SECRETARIAT)
    assert [r.kind for r in sim.journal("c1")][-1] == "violation"
    await opened(sim)
    await step(sim, "r1", "recommend", recommendation("c1"), CERAMICS)
    c1 = repo.candidate(sim.engine, "r1", "c1")
    assert not c1.eligible and c1.failed == ["no_violation"]
    evidence = next(c for c in c1.eligibility["conditions"] if c["key"] == "no_violation")["evidence"]
    assert "超标排放" in evidence[0]["text"] and evidence[0]["seq"] is not None
    await step(sim, "r1", "close_recommendation", {}, SECRETARIAT, days=11)
    assert await refused(sim, "r1", "review", {"cluster_key": "c1", "passed": True}, SECRETARIAT) == "candidate_ineligible"
    await step(sim, "r1", "review", {"cluster_key": "c1", "passed": False, "reason": "近五年有违规记录"}, SECRETARIAT)
    # only the secretariat records violations
    result = await sim.violation("c2", {"date": today.isoformat(), "source": "x", "reason": "y"}, CERAMICS)
    assert isinstance(result, Rejection) and result.code == "role_not_allowed"


async def test_the_recommendation_deadline_reminds_the_associations_and_escalates_to_the_secretariat(rsim):
    sim = rsim
    await onboard(sim, ["c1", "c2", "c3", "c4", "c5"])
    await opened(sim, deadline_days=20)
    view = await sim.rounds.view("r1")
    clock = next(c for c in view["clocks"] if c["what"] == "recommendation")
    assert clock["reminders"] and clock["reminders"][0] < clock["due"]
    await step(sim, "r1", "recommend", recommendation("c1"), CERAMICS)
    await sim.advance_to(await sim.today() + timedelta(days=22))
    rows = cnlic_repo.outbox(sim.engine)
    assert {(r.kind, r.recipient) for r in rows} >= {("reminder", "association"), ("escalation", "secretariat")}
    assert "已收到 1 个推荐" in next(r.body for r in rows if r.kind == "escalation")
    kinds = [r.kind for r in sim.journal("demonstration.r1")]
    # one journal event each, one outbox row per recipient role
    assert kinds.count("reminder") == 1 and kinds.count("overdue") == 1


async def test_quotas_over_the_cap_and_a_cluster_without_a_valid_title_are_refused_with_the_rule(rsim):
    sim = rsim
    await onboard(sim, [f"c{i}" for i in range(6)])  # cap 1
    today = await sim.today()
    data = {"conference_on": (today + timedelta(days=60)).isoformat(),
            "recommendation_deadline": (today + timedelta(days=10)).isoformat(),
            "quotas": [{"association": "中国陶瓷工业协会", "quota": 2}]}
    assert await sim.round_step("r1", "open", data, SECRETARIAT) and sim.rejections[-1].code == "quota_over_cap"
    await sim.act("c5", "revoke", {"reason": "严重违规"}, Actor("leader", "张会长"))
    await opened(sim)
    assert repo.round_row(sim.engine, "r1").valid_titles == 5
    assert await refused(sim, "r1", "recommend", recommendation("c5"), CERAMICS) == "candidate_not_cobuilt"
    assert "称号被取消" in sim.rejections[-1].reason


async def test_a_calendar_import_moves_the_recommendation_reminder_and_journals_the_move(rsim):
    """``designation deadlines recompute`` reaches program 2: the reminder counts working days
    back from the recommendation deadline, so an official schedule adding a holiday between
    them moves it one working day earlier; the deadline the secretariat set stays."""
    from datetime import date

    from domain.calendar import SHIPPED, YearSchedule
    from service.demonstration.rounds import recompute_deadlines
    from store.calendars import save_schedule

    sim = rsim
    await onboard(sim, ["c1", "c2", "c3", "c4", "c5"])
    await opened(sim, deadline_days=30)
    clock = next(c for c in (await sim.rounds.view("r1"))["clocks"] if c["what"] == "recommendation")
    due, (reminder,) = date.fromisoformat(clock["due"]), [date.fromisoformat(x) for x in clock["reminders"]]
    extra = reminder + timedelta(days=1)
    while not SHIPPED.is_working_day(extra):
        extra += timedelta(days=1)
    assert extra < due
    year_days = [date(extra.year, 1, 1) + timedelta(days=i)
                 for i in range((date(extra.year + 1, 1, 1) - date(extra.year, 1, 1)).days)]
    save_schedule(sim.engine, YearSchedule.from_mapping(
        {"holidays": [x.isoformat() for x in year_days if SHIPPED.day(x).kind == "holiday"] + [extra.isoformat()],
         "workdays": [x.isoformat() for x in year_days if SHIPPED.day(x).kind == "makeup_workday"]}, "official"))
    secretariat = SECRETARIAT.actor

    moved = await recompute_deadlines(sim.env.client, sim.engine, secretariat, "国务院公布节假日安排")
    await sim.settle()
    assert list(moved) == ["r1"] and moved["r1"][0].startswith(f"行业推荐截止 {due.isoformat()}，提醒日 {reminder.isoformat()} → ")
    (move,) = [r for r in sim.journal("demonstration.r1") if r.kind == "deadline_moved"]
    (new_reminder,) = [date.fromisoformat(x) for x in move.data["reminders"]]
    assert move.data["new_due"] == move.data["old_due"] == due.isoformat()  # the secretariat's date stays
    assert SHIPPED.working_days_between(new_reminder, reminder) == 1 and new_reminder < reminder
    assert move.data["old_calendar_version"] != move.data["new_calendar_version"]
    clock = next(c for c in (await sim.rounds.view("r1"))["clocks"] if c["what"] == "recommendation")
    assert clock["reminders"] == [new_reminder.isoformat()]
    report = await replay_cluster(sim.env.client, sim.engine, "demonstration.r1")
    assert report.ok
    page = await round_page(sim, "r1")  # the move reads as one line in the round's record
    assert (f"行业推荐截止 {due.isoformat()}，提醒日 {reminder.isoformat()} → {new_reminder.isoformat()}"
            f"（日历 {move.data['old_calendar_version']} → {move.data['new_calendar_version']}：国务院公布节假日安排）") in page
    assert await recompute_deadlines(sim.env.client, sim.engine, secretariat, "again") == {}
    with pytest.raises(Exception) as refused_:
        await recompute_deadlines(sim.env.client, sim.engine, CERAMICS.actor, "no")
    assert getattr(refused_.value, "code", None) == "role_not_allowed"
