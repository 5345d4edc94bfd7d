"""Durability: a worker killed mid-lifecycle, activities retried after they committed, every
task replayed from history, and a lifecycle long enough to cross three validity cycles."""

from collections import Counter

import pytest
from temporalio.api.enums.v1 import EventType

from service.cnlic.simulate import Simulation
from tests.support import APPLICANT, annual_report
from tests.workflows.helpers import Y, approve, d, designate, events, meeting, ok, to_meeting
from workflows.cnlic.contracts import designation_workflow_id

pytestmark = pytest.mark.workflow


def assert_journal_written_once(sim, key: str, seq: int) -> None:
    rows = sim.journal(key)
    counts = Counter(r.seq for r in rows)
    assert not [s for s, n in counts.items() if n > 1], "a journal row was written twice"
    assert sorted(counts) == list(range(1, seq + 1)), "a journal row is missing"


async def test_activities_that_die_after_committing_are_retried_and_write_each_row_once(sim):
    await designate(sim, meeting_on=d(6, 20))
    sim.activities.faults["record"] = 2  # the next records die right after committing
    await ok(sim, "ceramics", "submit_annual_report", annual_report(Y), APPLICANT, d(3, 1, years=1))
    await sim.advance_to(d(5, 2, years=2))
    view = await sim.service.view("ceramics")
    assert sim.activities.faults["record"] == 0  # the faults did fire
    assert_journal_written_once(sim, "ceramics", view.seq)
    assert [r.on for r in events(sim, "ceramics", "overdue", what="annual_report")] == [d(5, 1, years=2)]


async def test_a_worker_without_a_workflow_cache_replays_every_task_deterministically():
    """Every task of the designation procedure, the quarterly meeting, the joint document and a
    first annual report runs from a replay of the whole history (the longer paths replay in
    test_recorded_histories; here each task replaying the history is quadratic in its length)."""
    async with Simulation(max_cached_workflows=0) as sim:
        await designate(sim, meeting_on=d(6, 20))
        await ok(sim, "ceramics", "submit_annual_report", annual_report(Y), APPLICANT, d(3, 1, years=1))
        view = await sim.service.view("ceramics")
        assert (view.stage, view.cycle) == ("designated", 1)
        assert_journal_written_once(sim, "ceramics", view.seq)
        filed = events(sim, "ceramics", "action", action="submit_annual_report")
        assert [e.data["report"]["year"] for e in filed] == [Y]


async def run_chain(sim, key: str) -> list[tuple[str, float]]:
    """Follow the continue-as-new chain from the first run: (run id, years the run lasted)."""
    client = sim.env.client
    wid = designation_workflow_id(key)
    desc = await client.get_workflow_handle(wid).describe()
    run_id = desc.raw_description.workflow_execution_info.first_run_id or desc.run_id
    chain = []
    while run_id:
        history = await client.get_workflow_handle(wid, run_id=run_id).fetch_history()
        first, last = history.events[0], history.events[-1]
        span = last.event_time.ToDatetime() - first.event_time.ToDatetime()
        chain.append((run_id, span.days / 365.25))
        if last.event_type != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
            break
        run_id = last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id
    return chain


async def test_a_twelve_year_lifecycle_crosses_three_validity_cycles_one_run_each(sim):
    await designate(sim, meeting_on=d(6, 20))
    for cycle, years in ((2, 4), (3, 8)):
        for year in range(Y + years - 4, Y + years):
            await ok(sim, "ceramics", "submit_annual_report", annual_report(year), APPLICANT,
                     d(3, 1, years=year - Y + 1))
        await ok(sim, "ceramics", "file_reevaluation", {}, APPLICANT, d(3, 5, years=years))
        await to_meeting(sim, "ceramics", d(3, 6, years=years), new_cluster=False)
        await approve(sim, d(6, 10, years=years), ["ceramics"])
        assert (await sim.service.view("ceramics")).cycle == cycle
    await sim.advance_to(d(6, 1, years=12))  # twelve years after the first title
    view = await sim.service.view("ceramics")
    assert (view.stage, view.title_status, view.valid_until) == ("designated", "valid", d(6, 9, years=12))
    chain = await run_chain(sim, "ceramics")
    # the application run, then one run per validity cycle: none anywhere near the 10-year cap
    assert len(chain) == 4
    assert max(years for _, years in chain) < 5
    assert_journal_written_once(sim, "ceramics", view.seq)
    assert len(events(sim, "ceramics", "title", status="valid")) == 3
