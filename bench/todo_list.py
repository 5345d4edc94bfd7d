"""Benchmark: 我的待办 and 我的已办 over a large read model (issue 10 item 5): the to-do of the
secretariat (every cluster), an association (one industry) and an expert (the panels naming
them), the navigation bar's count (remembered until the read model changes), and a page of 我的已办 over a large journal. Prints figures;
asserts nothing. Applied clusters get a journaled application, so no workflow is asked.

    .venv/bin/python bench/todo_list.py                      # 10,000 clusters, 100,000 journal rows, SQLite
    .venv/bin/python bench/todo_list.py --clusters 50000 --url postgresql+psycopg://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select  # noqa: E402

from bench.list_clusters import INDUSTRIES, populate  # noqa: E402
from domain.cnlic.access import User  # noqa: E402
from domain.calendar import WorkCalendar  # noqa: E402
from service.cnlic import todo  # noqa: E402
from store.calendars import service_calendar  # noqa: E402
from store.db import make_engine, migrate, session  # noqa: E402
from store.models import JournalRow  # noqa: E402
from store.cnlic.models import Cluster, PanelMemberRow


class BenchConsole:
    """What ``service.cnlic.todo`` asks of the console: the store, the calendar, today, and the
    workflow (counted: the bench expects no call)."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self._calendar: WorkCalendar = service_calendar(engine)
        self.views = 0
        self.lifecycle = self

    async def today(self) -> date:
        return date.today()

    def calendar(self) -> WorkCalendar:
        return self._calendar

    async def view(self, key: str):  # pragma: no cover - only when the journal lacks an application
        self.views += 1
        raise RuntimeError(f"the bench asked the workflow of {key}")


def journal(engine, n_rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    now = datetime.now(timezone.utc)
    with session(engine) as s:
        clusters = s.exec(select(Cluster.key, Cluster.stage)).all()
    rows, panels, seq = [], [], {}
    names = ["综合业务部", "张会长", "中国陶瓷工业协会", "李专家", "演示县人民政府"]
    for key, stage in clusters:  # each applied cluster's application, each site evaluation's panel
        if stage == "applied":
            seq[key] = seq.get(key, 0) + 1
            rows.append(dict(idem_key=f"{key}#{seq[key]}", cluster_key=key, workflow_id=f"designation-{key}", seq=seq[key],
                             on=date.today(), kind="action", actor_role="secretariat", actor_name="综合业务部",
                             data={"action": "file_application", "application": {"bodies": [
                                 {"name": "中国陶瓷工业协会", "kind": "association"}]}}, recorded_at=now))
        if stage == "site_evaluation":
            for i in range(5):
                panels.append(dict(cluster_key=key, seq=1, procedure="designation", visit_on=date.today(),
                                   name="李专家" if i == 0 else f"专家{i}", senior=True, field="technology",
                                   region_code="", lead=i == 0))
    keys = [k for k, _ in clusters]
    while len(rows) < n_rows:
        key = rng.choice(keys)
        seq[key] = seq.get(key, 0) + 1
        who = rng.choice(names)
        rows.append(dict(idem_key=f"{key}#{seq[key]}", cluster_key=key, workflow_id=f"designation-{key}", seq=seq[key],
                         on=date.today(), kind=rng.choice(["action", "stage", "deadline", "reminder"]),
                         actor_role="secretariat" if who == "综合业务部" else "leader", actor_name=who,
                         data={"action": "accept_application"}, recorded_at=now))
    with session(engine) as s:
        for start in range(0, len(rows), 5000):
            s.execute(insert(JournalRow), rows[start:start + 5000])
        if panels:
            s.execute(insert(PanelMemberRow), panels)


def timed(fn, repeat: int) -> tuple[float, float, object]:
    fn()
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
    parser.add_argument("--journal", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--url", help="SQLAlchemy URL of an empty database (default: SQLite in a temp dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="designation-bench-") as tmp:
        engine = make_engine(args.url or f"sqlite:///{Path(tmp) / 'bench.db'}")
        migrate(engine)
        t = time.perf_counter()
        populate(engine, args.clusters)
        journal(engine, args.journal)
        print(f"{args.clusters:,} clusters, {args.journal:,} journal rows on {engine.dialect.name} "
              f"(filled in {time.perf_counter() - t:.1f} s)")
        console = BenchConsole(engine)
        loop = asyncio.new_event_loop()
        people = {
            "secretariat (every cluster)": User("s", "secretariat", "综合业务部"),
            "association (one industry)": User("a", "association", "中国陶瓷工业协会", industries=(INDUSTRIES[0],)),
            "expert (the panels naming them)": User("e", "expert", "李专家"),
            "auditor": User("au", "auditor", "审计署"),
        }
        print(f"{'what':<56} {'median':>9} {'p95':>9}  items")
        def cold(user):
            todo._ITEMS.clear()  # as after a lifecycle wrote the read model
            return loop.run_until_complete(todo.todo(console, user))

        for label, user in people.items():
            median, p95, result = timed(lambda: cold(user), args.repeat)
            print(f"{'我的待办, ' + label + ', read model just changed':<56} {median:>7.1f}ms {p95:>7.1f}ms  {result.total}")
            median, p95, result = timed(lambda: loop.run_until_complete(todo.todo(console, user)), args.repeat)
            print(f"{'  unchanged since the last look':<56} {median:>7.1f}ms {p95:>7.1f}ms  {result.total}")
            median, p95, result = timed(lambda: loop.run_until_complete(todo.count(console, user)), args.repeat)
            print(f"{'  navigation count':<56} {median:>7.1f}ms {p95:>7.1f}ms  {result}")
        median, p95, result = timed(lambda: todo.done(console, people["secretariat (every cluster)"], 1, 50), args.repeat)
        print(f"{'我的已办, secretariat, page 1 of 50':<56} {median:>7.1f}ms {p95:>7.1f}ms  {result.total}")
        print(f"workflows asked: {console.views}")
        loop.close()
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
