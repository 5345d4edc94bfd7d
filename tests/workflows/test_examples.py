"""The example scenarios under examples/ run on the simulator and end as RULES.md predicts
(each file's ``expect`` block); the --json timeline keeps its documented shape."""

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from domain.calendar import SHANGHAI, add_years
from service.cnlic.simulate import Simulation, check_expectations, load_scenario, render_json, shift_scenario

pytestmark = pytest.mark.workflow
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def runnable(path: Path):
    """The scenario, moved on by whole years if its first date has already passed."""
    scenario = load_scenario(path, None)
    today = datetime.now(SHANGHAI).date()
    dated = [s.on for s in scenario.steps] + [c.start_on for c in scenario.clusters if c.start.get("stage") != "designated"]
    years = 0
    while dated and add_years(min(dated), years) < today:
        years += 1
    return shift_scenario(scenario, years) if years else scenario


def test_there_are_examples_for_the_main_paths():
    names = {p.stem for p in EXAMPLES}
    assert {"full-cycle", "refusal", "withdrawal", "supplement", "rectification-pass", "rectification-fail",
            "rectification-lapse", "overdue-revoked", "title-change", "onboarding"} <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
async def test_each_example_ends_as_the_rules_predict(path):
    scenario = runnable(path)
    assert scenario.expect, f"{path.name} has no expect block"
    async with Simulation(scenario.overrides) as sim:
        items = await sim.run(scenario)
    assert check_expectations(scenario, items) == []


async def test_the_json_timeline_is_in_date_order_and_ends_with_a_final_line_per_cluster():
    scenario = runnable(ROOT / "examples" / "onboarding.yaml")
    async with Simulation(scenario.overrides) as sim:
        items = await sim.run(scenario)
    lines = [json.loads(line) for line in render_json(items).splitlines()]
    dates = [line["on"] for line in lines]
    assert dates == sorted(dates)
    finals = [line for line in lines if line["event"] == "final"]
    assert {f["cluster"] for f in finals} == {"furniture", "paper", "glass"}
    assert lines[-len(finals):] == finals
    for line in lines:
        assert line["event"] in {"registered", "stage", "title", "deadline", "deadline_cleared", "reminder",
                                 "overdue", "action", "decision", "rejected", "annual_recognition", "final"}
        if line["event"] == "stage":
            assert {"on", "cluster", "from", "to", "procedure"} <= set(line)
        if line["event"] == "title":
            assert {"on", "cluster", "status", "valid_until"} <= set(line)
        if line["event"] in ("deadline", "reminder", "overdue"):
            assert {"on", "cluster", "what", "due"} <= set(line)
        if line["event"] == "annual_recognition":
            assert {"on", "year", "recognised", "overdue", "revoked"} <= set(line)
            assert int(line["on"][:4]) == line["year"] + 1


def test_the_cli_simulates_a_scenario_and_refuses_a_step_in_the_past(tmp_path):
    past = tmp_path / "past.yaml"
    past.write_text(
        "clusters:\n  - {key: a, industry: 陶瓷, product: 陶瓷, tier: capital, region: {province: 广东省},\n"
        "     start: {stage: cultivation, on: 2020-01-06}}\nuntil: 2020-02-01\n"
    )
    cli = [sys.executable, "-c", "from cli.main import main; main()"]
    done = subprocess.run(cli + ["simulate", str(past)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 2 and "早于今天" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    example = ROOT / "examples" / "refusal.yaml"
    shift = []
    scenario = load_scenario(example, None)
    if min(s.on for s in scenario.steps) < datetime.now(SHANGHAI).date():
        shift = ["--shift-years", "2"]
    done = subprocess.run(cli + ["simulate", str(example), "--json", "--check", *shift], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    last = json.loads(done.stdout.strip().splitlines()[-1])
    assert (last["event"], last["stage"]) == ("final", "refused")


@pytest.mark.parametrize("content, fragment", [
    ("{oops", "YAML"),
    ("clusters: []", "至少需要一个集群"),
    ("clusters:\n  - {key: a, industry: x, product: x, tier: palace, region: {province: 广东省},"
     " start: {stage: cultivation, on: 2099-01-05}}\n", "tier_unknown"),
    ("clusters:\n  - {key: a, industry: x, product: x, tier: capital, region: {province: 广东省},"
     " start: {stage: cultivation, on: 2099-01-05}}\nsteps:\n  - {on: 2099-02-01, cluster: b, action: withdraw,"
     " by: {role: applicant, name: x}}\n", "未在 clusters 中声明"),
    ("clusters:\n  - {key: a, industry: x, product: x, tier: capital, region: {province: 广东省},"
     " start: {stage: cultivation, on: 2099-01-05}}\nsteps:\n  - {on: 2099-02-01, cluster: a, action: fly,"
     " by: {role: applicant, name: x}}\n", "未知的操作"),
])
def test_malformed_scenarios_get_one_line_saying_what_is_wrong(tmp_path, content, fragment):
    from service.cnlic.simulate import ScenarioError

    f = tmp_path / "bad.yaml"
    f.write_text(content)
    with pytest.raises(ScenarioError) as e:
        load_scenario(f, datetime.now(SHANGHAI).date())
    assert fragment in str(e.value) and "\n" not in str(e.value)
