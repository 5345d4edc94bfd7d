"""Benchmark (issue 15, row 5): ``audit verify --all``. Fills a store with N journals of R rows
each, hash-chained as the record activity chains them (bulk inserts), then times the verification
of every chain (no Temporal: the chain only). With ``--live M`` it also starts M onboarded
lifecycles on a dev server and times the head check against Temporal (fetched concurrently),
printing the per-head cost and the figure extrapolated to N. Prints figures; asserts nothing.

    .venv/bin/python bench/audit_verify.py [--journals 10000] [--rows 39] [--live 300]
    .venv/bin/python bench/audit_verify.py --postgres     # a scratch database on 127.0.0.1:5432, dropped after
    .venv/bin/python bench/audit_verify.py --url postgresql+psycopg://postgres@127.0.0.1/bench   # an existing one
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text  # noqa: E402

from audit.service import AuditService  # noqa: E402
from domain.journal import GENESIS, event_hash  # noqa: E402
from store.cnlic.models import Cluster  # noqa: E402
from store.db import make_engine, migrate  # noqa: E402
from store.models import JournalRow  # noqa: E402

KINDS = ("stage", "deadline", "action", "reminder", "title")


def fill(engine, journals: int, rows: int) -> None:
    now = datetime.now(timezone.utc)
    clusters, batch = [], []
    for n in range(journals):
        key = f"v{n:06d}"
        wid = f"designation-{key}"
        clusters.append(dict(key=key, workflow_id=wid, industry="陶瓷", product="陶瓷", tier="town", province="广东省",
                             stage="designated", procedure="designation", title_status="valid",
                             policy_version="cnlic-2022", registered_on=date(2027, 1, 4), updated_at=now, last_seq=rows))
        head = GENESIS
        for seq in range(1, rows + 1):
            on = date(2027, 1, 4) + timedelta(days=seq * 9)
            e = SimpleNamespace(seq=seq, on=on, kind=KINDS[seq % len(KINDS)],
                                data={"what": "annual_report", "due": on.isoformat(), "key": f"k{seq}", "n": seq},
                                actor=SimpleNamespace(role="system", name="自动时钟"))
            prev, head = head, event_hash(head, key, e)
            batch.append(dict(idem_key=f"{wid}#{seq}", cluster_key=key, workflow_id=wid, run_id="", seq=seq, on=on,
                              kind=e.kind, actor_role="system", actor_name="自动时钟", data=e.data, recorded_at=now,
                              prev_hash=prev, hash=head))
        if len(batch) >= 20000:
            with engine.begin() as c:
                c.execute(insert(JournalRow), batch)
            batch = []
    with engine.begin() as c:
        if batch:
            c.execute(insert(JournalRow), batch)
        c.execute(insert(Cluster), clusters)


async def chain_only(engine) -> tuple[float, int, int]:
    started = time.perf_counter()
    reports = await AuditService(None, engine).verify(None, "bench")
    return time.perf_counter() - started, len(reports), sum(r.rows for r in reports)


async def with_heads(live: int) -> tuple[float, int]:
    from devserver import cpu_seconds, dev_service

    async with dev_service() as svc:
        today = await svc.service.today()
        from domain.cnlic.model import Actor

        actor = Actor("secretariat", "综合业务部")
        sem = asyncio.Semaphore(10)

        async def onboard(i: int) -> None:
            async with sem:
                await svc.service.register(
                    {"key": f"h{i:05d}", "industry": "陶瓷", "product": "陶瓷", "tier": "town",
                     "region": {"province": "广东省", "city": "佛山市", "county": f"{i}区", "code": ""}},
                    {"stage": "designated", "on": (today - timedelta(days=400)).isoformat(),
                     "document_number": f"中轻联综字〔2025〕{i}号",
                     "last_evaluation": {"on": (today - timedelta(days=450)).isoformat(), "score_total": 85,
                                         "indicators": {"output": 100, "value": 500, "firms": 300}}}, actor)

        await asyncio.gather(*(onboard(i) for i in range(live)))
        await asyncio.sleep(5)  # every lifecycle has journaled its start and gone to sleep
        await visibility_settled(svc, live)
        times, server_cpu = [], []
        pid = svc.server.process.pid if svc.server.process is not None else None
        for _ in range(3):
            started, server = time.perf_counter(), cpu_seconds(pid) if pid else 0.0
            auditor = AuditService(svc.client, svc.engine)
            reports = await auditor.verify(None, "bench")
            times.append(time.perf_counter() - started)
            server_cpu.append((cpu_seconds(pid) if pid else 0.0) - server)
            assert all(r.ok for r in reports), [r.summary() for r in reports if not r.ok][:3]
        print(f"  heads from the visibility listing (JournalHead): {auditor.heads_listed}, "
              f"read from histories: {auditor.heads_read}")
        print(f"  each run: {', '.join(f'{t:.1f} s' for t in times)}; the dev server's CPU in each: "
              f"{', '.join(f'{c:.1f} s' for c in server_cpu)} ({1000 * min(server_cpu) / len(reports):.1f}–"
              f"{1000 * max(server_cpu) / len(reports):.1f} ms a head)")
        return min(times), len(reports)


async def visibility_settled(svc, live: int, limit: float = 300.0) -> None:
    """Wait until the dev server's visibility shows every lifecycle's JournalHead (its
    visibility queue runs behind a burst of onboarding), so the runs time a quiet service."""
    from audit.history import listed_heads

    ids = {f"designation-h{i:05d}" for i in range(live)}
    started = time.perf_counter()
    while True:
        found = len(await listed_heads(svc.client, ids))
        if found == live or time.perf_counter() - started > limit:
            break
        await asyncio.sleep(2)
    print(f"  visibility showed {found} of {live} heads {time.perf_counter() - started:.1f} s after the 5 s pause")


def main(journals: int, rows: int, url: str | None, live: int) -> None:
    with tempfile.TemporaryDirectory(prefix="designation-verify-") as tmp:
        engine = make_engine(url or f"sqlite:///{Path(tmp) / 'store.db'}")
        migrate(engine)
        if url:
            with engine.begin() as c:
                c.execute(text("DELETE FROM journal")); c.execute(text("DELETE FROM deadline"))
                c.execute(text("DELETE FROM cluster"))
        t = time.perf_counter()
        fill(engine, journals, rows)
        print(f"store: {engine.url.get_backend_name()}, {journals} journals × {rows} rows = {journals * rows} rows "
              f"(filled in {time.perf_counter() - t:.1f} s)")
        times = []
        for _ in range(3):
            elapsed, n, total = asyncio.run(chain_only(engine))
            times.append(elapsed)
        print(f"verify --all, chain only: {min(times):.2f} s best of 3 ({', '.join(f'{x:.2f}' for x in times)}); "
              f"{n} journals, {total} rows")
        engine.dispose()
    if live:
        elapsed, n = asyncio.run(with_heads(live))
        per = elapsed / n
        print(f"verify --all with Temporal heads: {elapsed:.2f} s (best of 3) for {n} live lifecycles = "
              f"{per * 1000:.1f} ms each; ≈ {per * journals:.1f} s for {journals} journals' heads, "
              "plus the chain part above")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journals", type=int, default=10000)
    parser.add_argument("--rows", type=int, default=39)
    parser.add_argument("--url", default=None)
    parser.add_argument("--postgres", action="store_true",
                        help="a scratch database on the PostgreSQL at 127.0.0.1:5432 (user postgres), dropped after")
    parser.add_argument("--live", type=int, default=0)
    a = parser.parse_args()
    drop = None
    if a.postgres:
        from journal_write import postgres_database

        scratch = postgres_database()
        if scratch is None:
            raise SystemExit("--postgres: no PostgreSQL reachable at 127.0.0.1:5432 (user postgres)")
        a.url, drop = scratch
    try:
        main(a.journals, a.rows, a.url, a.live)
    finally:
        if drop is not None:
            drop()
