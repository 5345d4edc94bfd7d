"""Benchmark (issue 15 item 4, program 3): Guangdong's yearly assessment round of all 36
upgrade-demonstration zones on Temporal's time-skipping server, with the real workflows and
activities (``service.guangdong.simulate.Runner`` on the platform's ``Simulation``) over a temp
SQLite store. Prints wall seconds for the whole run and per phase, steps and steps/s, peak RSS
of this process and of the test server, and the history events of the round's and the filings'
workflows. Asserts nothing; exits 1 if a round did not end with every zone received.

    .venv/bin/python bench/guangdong_round.py [--rounds 1]

The scenario is generated like ``examples/guangdong/round-2026.yaml`` (the program's own parser
checks it) without its late and returned zones: the province opens the round in January for the
previous year's data (due 31 March, the policy's default), each zone's office files its 94-field
考核表 and 年度工作总结 (``service.guangdong.sample``), the local government and the prefecture's
经贸局 sign off, the province receives all 36 and exports its summary table (all zones × key
fields, year on year, XLSX). ``--rounds N`` runs N consecutive yearly rounds in one simulation
(the second and later show whether a year's cost grows with the store and the histories before
it).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from program_figures import Clock, Server, figure_line, history_events  # noqa: E402

from domain.guangdong.zones import ZONES  # noqa: E402

PHASE = {("open_round", "province_department"): "open round", ("submit", "zone_office"): "zones file",
         ("sign_off", "local_government"): "local sign-off", ("sign_off", "prefecture_bureau"): "prefecture sign-off",
         ("receive", "province_department"): "province receives"}


def scenario(first_year: int, rounds: int) -> dict:
    """``rounds`` yearly rounds, the first opened in January ``first_year`` for the year before."""
    steps = []
    for year in range(first_year, first_year + rounds):
        data_year = year - 1
        steps += [
            {"on": date(year, 1, 5), "action": "open_round", "data_year": data_year},
            {"on": date(year, 2, 22), "action": "submit", "by": "zone_office", "data_year": data_year, "data": "sample"},
            {"on": date(year, 2, 26), "action": "sign_off", "by": "local_government", "data_year": data_year,
             "data": {"opinion": "经审核，材料属实，同意报送。"}},
            {"on": date(year, 3, 5), "action": "sign_off", "by": "prefecture_bureau", "data_year": data_year,
             "data": {"opinion": "同意报送省经贸委。"}},
            {"on": date(year, 3, 20), "action": "receive", "by": "province_department", "data_year": data_year},
        ]
    return {"program": "guangdong", "name": f"bench: {rounds} round(s) of 36 zones", "steps": steps,
            "until": date(first_year + rounds - 1, 4, 30)}


async def run(rounds: int) -> int:
    # the platform is imported here, not at the top: ``--help`` answers at once
    from service.cnlic.simulate import Simulation
    from service.guangdong.reports import summary, summary_xlsx
    from service.guangdong.simulate import Runner, actor_for, parse_scenario
    from store.guangdong import repo
    from workflows.guangdong.contracts import filing_workflow_id, round_workflow_id

    clock = Clock()
    async with Simulation() as sim:
        today = await sim.today()
        first = today.year + 1 if today >= date(today.year, 1, 5) else today.year
        s = parse_scenario(scenario(first, rounds), "bench")
        runner = Runner(sim)
        runner.service.ensure_zones()
        per_year: dict[int, float] = {}
        for step in s.steps:
            t0 = time.perf_counter()
            with clock.phase(PHASE[(step.action, step.role)]):
                await clock.advance(sim, step.on)
                await runner.do(step)
                clock.step(1 if step.action == "open_round" else len(step.zones))
            per_year[step.data_year] = per_year.get(step.data_year, 0.0) + time.perf_counter() - t0
        await clock.advance(sim, s.until, hour=23)
        await sim.settle()
        province = actor_for("province_department", None)
        sheets = {}
        with clock.phase("province summary XLSX"):
            for year in sorted(per_year):  # the province reads all zones × key fields, year on year
                sheets[year] = len(summary_xlsx(summary(sim.engine, province, year)))
                clock.step()
        server = Server.now()
        years = sorted(per_year)
        finals = {y: repo.filings(sim.engine, y) for y in years}
        ids = [round_workflow_id(y) for y in years]
        filings = [filing_workflow_id(y, z.key) for y in years for z in ZONES]
        events = await history_events(sim.env.client, ids + filings)
        journal = sum(1 for _ in runner.timeline())
    print(figure_line(f"guangdong round{'s' if rounds > 1 else ''}, {len(ZONES)} zones × {rounds} year(s)",
                      clock, server))
    for line in clock.lines():
        print(line)
    ok = True
    for y in years:
        received = sum(1 for f in finals[y] if f.step == "received")
        ok = ok and received == len(ZONES)
        filing_events = [events[filing_workflow_id(y, z.key)].events for z in ZONES]
        print(f"data year {y}: {per_year[y]:.1f} s; {received}/{len(finals[y])} received; summary XLSX "
              f"{sheets[y] // 1024} KB; history: round {events[round_workflow_id(y)]}, filings {sum(filing_events)} ({sum(filing_events) / len(filing_events):.0f} per zone, "
              f"max {max(filing_events)})")
    print(f"timeline items {journal}; refusals: " + (", ".join(f"{r.zone} {r.action} [{r.code}]"
                                                             for r in runner.rejections[:5]) or "none")
          + (f" … {len(runner.rejections)} in all" if len(runner.rejections) > 5 else ""))
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n\n".join(__doc__.split("\n\n")[1:]))
    parser.add_argument("--rounds", type=int, default=1, help="consecutive yearly rounds in one run (default 1)")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds 至少为 1")
    raise SystemExit(asyncio.run(run(args.rounds)))


if __name__ == "__main__":
    main()
