"""Benchmark (issue 15, row 8): Temporal history events per validity cycle of a lifecycle.
Runs ``examples/full-cycle.yaml`` (three validity cycles: first designation, an on-time
re-evaluation, a late one) on the time-skipping server with the real workflows and activities,
then counts the events of every run of ``designation-ceramics`` and divides by the cycles the
journal shows (conferrals). Prints figures; asserts nothing.

    .venv/bin/python bench/history_events.py
"""

from __future__ import annotations

import asyncio
import collections
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from temporalio.api.enums.v1 import EventType  # noqa: E402

from audit.history import run_chain  # noqa: E402
from service.cnlic.simulate import Simulation, load_scenario  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "full-cycle.yaml"


async def main() -> None:
    scenario = load_scenario(EXAMPLE, None)
    async with Simulation(scenario.overrides) as sim:
        await sim.run(scenario)
        chain = await run_chain(sim.env.client, "designation-ceramics")
        journal = sim.journal("ceramics")
    cycles = sum(1 for r in journal if r.kind == "title" and r.data.get("status") == "valid")
    total = sum(len(h.events) for h in chain)
    kinds: collections.Counter[str] = collections.Counter()
    for h in chain:
        for e in h.events:
            kinds[EventType.Name(e.event_type).removeprefix("EVENT_TYPE_")] += 1
    print(f"lifecycle: {EXAMPLE.name}, {len(chain)} runs, {len(journal)} journal rows, {cycles} validity cycles")
    print(f"history events: {total} in all, {total / max(cycles, 1):.0f} per validity cycle "
          f"(runs: {', '.join(str(len(h.events)) for h in chain)})")
    for kind, n in kinds.most_common():
        print(f"  {kind:<45} {n:>5}")


if __name__ == "__main__":
    asyncio.run(main())
