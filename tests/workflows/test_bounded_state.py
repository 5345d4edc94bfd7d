"""A lifecycle's workflow keeps what it needs to decide, not every event (issue 9): however
many actions and events a lifecycle has seen, its continue-as-new input and its ``view``
stay under 64 KB — measured on the real payloads, as the server stores and sends them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from audit.history import CONTINUED, STARTED, run_chain
from domain.limits import LIMITS
from service.cnlic.simulate import Rejection
from service.temporal import CONVERTER
from tests.support import APPLICANT, ASSOCIATION, SECRETARIAT, application
from tests.workflows.helpers import approve, d, meeting, ok, register, to_formal_review, who
from workflows.cnlic.contracts import designation_workflow_id

pytestmark = pytest.mark.workflow

BOUND = 64 * 1024
ROUNDS = 250  # supplement requests and submissions: 500 actions in one formal review


def size(value) -> int:
    return sum(len(p.data) for p in CONVERTER.payload_converter.to_payloads([value]))


def payloads_size(payloads) -> int:
    return sum(len(p.data) for p in payloads.payloads)


def longest(n: int, what: str) -> list[str]:
    """Items as long as the limits allow: the worst case for the workflow's state."""
    return [f"{what}{i:03d}".ljust(LIMITS.name_chars, "材") for i in range(n)]


async def test_five_hundred_actions_keep_the_continue_as_new_input_and_the_view_under_64_kb(sim):
    key = "bounded"
    await register(sim, key)
    await ok(sim, key, "file_application",
             application(attachments=["申请报告", "基本情况表", "发展规划"]
                         + [f"附件{i}".ljust(LIMITS.name_chars, "件") for i in range(LIMITS.list_items - 3)]),
             APPLICANT, d(3, 1))
    await to_formal_review(sim, key, d(3, 1), d(3, 20))
    day = d(3, 23)
    largest_view = 0
    # the supplement items are the longest list the state keeps: at their limit, every round
    items = longest(LIMITS.list_items, "补充材料")
    for i in range(ROUNDS):
        await sim.service.act(key, "request_supplement", {"items": items}, who(SECRETARIAT))
        await sim.service.act(key, "submit_supplement", {"items": items, "note": "说明".ljust(LIMITS.text_chars, "文")},
                              who(APPLICANT))
        if i % 50 == 0:
            largest_view = max(largest_view, size(await sim.service.view(key)))
    await sim.settle()
    view = await sim.service.view(key)
    assert view.seq >= 2 * ROUNDS + 500 // 2, view.seq  # at least 500 actions and events recorded
    largest_view = max(largest_view, size(view))
    assert largest_view <= BOUND, largest_view

    await ok(sim, key, "complete_formal_review", {}, SECRETARIAT, day + timedelta(days=1))
    await approve(sim, d(6, 20), [key])  # a new validity cycle: the run continues as new
    await sim.settle()

    chain = await run_chain(sim.env.client, designation_workflow_id(key))
    assert len(chain) >= 2, "the approval should have continued the lifecycle as new"
    first, second = chain[0], chain[1]
    continued = first.events[-1]
    assert continued.event_type == CONTINUED
    carried = payloads_size(continued.workflow_execution_continued_as_new_event_attributes.input)
    started = second.events[0]
    assert started.event_type == STARTED
    assert payloads_size(started.workflow_execution_started_event_attributes.input) == carried
    print(f"largest view {largest_view} B, continue-as-new input {carried} B")
    assert carried <= BOUND, carried
    # every action's data is in the journal, none of it in the carried state
    total, _ = sim.service.timeline(key, last=1)
    assert total >= 2 * ROUNDS + 20
    assert size(await sim.service.view(key)) <= BOUND


async def test_an_oversized_opinion_is_refused_before_temporal_and_the_cluster_goes_on(sim):
    key = "big-opinion"
    await register(sim, key, stage="applied", on=d(2, 2))
    before = len(sim.journal(key))
    refused = await sim.act(key, "record_opinion", {"text": "意" * (2 * 1024 * 1024), "recommend": True},
                            who(ASSOCIATION))
    assert isinstance(refused, Rejection) and refused.code == "text_too_long"
    assert "5000" in refused.reason and "附件" in refused.reason
    assert len(sim.journal(key)) == before
    history = await sim.env.client.get_workflow_handle(designation_workflow_id(key)).fetch_history()
    assert not any(e.HasField("workflow_execution_update_accepted_event_attributes") for e in history.events)
    # and the lifecycle goes on as if nothing happened
    await ok(sim, key, "record_opinion", {"text": "同意推荐", "recommend": True}, ASSOCIATION, d(2, 3))
    await ok(sim, key, "accept_application", {}, SECRETARIAT, d(2, 3))
    assert (await sim.service.view(key)).stage == "accepted"
