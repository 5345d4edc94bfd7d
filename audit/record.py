"""Record the histories of the example scenarios into ``tests/histories/`` — the regression
corpus: every later change to workflow code must still replay them (or be guarded by
``workflow.patched``)."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

from audit.history import run_chain
from domain.calendar import SHANGHAI, add_years
from service.cnlic.simulate import Simulation, load_scenario, shift_scenario
from store.cnlic import lifecycle as repo


def runnable(path: Path):
    """The scenario, moved on by whole years if its first date has passed."""
    scenario = load_scenario(path, None)
    today = datetime.now(SHANGHAI).date()
    dated = [s.on for s in scenario.steps] + [c.start_on for c in scenario.clusters
                                               if c.start.get("stage") != "designated"]
    years = 0
    while dated and add_years(min(dated), years) < today:
        years += 1
    return shift_scenario(scenario, years) if years else scenario


async def write_histories(client, workflow_ids: list[str], target: Path) -> list[Path]:
    """Every run of each workflow id as ``<id>.<nn>.json`` under ``target`` (a fresh directory):
    the one writer every program's recorder uses."""
    if target.exists():
        shutil.rmtree(target)
    written = []
    for workflow_id in workflow_ids:
        for n, history in enumerate(await run_chain(client, workflow_id), 1):
            file = target / f"{workflow_id}.{n:02d}.json"
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(json.dumps(history.to_json_dict(), ensure_ascii=False, indent=1) + "\n")
            written.append(file)
    return written


async def record_scenario(path: Path, out: Path) -> list[Path]:
    scenario = runnable(path)
    async with Simulation(scenario.overrides) as sim:
        await sim.run(scenario)
        ids = [c.workflow_id for c in repo.clusters(sim.engine)] + [sim.service.program_id]
        ids += [f"recognition-cnlic-{r.year}" for r in repo.recognitions(sim.engine)]
        return await write_histories(sim.env.client, ids, out / path.stem)


async def record_examples(examples: Path, out: Path) -> list[Path]:
    written = []
    for path in sorted(examples.glob("*.yaml")):
        written += await record_scenario(path, out)
    return written
