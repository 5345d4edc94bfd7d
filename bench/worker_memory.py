"""Benchmark (issue 15, row 4): the worker's resident memory with N live lifecycles. Starts the
embedded dev server and a worker as ``worker.py`` builds it, onboards N titles (each a live
workflow sleeping on its clocks, cached by the worker), then prints the worker process's RSS
before and after, per lifecycle, and the worker's cache setting. Asserts nothing.

    .venv/bin/python bench/worker_memory.py [--lifecycles 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from devserver import dev_service, rss_mb  # noqa: E402
from domain.cnlic.model import Actor  # noqa: E402
from service.temporal import WORKER_TUNING  # noqa: E402

SECRETARIAT = Actor("secretariat", "综合业务部")


async def onboard(svc, i: int, today) -> None:
    await svc.service.register(
        {"key": f"m{i:05d}", "industry": "陶瓷", "product": "陶瓷", "tier": "town",
         "region": {"province": "广东省", "city": "佛山市", "county": f"{i}区", "code": ""}},
        {"stage": "designated", "on": (today - timedelta(days=400 + i % 300)).isoformat(),
         "document_number": f"中轻联综字〔2025〕{i}号",
         "last_evaluation": {"on": (today - timedelta(days=450 + i % 300)).isoformat(), "score_total": 85,
                             "indicators": {"output": 100, "value": 500, "firms": 300}}}, SECRETARIAT)


async def main(n: int) -> None:
    async with dev_service() as svc:
        gc.collect()
        before = rss_mb()
        today = await svc.service.today()
        gate = asyncio.Semaphore(20)
        started = time.perf_counter()

        async def one(i: int) -> None:
            async with gate:
                await onboard(svc, i, today)

        await asyncio.gather(*(one(i) for i in range(n)))
        await asyncio.sleep(5)  # every lifecycle has journaled and gone to sleep on its clocks
        gc.collect()
        after = rss_mb()
        print(f"{n} live lifecycles onboarded in {time.perf_counter() - started:.1f} s")
        print(f"worker process RSS: {before:.0f} MB before, {after:.0f} MB after "
              f"({(after - before) * 1024 / n:.0f} KB per lifecycle); cache {WORKER_TUNING['max_cached_workflows']} "
              "workflows")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lifecycles", type=int, default=1000)
    asyncio.run(main(parser.parse_args().lifecycles))
