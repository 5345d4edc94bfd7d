"""Program 4's provincial quota and MIIT batches on the time-skipping server (RULES.md
"Program 4": at most 3 recommendations a province a year; May and October batches with cut-offs
at the end of April and September)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import DomainError
from store.brand import repo
from tests.workflows import brand_helpers as h

pytestmark = pytest.mark.workflow


async def test_a_provinces_fourth_recommendation_in_a_year_is_refused_by_rule(sim):
    svc = None
    for n in range(1, 5):
        svc = await h.file(sim, f"q{n}")
        await h.seal(sim, svc, f"q{n}")
    for n in range(1, 4):
        await h.recommend(sim, svc, f"q{n}")
    with pytest.raises(DomainError) as refused:
        await h.recommend(sim, svc, "q4")
    assert refused.value.code == "province_quota_exceeded"
    assert "至多推荐 3 家" in refused.value.message
    assert repo.pilot(sim.engine, "q4").stage == "sealed"
    assert sorted(repo.recommendations(sim.engine, h.PROVINCE, (await sim.today()).year)) == ["q1", "q2", "q3"]


async def test_the_batch_workflow_refuses_a_fourth_even_when_the_store_has_not_caught_up(sim, monkeypatch):
    """Two recommendations racing past the store's count: the batch's own count stops the fourth."""
    svc = None
    for n in range(1, 5):
        svc = await h.file(sim, f"r{n}")
        await h.seal(sim, svc, f"r{n}")
    for n in range(1, 4):
        await h.recommend(sim, svc, f"r{n}")
    monkeypatch.setattr(repo, "recommendations", lambda engine, province, year: [])  # the store lags behind
    with pytest.raises(DomainError) as refused:
        await h.recommend(sim, svc, "r4")
    assert refused.value.code == "province_quota_exceeded"
    assert repo.pilot(sim.engine, "r4").stage == "sealed"


async def test_another_provinces_recommendations_do_not_count_against_the_quota(sim):
    svc = None
    for n in range(1, 4):
        svc = await h.file(sim, f"a{n}")
        await h.seal(sim, svc, f"a{n}")
        await h.recommend(sim, svc, f"a{n}")
    svc = await h.file(sim, "other", prov="湖南省")
    await h.seal(sim, svc, "other")
    result = await h.recommend(sim, svc, "other", prov="湖南省")
    assert result.stage == "recommended"


async def test_an_application_received_on_1_may_waits_for_the_october_batch(sim):
    await sim.advance_to(date(2027, 4, 20))
    svc = await h.file(sim, "april")
    await h.seal(sim, svc, "april")
    await h.file(sim, "mayday")
    await h.seal(sim, svc, "mayday")
    await sim.advance_to(date(2027, 4, 30))
    await h.recommend(sim, svc, "april")
    await sim.advance_to(date(2027, 5, 1))
    await h.recommend(sim, svc, "mayday")
    assert repo.pilot(sim.engine, "april").batch_id == "2027-05"
    assert repo.pilot(sim.engine, "mayday").batch_id == "2027-10"

    await sim.advance_to(date(2027, 5, 20))
    view = await svc.batch_view()
    assert view.current == "2027-05" and view.closed and view.members == ["april"]
    with pytest.raises(DomainError) as refused:
        await h.hold(sim, svc, "2027-05", {"mayday": "approve"})
    assert refused.value.code == "batch_not_member"
    await h.hold(sim, svc, "2027-05", {"april": "approve"})
    await h.until(sim, lambda: repo.pilot(sim.engine, "april").stage == "pilot")
    assert repo.pilot(sim.engine, "mayday").stage == "recommended"

    await sim.advance_to(date(2027, 10, 9))
    view = await svc.batch_view()
    assert view.current == "2027-10" and view.closed and view.members == ["mayday"]
    await h.hold(sim, svc, "2027-10", {"mayday": "approve"})
    await h.until(sim, lambda: repo.pilot(sim.engine, "mayday").stage == "pilot")
    assert repo.pilot(sim.engine, "mayday").approved_on == date(2027, 10, 9)


async def test_a_batch_cannot_be_held_before_its_cut_off(sim):
    svc = await h.file(sim, "early")
    await h.seal(sim, svc, "early")
    await h.recommend(sim, svc, "early")
    batch_id = repo.pilot(sim.engine, "early").batch_id
    with pytest.raises(DomainError) as refused:
        await h.hold(sim, svc, batch_id, {"early": "approve"})
    assert refused.value.code == "batch_intake_open"


async def test_a_deferred_application_goes_to_the_next_batch_and_a_refused_one_ends(sim):
    svc = await h.file(sim, "later")
    await h.seal(sim, svc, "later")
    await h.file(sim, "no")
    await h.seal(sim, svc, "no")
    await h.recommend(sim, svc, "later")
    await h.recommend(sim, svc, "no")
    first = repo.pilot(sim.engine, "later").batch_id
    year, month = (int(x) for x in first.split("-"))
    await sim.advance_to(date(year, month, 12))
    await h.hold(sim, svc, first, {"later": "defer", "no": "refuse"})
    await h.until(sim, lambda: repo.pilot(sim.engine, "no").stage == "refused")
    await h.until(sim, lambda: repo.pilot(sim.engine, "later").batch_id != first)
    assert repo.pilot(sim.engine, "later").stage == "recommended"
