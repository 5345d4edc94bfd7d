"""Time ``audit replay`` on a lifecycle that ran three validity cycles (issue 5: "in under a
second"; issue 15, row 6: the whole CLI process ≤ 0.8 s). Builds the lifecycle on the
time-skipping server, replays it N times in-process (the replay core), then runs
``designation audit replay`` as its own process N times against that server and store (the whole
command: start-up, imports, connecting, fetching, replaying, comparing, printing).

    .venv/bin/python bench/audit_replay.py [N]
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from audit.replay import replay_cluster  # noqa: E402
from service.cnlic.simulate import Simulation  # noqa: E402
from tests.support import APPLICANT  # noqa: E402
from tests.workflows.helpers import approve, d, designate, ok, to_meeting  # noqa: E402


async def main(rounds: int) -> None:
    async with Simulation() as sim:
        await designate(sim, meeting_on=d(6, 20))
        for years in (4, 8):
            await ok(sim, "ceramics", "file_reevaluation", {}, APPLICANT, d(3, 5, years=years))
            await to_meeting(sim, "ceramics", d(3, 6, years=years), new_cluster=False)
            await approve(sim, d(6, 10, years=years), ["ceramics"])
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            report = await replay_cluster(sim.env.client, sim.engine, "ceramics")
            timings.append((time.perf_counter() - started) * 1000)
        assert report.ok
        events = sum(r.history_events for r in report.runs)
        print(f"audit replay, 3 validity cycles: {len(report.runs)} runs, {events} history events, "
              f"{len(report.timeline)} journal rows compared")
        print(f"  replay core, {rounds} rounds: min {min(timings):.0f} ms, median {statistics.median(timings):.0f} ms, "
              f"max {max(timings):.0f} ms")
        compiled = precompile()
        cli = await cli_timings(sim, rounds)
        print(f"  whole CLI process (designation audit replay ceramics), {rounds} runs: min {min(cli):.0f} ms, "
              f"median {statistics.median(cli):.0f} ms, max {max(cli):.0f} ms ({compiled})")
        started = time.perf_counter()
        await run_cli(sim, "--help")
        print(f"  of which Python start-up and the CLI's own imports (designation --help): "
              f"{(time.perf_counter() - started) * 1000:.0f} ms")


def precompile() -> str:
    """The service's own modules as an installed CLI runs them: compiled once. An editable
    install leaves that to the first run, and with PYTHONDONTWRITEBYTECODE set (as on these
    machines) every run compiled ~80 modules again (0.1–0.15 s of each)."""
    import compileall

    root = Path(__file__).resolve().parents[1]
    packages = ("activities", "audit", "cli", "domain", "service", "store", "workflows")
    ok = all(compileall.compile_dir(root / p, quiet=1) for p in packages)
    return "the service's modules byte-compiled" if ok else "byte-compiling failed: timed from source"


async def run_cli(sim: Simulation, *args: str) -> str:
    env = {**os.environ, "TEMPORAL_ADDRESS": sim.env.client.service_client.config.target_host,
           "TEMPORAL_NAMESPACE": sim.env.client.namespace, "DATABASE_URL": sim.database_url,
           "DESIGNATION_DATA_DIR": str(Path(sim.database_url.removeprefix("sqlite:///")).parent)}
    proc = await asyncio.create_subprocess_exec(str(Path(sys.executable).parent / "designation"), *args, env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate()
    if proc.returncode not in (0,):
        raise SystemExit(f"designation {' '.join(args)} failed ({proc.returncode}): {err.decode()[-500:]}")
    return out.decode()


async def cli_timings(sim: Simulation, rounds: int) -> list[float]:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        out = await run_cli(sim, "audit", "replay", "ceramics", "--by", "bench")
        timings.append((time.perf_counter() - started) * 1000)
        assert "一致" in out, out[-300:]
    return timings


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10))
