"""The recorded histories of the example scenarios (tests/histories/, made by
``designation audit record-histories``) must replay against the current code: a change that
would break running lifecycles fails here. Behaviour changes go behind workflow.patched."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from service.temporal import CONVERTER, WORKFLOWS, sandbox_runner
from workflows.cnlic.contracts import ClusterView, DesignationInput
from workflows.cnlic.designation import DesignationWorkflow
from workflows.cnlic.program import ProgramWorkflow
from workflows.cnlic.recognition import RecognitionWorkflow

pytestmark = pytest.mark.workflow
HISTORIES = sorted((Path(__file__).resolve().parents[1] / "histories").rglob("*.json"))


def load(path: Path) -> WorkflowHistory:
    workflow_id = path.name.rsplit(".", 2)[0]
    return WorkflowHistory.from_json(workflow_id, path.read_text())


async def replay_all(workflows, paths) -> dict[str, str]:
    replayer = Replayer(workflows=workflows, data_converter=CONVERTER, workflow_runner=sandbox_runner())
    failures = {}
    for path in paths:
        result = await replayer.replay_workflow(load(path), raise_on_replay_failure=False)
        if result.replay_failure is not None:
            failures[f"{path.parent.name}/{path.name}"] = str(result.replay_failure)[:300]
    return failures


def test_every_example_scenario_has_recorded_histories():
    examples = {p.stem for p in (Path(__file__).resolve().parents[2] / "examples").glob("*.yaml")}
    recorded = {p.parent.name for p in HISTORIES}
    assert examples <= recorded
    kinds = {p.name.split("-")[0] for p in HISTORIES}
    assert {"designation", "program", "recognition"} <= kinds


async def test_every_recorded_history_replays_against_the_current_code():
    assert await replay_all(WORKFLOWS, HISTORIES) == {}


@workflow.defn(name="DesignationWorkflow", sandboxed=False)
class UnguardedChange(DesignationWorkflow):
    """A behaviour change made without workflow.patched: a new step before everything."""

    @workflow.run
    async def run(self, inp: DesignationInput) -> ClusterView:
        await workflow.sleep(timedelta(minutes=1))
        return await super().run(inp)


@workflow.defn(name="DesignationWorkflow", sandboxed=False)
class GuardedChange(DesignationWorkflow):
    """The same change behind workflow.patched: running lifecycles keep their old path."""

    @workflow.run
    async def run(self, inp: DesignationInput) -> ClusterView:
        if workflow.patched("example-wait-before-registering"):
            await workflow.sleep(timedelta(minutes=1))
        return await super().run(inp)


DESIGNATION_HISTORIES = [p for p in HISTORIES if p.name.startswith("designation-")
                         and p.parent.name in ("first-designation", "refusal", "onboarding")]


async def test_a_deliberately_non_deterministic_change_fails_the_replay():
    failures = await replay_all([UnguardedChange, ProgramWorkflow, RecognitionWorkflow], DESIGNATION_HISTORIES)
    assert set(failures) == {f"{p.parent.name}/{p.name}" for p in DESIGNATION_HISTORIES}
    assert all("ondeterminism" in message or "Nondeterminism" in message for message in failures.values())


async def test_the_audits_own_replayer_finds_the_same_non_determinism_and_passes_the_current_code():
    """``designation audit replay`` replays unsandboxed (issue 15, row 6): it must still fail a
    history the changed code would not reproduce, and pass every recorded one as it is."""
    from audit.replay import replay_histories

    histories = [load(p) for p in DESIGNATION_HISTORIES]
    changed = await replay_histories(histories, [UnguardedChange, ProgramWorkflow, RecognitionWorkflow])
    assert changed and not [r for r in changed if r.ok]
    assert all("ondeterminism" in r.error for r in changed)
    current = await replay_histories([load(p) for p in HISTORIES])
    assert [r.run_id for r in current if not r.ok] == []


async def test_the_same_change_behind_workflow_patched_replays_cleanly():
    assert await replay_all([GuardedChange, ProgramWorkflow, RecognitionWorkflow], DESIGNATION_HISTORIES) == {}


def test_histories_recorded_since_bounded_state_carry_no_events_across_continue_as_new():
    """Recorded after the bounded-state-v1 patch: each continue-as-new input holds the
    chain head and no events (the older recordings above still carry theirs and replay)."""
    from audit.history import CONTINUED

    carried = 0
    for path in HISTORIES:
        if not path.parent.name.startswith("bounded-state-") or not path.name.startswith("designation-"):
            continue
        last = load(path).events[-1]
        if last.event_type != CONTINUED:
            continue
        payloads = last.workflow_execution_continued_as_new_event_attributes.input.payloads
        (inp,) = CONVERTER.payload_converter.from_payloads(payloads, [DesignationInput])
        assert inp.state is not None and inp.state.events == [] and inp.state.journal_head_seq == inp.state.seq
        assert sum(len(p.data) for p in payloads) < 64 * 1024
        carried += 1
    assert carried >= 2


def test_lean_histories_journal_through_a_local_activity_whose_marker_carries_every_event():
    """Recorded after the lean-history-v1 patch (issue 15): no ``record`` activity task is
    scheduled any more; the journal's local activity markers hold the events, one sequence after
    another from where the run started, and the head the audit checks against."""
    from audit.history import SCHEDULED, recorded_events, recorded_head

    runs = 0
    for path in HISTORIES:
        if not path.parent.name.startswith("lean-") or not path.name.startswith("designation-"):
            continue
        history = load(path)
        assert not [e for e in history.events if e.event_type == SCHEDULED
                    and e.activity_task_scheduled_event_attributes.activity_type.name in ("record", "plan_deadlines")]
        seqs = [r.event.seq for r in recorded_events([history])]
        if not seqs:
            continue  # a run that only waited (the last of a long lifecycle) journaled nothing
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
        seq, head = recorded_head([history])
        assert seq == seqs[-1] and len(head) == 64
        runs += 1
    assert runs >= 8


def test_head_histories_upsert_each_new_journal_head_in_the_workflow_task_of_its_marker():
    """Recorded after the journal-head-attribute-v1 patch (issue 15, row 5): every journaling's
    head is upserted as the JournalHead search attribute in the same workflow task as the marker
    that carries it, so the visibility listing ``audit verify --all`` reads is never a task behind
    the history (only the server's visibility queue)."""
    from temporalio.api.enums.v1 import EventType
    from temporalio.converter import decode_typed_search_attributes

    from audit.history import _record_inputs
    from workflows.cnlic.contracts import JOURNAL_HEAD, parse_journal_head

    upsert, task_started = (EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
                            EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED)
    checked = 0
    for path in HISTORIES:
        if not path.parent.name.startswith("head-") or not path.name.startswith("designation-"):
            continue
        history = load(path)
        by_id = {e.event_id: i for i, e in enumerate(history.events)}
        for event_id, receipt in _record_inputs(history):
            following = history.events[by_id[event_id] + 1:]
            task_end = next((i for i, e in enumerate(following) if e.event_type == task_started), len(following))
            heads = [parse_journal_head(decode_typed_search_attributes(
                e.upsert_workflow_search_attributes_event_attributes.search_attributes).get(JOURNAL_HEAD))
                for e in following[:task_end] if e.event_type == upsert]
            assert (receipt.events[-1].seq, receipt.head) in heads, f"{path.parent.name}/{path.name} #{event_id}"
            checked += 1
    assert checked >= 40
