"""Benchmark (issue 15, row 3): the midnight herd — N titles whose annual report falls overdue at
the same 00:00 Beijing time, and how long after that instant each escalation is journaled.

A real dev server cannot be moved to midnight, so this runs on Temporal's time-skipping server
with the same worker (``make_worker``, the same tuning) and real activities over SQLite: N titles
are onboarded as conferred last year (their first annual report is due 30 April), the server
is moved to 23:59 on 30 April, then past midnight in one step; every lifecycle's timer fires at
00:00 and the bench polls the journal for the N ``overdue`` rows, timing each from the step in
wall-clock seconds. Prints first / median / p95 / all and the rate; asserts nothing.

    .venv/bin/python bench/herd.py [--titles 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from devserver import median, pct  # noqa: E402
from domain.calendar import SHANGHAI  # noqa: E402
from domain.cnlic.model import Actor  # noqa: E402
from service.cnlic.simulate import Simulation  # noqa: E402
from service.temporal import WORKER_TUNING  # noqa: E402
from store.db import session  # noqa: E402
from store.cnlic.models import Cluster  # noqa: E402
from store.models import JournalRow  # noqa: E402

SECRETARIAT = Actor("secretariat", "综合业务部")


async def skip(sim: Simulation, until: datetime) -> None:
    """Move the server's clock to ``until`` (a herd on the way may take longer than the
    client's default RPC timeout: the server moves no further while tasks are outstanding)."""
    from temporalio.api.testservice.v1 import SleepRequest

    now = await sim.env.get_current_time()
    if until <= now:
        return
    req = SleepRequest()
    req.duration.FromTimedelta(until - now)
    await sim.env.client.test_service.unlock_time_skipping_with_sleep(req, timeout=timedelta(minutes=10))


def beijing(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


async def main(n: int) -> None:
    async with Simulation() as sim:
        today = await sim.today()
        conferred = date(today.year, 1, 1) if today.month < 3 else today - timedelta(days=30)
        due = date(conferred.year + 1, 4, 30)
        gate = asyncio.Semaphore(20)
        started = time.perf_counter()

        async def onboard(i: int) -> None:
            async with gate:
                await sim.service.register(
                    {"key": f"herd{i:05d}", "industry": "陶瓷", "product": "陶瓷", "tier": "town",
                     "region": {"province": "广东省", "city": "佛山市", "county": f"{i}区", "code": ""}},
                    {"stage": "designated", "on": conferred.isoformat(), "document_number": f"中轻联综字〔{i}〕号",
                     "last_evaluation": {"on": (conferred - timedelta(days=60)).isoformat(), "score_total": 85,
                                         "indicators": {"output": 100, "value": 500, "firms": 300}}}, SECRETARIAT)

        await asyncio.gather(*(onboard(i) for i in range(n)))
        while True:  # the server moves no clock while a workflow task is outstanding: let them all settle
            with session(sim.engine) as s:
                journaled = s.exec(select(func.count()).select_from(Cluster).where(Cluster.last_seq > 0)).one()[0]
            if journaled >= n:
                break
            await asyncio.sleep(0.5)
        print(f"{n} titles onboarded and journaled in {time.perf_counter() - started:.1f} s; "
              f"first annual report due {due}")
        await skip(sim, beijing(due, 23, 59))  # the reminders 30 and 7 days before are herds on the way
        await asyncio.sleep(3)
        midnight = datetime(due.year, due.month, due.day, tzinfo=SHANGHAI) + timedelta(days=1)
        step = time.perf_counter()
        step_wall = datetime.now(SHANGHAI)
        await skip(sim, midnight + timedelta(minutes=1))  # past 00:00: every lifecycle's timer fires at once
        seen: dict[str, float] = {}
        deadline = time.perf_counter() + 600
        while len(seen) < n and time.perf_counter() < deadline:
            with session(sim.engine) as s:
                rows = s.exec(select(JournalRow.cluster_key, JournalRow.recorded_at).where(
                    JournalRow.kind == "overdue", JournalRow.on == midnight.date())).all()
            for key, at in rows:
                if key not in seen:
                    at = at if at.tzinfo else at.replace(tzinfo=timezone.utc)  # stored in UTC
                    seen[key] = (at - step_wall).total_seconds()
            await asyncio.sleep(0.2)
        total = time.perf_counter() - step
    lags = sorted(seen.values())
    print(f"escalations journaled: {len(lags)} of {n}; seconds after the step past 00:00: first {lags[0]:.2f}, "
          f"median {median(lags):.2f}, p95 {pct(lags, 95):.2f}, all {lags[-1]:.2f} "
          f"(≈ {len(lags) / max(lags[-1], 1e-9):.0f} escalations/s; polled for {total:.1f} s)")
    print(f"worker tuning: {WORKER_TUNING}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, default=1000)
    asyncio.run(main(parser.parse_args().titles))
