"""Benchmark: listing clusters by stage from the read model (issue 4: "listing 10,000
clusters by stage answers in well under a second"). Prints figures; asserts nothing.

    .venv/bin/python bench/list_clusters.py                 # 10,000 clusters, SQLite in a temp dir
    .venv/bin/python bench/list_clusters.py --clusters 50000 --url postgresql+psycopg://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

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


def timed(fn, repeat: int) -> tuple[float, float, object]:
    fn()  # warm the caches and the connection pool
    samples, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)], result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--url", help="SQLAlchemy URL of an empty database (default: SQLite in a temp dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="designation-bench-") as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = make_engine(url)
        migrate(engine)
        t = time.perf_counter()
        populate(engine, args.clusters)
        print(f"read model: {args.clusters:,} clusters on {engine.dialect.name} (filled in {time.perf_counter() - t:.1f} s)")
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
            median, p95, result = timed(fn, args.repeat)
            rows = getattr(result, "total", None)
            if rows is None:
                rows = result[0] if isinstance(result, tuple) else sum(result.values())
            print(f"{label:<52} {median:>7.1f}ms {p95:>7.1f}ms  {rows}")
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
