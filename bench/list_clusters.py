"""Benchmark (issue 4; issue 15, row 7): listing clusters by stage. Three ways to ask it, each
timed p50/p95, printed; nothing asserted:

* the read model (``store.cnlic.readmodel``), as before;
* ``--api``: the real route ``GET /api/clusters?stage=…`` — the console app in-process over
  httpx's ASGI transport, a signed-in user's bearer token, a page of 50 with its total;
* ``--visibility N``: the same question through Temporal visibility (``list_workflows`` with a
  ``ClusterStage="…"`` query, a page of 50, and ``count_workflows`` for the total) on a dev server
  holding N real lifecycles (``bench/devserver.py``), with the API at the same N beside it and
  the ratio.

    .venv/bin/python bench/list_clusters.py                                  # read model, 10,000, SQLite
    .venv/bin/python bench/list_clusters.py --api --sizes 10000,100000 --stores sqlite,postgres
    .venv/bin/python bench/list_clusters.py --api --visibility 2000           # + Temporal visibility
    .venv/bin/python bench/list_clusters.py --clusters 50000 --url postgresql+psycopg://postgres@127.0.0.1/bench

``postgres`` in ``--stores`` creates a scratch database on 127.0.0.1:5432 (user postgres) and drops
it afterwards; ``--url`` names an empty database of your own.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text  # noqa: E402

from domain.cnlic.access import Scope  # noqa: E402
from domain.cnlic.model import Stage  # noqa: E402
from store.db import make_engine, migrate, session  # noqa: E402
from store.cnlic.models import Cluster, DeadlineRow  # noqa: E402
from store.cnlic.readmodel import ClusterFilter, list_clusters, radar, stage_counts  # noqa: E402

INDUSTRIES = ["陶瓷", "家具", "皮革", "造纸", "竹制品", "五金", "服装", "食品", "塑料", "钟表"]
PROVINCES = ["广东省", "浙江省", "江西省", "河北省", "山东省", "江苏省", "福建省", "四川省"]
# roughly how a mature program spreads: most titles designated, a tail in each procedure step
WEIGHTS = {Stage.CULTIVATION: 12, Stage.APPLIED: 4, Stage.ACCEPTED: 2, Stage.SITE_EVALUATION: 2,
           Stage.ASSOCIATION_OPINION: 2, Stage.FORMAL_REVIEW: 3, Stage.AWAITING_MEETING: 2, Stage.DESIGNATED: 55,
           Stage.RECTIFICATION: 3, Stage.EXPIRED: 6, Stage.REVOKED: 4, Stage.WITHDRAWN: 3, Stage.REFUSED: 2}
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PAGE = 50


def populate(engine, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    today = date.today()
    now = datetime.now(timezone.utc)
    stages = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()), k=n)
    clusters, deadlines = [], []
    for i, stage in enumerate(stages):
        key = f"bench-{i:06d}"
        due = today + timedelta(days=rng.randint(-30, 1500))
        clusters.append(dict(
            key=key, workflow_id=f"designation-{key}", name=f"集群{i}", title=f"中国{i}之都", industry=rng.choice(INDUSTRIES),
            product="产品", tier=rng.choice(["capital", "base", "town"]), province=rng.choice(PROVINCES), city="", county="",
            region_code=f"{rng.randint(110000, 659999)}", stage=stage.value, procedure="designation",
            title_status="valid" if stage == Stage.DESIGNATED else "none", valid_until=None, conferred_on=None,
            expired_on=None, next_deadline=due if due >= today else None, next_deadline_what="expiry",
            overdue=due < today, policy_version="cnlic-2022", cycle=0, last_seq=1, live=True, registered_on=today,
            updated_at=now))
        deadlines.append(dict(cluster_key=key, key="expiry", what="expiry", due=due, armed_on=today, anchor=today,
                              reminders=[], calendar_version="bench", provisional=False, basis="bench",
                              overdue_since=due + timedelta(days=1) if due < today else None))
    with session(engine) as s:
        for start in range(0, n, 2000):
            s.execute(insert(Cluster), clusters[start:start + 2000])
            s.execute(insert(DeadlineRow), deadlines[start:start + 2000])
    if engine.dialect.name == "postgresql":  # as autovacuum leaves a table that has settled
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("VACUUM ANALYZE cluster")); c.execute(text("VACUUM ANALYZE deadline"))


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def timed(fn, repeat: int) -> tuple[float, float, object]:
    fn()  # warm the caches and the connection pool
    samples, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - t) * 1000)
    return (*percentiles(samples), result)


async def atimed(fn, repeat: int) -> tuple[float, float, object]:
    await fn()
    samples, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = await fn()
        samples.append((time.perf_counter() - t) * 1000)
    return (*percentiles(samples), result)


# ---------------------------------------------------------------- the read model


def read_model(engine, repeat: int) -> None:
    everything = Scope(everything=True)
    association = Scope(industries=("陶瓷",))
    due_by = date.today() + timedelta(days=30)
    cases = [
        ("list by stage 'designated', page 1 of 50 + total", lambda: list_clusters(
            engine, everything, ClusterFilter(stage="designated"), 1, 50)),
        ("list by stage 'designated', page 100 of 50", lambda: list_clusters(
            engine, everything, ClusterFilter(stage="designated"), 100, 50)),
        ("list by stage 'formal_review' (a small stage)", lambda: list_clusters(
            engine, everything, ClusterFilter(stage="formal_review"), 1, 50)),
        ("list by stage, association scope (one industry)", lambda: list_clusters(
            engine, association, ClusterFilter(stage="designated"), 1, 50)),
        ("list with deadline within 30 days + overdue=false", lambda: list_clusters(
            engine, everything, ClusterFilter(due_by=due_by, overdue=False), 1, 50)),
        ("counts per stage (overview)", lambda: stage_counts(engine, everything)),
        ("radar: 200 soonest open deadlines", lambda: radar(engine, everything, limit=200)),
    ]
    print(f"{'query':<52} {'median':>9} {'p95':>9}  rows")
    for label, fn in cases:
        median, p95, result = timed(fn, repeat)
        rows = getattr(result, "total", None)
        if rows is None:
            rows = result[0] if isinstance(result, tuple) else sum(result.values())
        print(f"{label:<52} {median:>7.1f}ms {p95:>7.1f}ms  {rows}")


# ---------------------------------------------------------------- the API route


API_CASES = [  # (label, user, query)
    ("GET /api/clusters?stage=designated (page 1)", "secretariat", "stage=designated"),
    ("… stage=designated&page=100", "secretariat", "stage=designated&page=100"),
    ("… stage=formal_review (a small stage)", "secretariat", "stage=formal_review"),
    ("… stage=designated, association (one industry)", "association", "stage=designated"),
    ("… stage=designated, provincial (one province)", "provincial", "stage=designated"),
    ("… stage=expired&overdue=true", "secretariat", "stage=expired&overdue=true"),
]
USERS = {"secretariat": dict(role="secretariat", name="综合业务部"),
         "association": dict(role="association", name="中国陶瓷工业协会", industries=["陶瓷"]),
         "provincial": dict(role="provincial", name="广东省轻工业联合会", provinces=["广东省"])}


def console_app(engine):
    """The console as ``worker.py --console`` serves it, with a token per user; the listing
    reads only the store (no Temporal client is needed for it)."""
    from console.app import create_app
    from service.cnlic.console import ConsoleService
    from service.cnlic.lifecycle import LifecycleService
    from service.users import UserService

    users = UserService(engine)
    tokens = {}
    for username, spec in USERS.items():
        name = f"bench-{username}"
        if not _user_exists(engine, name):
            users.add(name, spec["role"], spec["name"], "bench-password-1", industries=spec.get("industries", ()),
                      provinces=spec.get("provinces", ()))
        tokens[username] = users.issue_token(name)
    console = ConsoleService(LifecycleService(None, engine), engine)  # type: ignore[arg-type]
    return create_app(console, users), tokens


def _user_exists(engine, username: str) -> bool:
    from store.users import user_by_username

    return user_by_username(engine, username) is not None


async def api(engine, repeat: int, cases=API_CASES) -> list[tuple[str, float, float, int]]:
    import httpx

    app, tokens = console_app(engine)
    out = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://console.bench") as client:
        for label, who, query in cases:
            headers = {"Authorization": f"Bearer {tokens[who]}"}
            if "page=100" in query:  # a small store has fewer pages: its last one
                first = await client.get(f"/api/clusters?{query.replace('&page=100', '')}&per_page={PAGE}",
                                         headers=headers)
                query = query.replace("page=100", f"page={min(100, first.json()['pages'])}")

            async def call() -> int:
                r = await client.get(f"/api/clusters?{query}&per_page={PAGE}", headers=headers)
                if r.status_code != 200:
                    raise RuntimeError(f"{query}: {r.status_code} {r.text[:200]}")
                return r.json()["total"]

            median, p95, total = await atimed(call, repeat)
            out.append((label, median, p95, total))
    return out


def print_api(rows: list[tuple[str, float, float, int]]) -> None:
    print(f"{'request (page of 50 + total)':<52} {'p50':>9} {'p95':>9}  total")
    for label, median, p95, total in rows:
        print(f"{label:<52} {median:>7.1f}ms {p95:>7.1f}ms  {total}")


# ---------------------------------------------------------------- Temporal visibility


async def visibility(n: int, repeat: int) -> None:
    """N real lifecycles on a dev server (onboarded: ~55% designated titles, the rest in
    cultivation), the question asked of visibility, and of the API over the same store."""
    from devserver import dev_service
    from store.cnlic.readmodel import cluster_row
    from domain.cnlic.model import Actor
    from temporalio.api.workflowservice.v1 import ListWorkflowExecutionsRequest

    async with dev_service() as svc:
        today = await svc.service.today()
        actor = Actor("secretariat", "综合业务部")
        gate = asyncio.Semaphore(8)
        rng = random.Random(11)

        async def onboard(i: int) -> None:
            province, industry = rng.choice(PROVINCES), rng.choice(INDUSTRIES)
            designated = rng.random() < 0.55
            cluster = {"key": f"vis-{i:05d}", "industry": industry, "product": industry, "tier": "town",
                       "region": {"province": province, "city": "市", "county": f"{i}区", "code": f"{100000 + i}"}}
            start = ({"stage": "designated", "on": (today - timedelta(days=400)).isoformat(),
                      "document_number": f"中轻联综字〔2025〕{i}号",
                      "last_evaluation": {"on": (today - timedelta(days=450)).isoformat(), "score_total": 85,
                                          "indicators": {"output": 100, "value": 500, "firms": 300}}}
                     if designated else {"stage": "cultivation", "on": today.isoformat(), "planned_years": 2})
            async with gate:  # at most 8 registrations in flight: the worker's tasks stay short
                await svc.service.register(cluster, start, actor)
                while (row := cluster_row(svc.engine, cluster["key"])) is None or row.last_seq == 0:
                    await asyncio.sleep(0.01)

        started = time.perf_counter()
        await asyncio.gather(*(onboard(i) for i in range(n)))
        await asyncio.sleep(3)  # visibility is eventually consistent: let the last upserts land
        print(f"visibility: {n:,} lifecycles onboarded on a dev server in {time.perf_counter() - started:.0f} s")
        query = 'ClusterStage="designated"'
        client = svc.client

        async def page() -> int:
            r = await client.workflow_service.list_workflow_executions(ListWorkflowExecutionsRequest(
                namespace=client.namespace, page_size=PAGE, query=query))
            return len(r.executions)

        async def page_and_count() -> int:
            await page()
            return (await client.count_workflows(query)).count

        v_page = await atimed(page, repeat)
        v_both = await atimed(page_and_count, repeat)
        rows = await api(svc.engine, repeat, API_CASES[:1])
        label, a50, a95, total = rows[0]
        print(f"{'the same question, ' + str(n) + ' lifecycles':<52} {'p50':>9} {'p95':>9}  total")
        print(f"{'visibility: list_workflows, a page of 50':<52} {v_page[0]:>7.1f}ms {v_page[1]:>7.1f}ms  {v_page[2]}")
        print(f"{'visibility: the page + count_workflows':<52} {v_both[0]:>7.1f}ms {v_both[1]:>7.1f}ms  {v_both[2]}")
        print(f"{'API: ' + label:<52} {a50:>7.1f}ms {a95:>7.1f}ms  {total}")
        print(f"ratio (visibility page + count ÷ API): ×{v_both[0] / a50:.1f} at p50, ×{v_both[1] / a95:.1f} at p95; "
              f"(visibility page alone ÷ API): ×{v_page[0] / a50:.1f} at p50")


# ---------------------------------------------------------------- stores


class store:
    """``with store(kind, tmp) as url``: a SQLite file in ``tmp`` or a scratch PostgreSQL
    database, dropped afterwards."""

    def __init__(self, kind: str, tmp: Path, n: int) -> None:
        self.kind, self.tmp, self.n = kind, tmp, n
        self.db = f"designation_bench_list_{os.getpid()}_{n}"

    def __enter__(self) -> str:
        if self.kind not in ("sqlite", "postgres"):
            raise SystemExit(f"--stores: {self.kind}? (sqlite, postgres)")
        if self.kind == "sqlite":
            return f"sqlite:///{self.tmp / f'bench-{self.n}.db'}"
        admin = make_engine(PG_ADMIN)
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{self.db}"'))
            c.execute(text(f'CREATE DATABASE "{self.db}"'))
        return PG_ADMIN.rsplit("/", 1)[0] + f"/{self.db}"

    def __exit__(self, *exc) -> None:
        if self.kind != "sqlite":
            with make_engine(PG_ADMIN).connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)'))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=None, help="one size (default 10,000)")
    parser.add_argument("--sizes", default=None, help="sizes, comma-separated (e.g. 10000,100000)")
    parser.add_argument("--stores", default="sqlite", help="sqlite, postgres or both (sqlite,postgres)")
    parser.add_argument("--url", help="SQLAlchemy URL of an empty database (instead of --stores)")
    parser.add_argument("--api", action="store_true", help="also time the API route")
    parser.add_argument("--visibility", type=int, default=0, help="lifecycles on a dev server to ask visibility")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [args.clusters or 10_000]
    kinds = ["url"] if args.url else [k.strip() for k in args.stores.split(",") if k.strip()]
    with tempfile.TemporaryDirectory(prefix="designation-bench-") as tmp:
        for kind in kinds:
            for n in sizes:
                if kind == "url":
                    run_size(args.url, n, args)
                    continue
                with store(kind, Path(tmp), n) as url:
                    run_size(url, n, args)
    if args.visibility:
        asyncio.run(visibility(args.visibility, args.repeat))
    return 0


def run_size(url: str, n: int, args) -> None:
    engine = make_engine(url)
    migrate(engine)
    t = time.perf_counter()
    populate(engine, n)
    print(f"read model: {n:,} clusters on {engine.dialect.name} (filled in {time.perf_counter() - t:.1f} s)")
    read_model(engine, args.repeat)
    if args.api:
        print_api(asyncio.run(api(engine, args.repeat)))
    engine.dispose()
    print()


if __name__ == "__main__":
    sys.exit(main())
