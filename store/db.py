"""Engine, sessions and migrations for the service's store.

SQLite file under ``.data/`` by default; any SQLAlchemy URL (PostgreSQL in production) via
``DATABASE_URL``. The schema is created and upgraded only by the Alembic migrations in
``store/migrations``.
"""

from __future__ import annotations

import os
import re
import threading
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from domain.journal import dumps

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()
_WRITERS: dict[int, threading.Lock] = {}


def data_dir() -> Path:
    return Path(os.environ.get("DESIGNATION_DATA_DIR", ".data"))


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir() / 'designation.db'}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str | None = None) -> Engine:
    """One engine per URL per process (engines pool connections; build them once)."""
    url = url or database_url()
    with _LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            parsed = make_url(url)
            # JSON columns in canonical form: a journal row's data is stored as its hash covers it,
            # so verifying a chain need not parse and re-serialise every row (issue 15)
            kwargs: dict = {"json_serializer": dumps}
            if parsed.get_backend_name() == "sqlite":
                if parsed.database and parsed.database != ":memory:":
                    Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
                kwargs["connect_args"] = {"check_same_thread": False, "timeout": 10}
            else:
                kwargs["pool_pre_ping"] = True
            engine = create_engine(url, **kwargs)
            if parsed.get_backend_name() == "sqlite":
                event.listen(engine, "connect", _sqlite_pragmas)
            _ENGINES[url] = engine
        return engine


_REVISION = re.compile(r'^revision\s*=\s*["\']([^"\']+)["\']', re.M)
_DOWN = re.compile(r'^down_revision\s*=\s*(.+)$', re.M)


def _heads() -> set[str]:
    """The head revisions of the migration scripts, read from their text (no Alembic import)."""
    revisions, downs = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        rev, down = _REVISION.search(text), _DOWN.search(text)
        if rev is None:
            continue
        revisions.add(rev.group(1))
        if down is not None:
            downs.update(re.findall(r'["\']([^"\']+)["\']', down.group(1)))
    return revisions - downs


def _up_to_date(engine: Engine) -> bool:
    """The store already stands at every head: nothing to run (every CLI command migrates, and
    loading Alembic and its scripts cost more than the command itself; issue 15)."""
    from sqlalchemy import inspect, text

    try:
        with engine.connect() as c:
            if not inspect(c).has_table("alembic_version"):
                return False
            current = {r[0] for r in c.execute(text("SELECT version_num FROM alembic_version"))}
    except Exception:  # noqa: BLE001 — any doubt: let Alembic decide
        return False
    heads = _heads()
    return bool(heads) and current == heads


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration of every program's branch (idempotent)."""
    if _up_to_date(engine):
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "heads")


def write_lock(engine: Engine):
    """One writer at a time within this process for a SQLite store (issue 15). SQLite takes one
    writer anyway; without this, concurrent activity threads wait in SQLite's busy handler, which
    sleeps in growing steps, so a burst of journal writes (the midnight herd) queued behind sleeps
    instead of behind the writer. A server database (PostgreSQL) needs no such lock."""
    if engine.dialect.name != "sqlite":
        return nullcontext()
    with _LOCK:
        return _WRITERS.setdefault(id(engine), threading.Lock())


@contextmanager
def session(engine: Engine) -> Iterator[Session]:
    """A unit of work: commits when the block ends normally, rolls back otherwise."""
    with Session(engine, expire_on_commit=False) as s:
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise
