"""Record the histories of program 3's example scenarios into ``tests/histories/guangdong-<scenario>/``
(the replay test replays every JSON there against the current code)."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

from audit.history import run_chain
from domain.calendar import SHANGHAI
from service.guangdong.simulate import Runner, load_scenario, runnable
from store.guangdong import repo


async def record_scenario(path: Path, out: Path) -> list[Path]:
    from service.cnlic.simulate import Simulation

    target = out / f"guangdong-{path.stem}"
    if target.exists():
        shutil.rmtree(target)
    written = []
    async with Simulation() as sim:
        scenario = runnable(load_scenario(path), datetime.now(SHANGHAI).date())
        await Runner(sim).run(scenario)
        ids = [r.workflow_id for r in repo.rounds(sim.engine)] + [f.workflow_id for f in repo.filings(sim.engine)]
        for workflow_id in ids:
            for n, history in enumerate(await run_chain(sim.env.client, workflow_id), 1):
                file = target / f"{workflow_id}.{n:02d}.json"
                file.parent.mkdir(parents=True, exist_ok=True)
                file.write_text(json.dumps(history.to_json_dict(), ensure_ascii=False, indent=1) + "\n")
                written.append(file)
    return written


async def record_examples(examples: Path, out: Path) -> list[Path]:
    written = []
    for path in sorted(examples.glob("*.yaml")):
        written += await record_scenario(path, out)
    return written
