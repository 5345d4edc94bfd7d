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
