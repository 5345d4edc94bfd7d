"""Benchmark: the cost of one ``record_events`` call (the record activity's write: look up the
events already journaled, append, refresh the read model) as the journal grows. Prints ms per
write per store size; asserts nothing. Issue 9: writes must not slow down as the store grows.

    .venv/bin/python bench/journal_write.py                        # SQLite, and PostgreSQL at 127.0.0.1:5432 if up
    .venv/bin/python bench/journal_write.py --sizes 1000,10000 --schema both   # also without migration 0005
    .venv/bin/python bench/journal_write.py --url postgresql+psycopg://postgres@127.0.0.1/bench   # an empty database

Filler rows are bulk-inserted (executemany), forty journal rows per filler lifecycle with one
open deadline each; the timed writes are real ``record_events`` calls appending an action and a
stage change to one of ten live lifecycles.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, func, insert, select, text  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402

from domain.journal import GENESIS, event_hash  # noqa: E402
from domain.cnlic.lifecycle import profile_from_dict  # noqa: E402
from domain.cnlic.model import Actor, Event  # noqa: E402
from store.db import MIGRATIONS, make_engine, session  # noqa: E402
from store.cnlic.lifecycle import record_events  # noqa: E402
from store.models import JournalRow  # noqa: E402
from store.cnlic.models import Cluster, DeadlineRow

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
ROWS_PER_LIFECYCLE = 40
LIVE = 10  # lifecycles the timed writes append to
SECRETARIAT = Actor("secretariat", "综合业务部")
SCHEMAS = {"after": "heads", "before": "0004"}  # 0004: the schema before the write indexes (0005)


def upgrade(engine, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def profile(key: str):
    return profile_from_dict({"key": key, "industry": "陶瓷", "product": "陶瓷", "tier": "capital",
                              "region": {"province": "广东省", "city": "佛山市", "county": "禅城区", "code": "440604"}})


def snapshot(seq: int) -> dict:
    return {"stage": "accepted", "procedure": "designation", "title_status": "none", "title": "", "valid_until": None,
            "conferred_on": None, "expired_on": None, "next_deadline": None, "next_deadline_what": None,
            "overdue": False, "policy_version": "cnlic-2022", "cycle": 0, "seq": seq}


class Filler:
    """Journal rows of finished-looking lifecycles, inserted in bulk."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.rows = 0
        self.lifecycles = 0

    def fill_to(self, rows: int) -> float:
        started = time.perf_counter()
        now = datetime.now(timezone.utc)
        day = date(2020, 1, 1)
        while self.rows < rows:
            clusters, journal, deadlines = [], [], []
            while self.rows < rows and len(journal) < 20_000:
                key = f"fill-{self.lifecycles:07d}"
                wf = f"designation-{key}"
                self.lifecycles += 1
                clusters.append(dict(key=key, workflow_id=wf, name=key, title="", industry="陶瓷", product="陶瓷",
                                     tier="base", province="广东省", city="", county="", region_code="440604",
                                     stage="designated", procedure="designation", title_status="valid",
                                     valid_until=None, conferred_on=None, expired_on=None, next_deadline=None,
                                     next_deadline_what=None, overdue=False, policy_version="cnlic-2022", cycle=0,
                                     last_seq=ROWS_PER_LIFECYCLE, live=True, registered_on=day, updated_at=now))
                deadlines.append(dict(cluster_key=key, key="annual_report", what="annual_report",
                                      due=day + timedelta(days=400), armed_on=day, anchor=day, reminders=[],
                                      calendar_version="bench", provisional=False, basis="bench", overdue_since=None))
                head = GENESIS
                for seq in range(1, ROWS_PER_LIFECYCLE + 1):
                    kind = ("registered", "stage", "action", "deadline", "title")[seq % 5]
                    e = Event(seq, day + timedelta(days=seq * 9), kind, {"n": seq}, SECRETARIAT)
                    prev, head = head, event_hash(head, key, e)
                    journal.append(dict(idem_key=f"{wf}#{seq}", cluster_key=key, workflow_id=wf, run_id="fill",
                                        seq=seq, on=e.on, kind=kind, actor_role=e.actor.role,
                                        actor_name=e.actor.name, data=e.data, recorded_at=now, prev_hash=prev,
                                        hash=head))
                self.rows += ROWS_PER_LIFECYCLE
            with session(self.engine) as s:
                s.execute(insert(Cluster), clusters)
                s.execute(insert(DeadlineRow), deadlines)
                s.execute(insert(JournalRow), journal)
        return time.perf_counter() - started


