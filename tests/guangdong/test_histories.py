"""Program 3's recorded histories (``designation guangdong record-histories``): every example
scenario has them, each filing's history stays small (36 of them run under one round), and they
replay against the current code with every program's workflows."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory

from tests.guangdong.test_round_workflow import EXAMPLE
from tests.workflows.test_recorded_histories import replay_all
from service.temporal import WORKFLOWS

pytestmark = pytest.mark.workflow
ROOT = Path(__file__).resolve().parents[2]
HISTORIES = sorted((ROOT / "tests" / "histories").glob("guangdong-*/*.json"))


def test_every_program_3_example_has_recorded_histories_for_its_round_and_36_filings():
    examples = {f"guangdong-{p.stem}" for p in EXAMPLE.parent.glob("*.yaml")}
    assert examples == {p.parent.name for p in HISTORIES}
    names = [p.name for p in HISTORIES if p.parent.name == "guangdong-round-2026"]
    assert sum(n.startswith("guangdong-filing-") for n in names) == 36
    assert sum(n.startswith("guangdong-round-") for n in names) == 1


def test_each_filings_history_stays_small():
    for path in HISTORIES:
        if path.name.startswith("guangdong-filing-"):
            history = WorkflowHistory.from_json(path.name.rsplit(".", 2)[0], path.read_text())
            assert len(history.events) < 120, path.name


async def test_program_3s_histories_replay_against_the_current_code():
    assert HISTORIES
    assert await replay_all(WORKFLOWS, HISTORIES) == {}
