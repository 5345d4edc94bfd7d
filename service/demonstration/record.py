"""Record the histories of program 2's example scenarios (``examples/demonstration/*.yaml``)
into ``tests/histories/demonstration-<scenario>/``: the rounds' and the clusters' runs, which
``tests/workflows/test_recorded_histories.py`` replays against every later change."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from audit.record import write_histories
from domain.calendar import SHANGHAI
from service.demonstration.simulate import RoundSimulation, load_demo, shift_demo, years_to_run
from store.cnlic import lifecycle as cnlic_repo
from store.demonstration import rounds as repo


async def record_scenario(path: Path, out: Path) -> list[Path]:
    s = load_demo(path)
    s = shift_demo(s, years_to_run(s, datetime.now(SHANGHAI).date()))
    async with RoundSimulation() as sim:
        await sim.run_demo(s)
        ids = [c.workflow_id for c in cnlic_repo.clusters(sim.engine)] + [r.workflow_id for r in repo.rounds(sim.engine)]
        return await write_histories(sim.env.client, ids, out / f"demonstration-{path.stem}")


async def record_examples(examples: Path, out: Path) -> list[Path]:
    written = []
    for path in sorted(examples.glob("*.yaml")):
        written += await record_scenario(path, out)
    return written
