"""Program 2's example scenarios (examples/demonstration/) run on the time-skipping server and
end as they say; their histories are recorded under tests/histories/demonstration-*."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from domain.calendar import SHANGHAI
from service.demonstration.simulate import RoundSimulation, check_expectations, load_demo, shift_demo, years_to_run

pytestmark = pytest.mark.workflow
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "demonstration"
HISTORIES = Path(__file__).resolve().parents[1] / "histories"


async def run(name: str):
    s = load_demo(EXAMPLES / name)
    s = shift_demo(s, years_to_run(s, datetime.now(SHANGHAI).date()))
    async with RoundSimulation() as sim:
        items = await sim.run_demo(s)
    return s, items


async def test_thirty_clusters_select_exactly_the_eligible_ones_voted_through_within_the_cap():
    s, items = await run("thirty-clusters.yaml")
    assert check_expectations(s, items) == []
    final = next(i for i in items if i["event"] == "final" and i["cluster"] == "round:conf-2027")
    assert len(final["approved"]) <= final["cap"] == final["valid_titles"] * 20 // 100
    candidates = {i["cluster"]: i for i in items if i["event"] == "candidate"}
    # every ineligible one is shown with the condition it fails
    assert {k: c["failed"] for k, c in candidates.items() if not c["eligible"]} == {
        "cer-09": ["reevaluation_on_time"], "cer-10": ["no_violation"], "fur-08": ["national_rank"],
        "fur-09": ["annual_reports_filed"], "lea-08": ["national_rank"]}
    # approved = eligible, passed first review, voted through (3 × yes ≥ 2 × present), not removed
    assert sorted(final["approved"]) == sorted(k for k, c in candidates.items()
                                               if c["eligible"] and c["reviewed"] and c["passed"] and not c["removed_by"])
    assert candidates["fur-01"]["votes"] == [4, 3, 0] and candidates["fur-01"]["passed"] is False  # 7 present, 4 yes
    # a revoked title is outside the round, refused with what its record shows
    refusal = next(i for i in items if i["event"] == "rejected" and "cer-11" in i["reason"])
    assert refusal["code"] == "candidate_not_cobuilt" and "称号被取消" in refusal["reason"]


async def test_an_upheld_objection_removes_its_candidate_and_an_open_one_blocks_approval():
    s, items = await run("objection-upheld.yaml")
    assert check_expectations(s, items) == []
    assert any(i["event"] == "rejected" and i["code"] == "objection_unresolved" for i in items)
    assert any(i["event"] == "overdue" and i.get("unresolved") == ["objection-2"] for i in items)


def test_every_program_2_example_has_recorded_histories():
    recorded = {p.name for p in HISTORIES.iterdir() if p.is_dir()}
    assert {f"demonstration-{p.stem}" for p in EXAMPLES.glob("*.yaml")} <= recorded
    assert any(p.name.startswith("demonstration-round-") for p in (HISTORIES / "demonstration-thirty-clusters").iterdir())
