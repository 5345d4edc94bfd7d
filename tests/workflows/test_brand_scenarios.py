"""Program 4's example scenarios (examples/brand/) have recorded histories that replay, one of
them runs to its expected end through the simulator, and a pilot's journal passes the audit
(replayed from its histories, compared event by event, hash chain checked)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from audit.service import AuditService
from domain.calendar import SHANGHAI
from service.brand.simulate import Runner, check, load, shift, years_to_run
from tests.workflows import brand_helpers as h
from tests.workflows.test_recorded_histories import HISTORIES, replay_all
from workflows.brand.batch import BrandBatchWorkflow
from workflows.brand.pilot import BrandPilotWorkflow

pytestmark = pytest.mark.workflow
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "brand").glob("*.yaml"))


def test_every_brand_example_has_recorded_histories_of_its_pilots_and_batches():
    assert EXAMPLES
    for example in EXAMPLES:
        names = [p.name for p in HISTORIES if p.parent.name == f"brand-{example.stem}"]
        assert any(n.startswith("brand-pilot-") for n in names), example.stem
        assert any(n.startswith("brand-batches.") for n in names), example.stem


async def test_the_brand_histories_replay_against_the_current_pilot_and_batch_workflows():
    paths = [p for p in HISTORIES if p.parent.name.startswith("brand-")]
    assert paths
    assert await replay_all([BrandPilotWorkflow, BrandBatchWorkflow], paths) == {}


async def test_the_value_added_scenario_ends_as_it_expects(sim):
    s = load(ROOT / "examples" / "brand" / "value-added-short.yaml")
    years = years_to_run(s, datetime.now(SHANGHAI).date())
    s = shift(s, years) if years else s
    items = await Runner(sim, s).run()
    assert check(s, items) == []
    decision = next(i for i in items if i["event"] == "decision")
    assert "工业增加值率提高 2 个百分点以上" in decision["text"] and "不授予" in decision["text"]


async def test_a_pilots_journal_passes_the_audit_and_an_edited_row_is_named(sim):
    svc = await h.approved_pilot(sim, "aud", plan_years=1)
    audit = AuditService(sim.env.client, sim.engine)
    report = await audit.replay("brand.aud", "审计")
    assert report.ok, report.as_dict()
    assert report.journal_rows >= 5 and report.workflow_id == "brand-pilot-aud"
    (verified,) = await audit.verify("brand.aud", "审计")
    assert verified.ok
    batches = await audit.verify("brand.batches", "审计")
    assert batches[0].ok and batches[0].rows >= 2

    from sqlmodel import select

    from store.db import session
    from store.models import JournalRow

    with session(sim.engine) as s:
        row = s.exec(select(JournalRow).where(JournalRow.cluster_key == "brand.aud", JournalRow.seq == 2)).one()
        row.data = {**row.data, "forged": True}
        s.add(row)
    (broken,) = await audit.verify("brand.aud", "审计")
    assert not broken.ok and broken.first_bad == 2
    assert svc is not None
