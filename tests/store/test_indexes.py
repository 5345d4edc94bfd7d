"""Migration 0005: the columns hot queries filter on are indexed, on SQLite and PostgreSQL,
and the record activity's look-up uses its index instead of scanning the journal."""

from __future__ import annotations

from datetime import date

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, inspect, text

from domain.cnlic.lifecycle import profile_from_dict
from domain.cnlic.model import Actor, Event
from store.cnlic import lifecycle as repo
from store.db import MIGRATIONS, make_engine
from tests.support import cluster

WRITE_INDEXES = {
    "journal": {"ix_journal_workflow_seq": ["workflow_id", "seq"], "ix_journal_kind_on": ["kind", "on"]},
    "cluster": {"ix_cluster_overdue_stage_key": ["overdue", "stage", "key"]},  # 0005's, widened by 0012
    "deadline": {"ix_deadline_overdue_since": ["overdue_since"]},
}


def indexes(engine, table: str) -> dict[str, list[str]]:
    return {ix["name"]: ix["column_names"] for ix in inspect(engine).get_indexes(table)}


def alembic(engine, verb: str, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        getattr(command, verb)(cfg, revision)


def test_the_migration_indexes_the_journal_lookup_and_every_hot_filter(engine):
    for table, wanted in WRITE_INDEXES.items():
        have = indexes(engine, table)
        for name, columns in wanted.items():
            assert have.get(name) == columns, (table, name, have)


def test_a_store_written_before_the_indexes_upgrades_and_downgrades_with_its_rows(engine, tmp_path):
    profile = profile_from_dict(cluster())
    events = [Event(1, date(2027, 3, 1), "registered", {}, Actor("secretariat", "综合业务部"))]
    snapshot = {"stage": "applied", "procedure": "designation", "title_status": "none", "policy_version": "cnlic-2022",
                "seq": 1}
    # the rows as today's code writes them, kept to the columns the old schema has (code of
    # that time wrote those; later migrations add columns and fill them)
    today = make_engine(f"sqlite:///{tmp_path / 'today.db'}")
    alembic(today, "upgrade", "heads")
    assert repo.record_events(today, "designation-ceramics", "r1", profile, snapshot, events, []) == 1
    now = MetaData()
    now.reflect(today, only=["cluster", "journal"])
    with today.connect() as c:
        written = {t: [dict(r._mapping) for r in c.execute(now.tables[t].select())] for t in ("cluster", "journal")}
    today.dispose()
    alembic(engine, "downgrade", "0004")
    assert "ix_journal_workflow_seq" not in indexes(engine, "journal")
    with engine.begin() as c:
        old = MetaData()
        old.reflect(c, only=["cluster", "journal"])
        for table, rows in written.items():
            columns = set(old.tables[table].c.keys())
            c.execute(old.tables[table].insert(), [{k: v for k, v in r.items() if k in columns} for r in rows])
    alembic(engine, "upgrade", "heads")
    assert indexes(engine, "journal")["ix_journal_workflow_seq"] == ["workflow_id", "seq"]
    assert repo.record_events(engine, "designation-ceramics", "r1", profile, snapshot, events, []) == 0
    # migration 0013 filled the normalised names the one-lifecycle-per-region check reads
    assert repo.cluster(engine, "ceramics").region_names == repo.names_key(profile.region) != ""


def test_sqlite_answers_the_record_lookup_and_the_recognition_query_from_indexes(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'plan.db'}")
    alembic(engine, "upgrade", "heads")
    with engine.connect() as c:
        lookup = c.execute(text("EXPLAIN QUERY PLAN SELECT seq FROM journal WHERE workflow_id = 'w' AND seq IN (1, 2)"))
        titles = c.execute(text("""EXPLAIN QUERY PLAN SELECT * FROM journal WHERE kind = 'title' AND "on" <= '2027-12-31'"""))
        assert "ix_journal_workflow_seq" in " ".join(str(r) for r in lookup)
        assert "ix_journal_kind_on" in " ".join(str(r) for r in titles)
    engine.dispose()
