"""Record the histories of program 3's example scenarios into ``tests/histories/guangdong-<scenario>/``
(the replay test replays every JSON there against the current code)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from audit.record import write_histories
from domain.calendar import SHANGHAI
from service.guangdong.simulate import Runner, load_scenario, runnable
from store.guangdong import repo


async def record_scenario(path: Path, out: Path) -> list[Path]:
    from service.cnlic.simulate import Simulation

    async with Simulation() as sim:
        scenario = runnable(load_scenario(path), datetime.now(SHANGHAI).date())
        await Runner(sim).run(scenario)
        ids = [r.workflow_id for r in repo.rounds(sim.engine)] + [f.workflow_id for f in repo.filings(sim.engine)]
        return await write_histories(sim.env.client, ids, out / f"guangdong-{path.stem}")


async def record_examples(examples: Path, out: Path) -> list[Path]:
    written = []
    for path in sorted(examples.glob("*.yaml")):
        written += await record_scenario(path, out)
    return written