class Writer:
    """The timed part: ``record_events`` appending one action and its stage change."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.seq = {f"live-{i}": 0 for i in range(LIVE)}
        self.head = {key: GENESIS for key in self.seq}
        self.day = date(2027, 3, 1)

    def write(self, key: str) -> float:
        seq = self.seq[key]
        events = [Event(seq + 1, self.day, "action", {"action": "record_opinion", "text": "同意"}, SECRETARIAT),
                  Event(seq + 2, self.day, "stage", {"to": "accepted"}, SECRETARIAT)]
        started = time.perf_counter()
        record_events(self.engine, f"designation-{key}", "bench", profile(key), snapshot(seq + 2), events, [],
                      prev_head=self.head[key])
        elapsed = (time.perf_counter() - started) * 1000
        for e in events:
            self.head[key] = event_hash(self.head[key], key, e)
        self.seq[key] = seq + 2
        return elapsed

    def measure(self, writes: int) -> tuple[float, float]:
        keys = list(self.seq)
        for key in keys:  # warm the pool, the caches and each lifecycle's read-model row
            self.write(key)
        samples = sorted(self.write(keys[i % len(keys)]) for i in range(writes))
        return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def run(url: str, label: str, schema: str, sizes: list[int], writes: int) -> None:
    engine = make_engine(url)
    upgrade(engine, SCHEMAS[schema])
    filler, writer = Filler(engine), Writer(engine)
    for size in sizes:
        took = filler.fill_to(size)
        with session(engine) as s:
            rows = s.execute(select(func.count()).select_from(JournalRow)).scalar_one()
        median, p95 = writer.measure(writes)
        print(f"{label:<11} {schema:<7} {rows:>9,} {median:>9.2f}ms {p95:>9.2f}ms   (filled in {took:.1f} s)",
              flush=True)
    engine.dispose()


def postgres_database() -> tuple[str, callable] | None:
    """A fresh database on the PostgreSQL at 127.0.0.1:5432, and how to drop it; None if unreachable."""
    try:
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        name = f"designation_bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
    except (OperationalError, ImportError):
        return None

    def drop() -> None:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="journal rows before each measurement")
    parser.add_argument("--writes", type=int, default=50, help="timed record_events calls per size")
    parser.add_argument("--schema", choices=["after", "before", "both"], default="after",
                        help="after: every migration; before: without 0005's indexes; both: one after the other")
    parser.add_argument("--url", help="SQLAlchemy URL of an empty database (default: SQLite in a temp dir, "
                                      "and a temporary database on PostgreSQL at 127.0.0.1:5432 if reachable)")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    schemas = ["before", "after"] if args.schema == "both" else [args.schema]
    if args.url and len(schemas) > 1:
        parser.error("--url takes one --schema (the database must be empty)")
    print(f"one record_events call (2 events, read model refreshed), median and p95 of {args.writes} writes")
    print(f"{'backend':<11} {'schema':<7} {'journal':>9} {'median':>11} {'p95':>11}")
    for schema in schemas:
        if args.url:
            run(args.url, make_engine(args.url).dialect.name, schema, sizes, args.writes)
            continue
        with tempfile.TemporaryDirectory(prefix="designation-bench-") as tmp:
            run(f"sqlite:///{Path(tmp) / 'bench.db'}", "sqlite", schema, sizes, args.writes)
        if args.no_postgres:
            continue
        pg = postgres_database()
        if pg is None:
            print("postgresql  (no server at 127.0.0.1:5432: skipped)")
            continue
        url, drop = pg
        try:
            run(url, "postgresql", schema, sizes, args.writes)
        finally:
            drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
