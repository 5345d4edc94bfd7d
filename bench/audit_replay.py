"""Time ``audit replay`` on a lifecycle that ran three validity cycles (issue 5: "in under a
second"). Builds the lifecycle on the time-skipping server, then replays it N times.

    .venv/bin/python bench/audit_replay.py [N]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from audit.replay import replay_cluster  # noqa: E402
from service.cnlic.simulate import Simulation  # noqa: E402
from tests.support import APPLICANT  # noqa: E402
from tests.workflows.helpers import d, designate, meeting, ok, to_meeting  # noqa: E402


async def main(rounds: int) -> None:
    async with Simulation() as sim:
        await designate(sim, meeting_on=d(6, 20))
        for years in (4, 8):
            await ok(sim, "ceramics", "file_reevaluation", {}, APPLICANT, d(3, 5, years=years))
            await to_meeting(sim, "ceramics", d(3, 6, years=years), new_cluster=False)
            await meeting(sim, d(6, 10, years=years), {"ceramics": "approve"})
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            report = await replay_cluster(sim.env.client, sim.engine, "ceramics")
            timings.append((time.perf_counter() - started) * 1000)
        assert report.ok
        events = sum(r.history_events for r in report.runs)
        print(f"audit replay, 3 validity cycles: {len(report.runs)} runs, {events} history events, "
              f"{len(report.timeline)} journal rows compared")
        print(f"  {rounds} rounds: min {min(timings):.0f} ms, median {statistics.median(timings):.0f} ms, "
              f"max {max(timings):.0f} ms")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10))
