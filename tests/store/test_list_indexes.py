"""Migrations 0011 and 0012 (issue 15, row 7): the cluster list by stage reads its page in key order from
an index — for everyone, for an association's industry and for a province — instead of reading
and sorting the whole stage."""

from __future__ import annotations

from sqlalchemy import event, inspect

from domain.cnlic.access import Scope
from store.cnlic.readmodel import DEEP_PAGE, ClusterFilter, list_clusters
from store.db import make_engine, migrate

LIST_INDEXES = {
    "ix_cluster_stage_key": ["stage", "key"],
    "ix_cluster_industry_stage_key": ["industry", "stage", "key"],
    "ix_cluster_province_stage_key": ["province", "stage", "key"],
}


def test_the_migration_indexes_the_list_by_stage_in_key_order_per_scope(engine):
    have = {ix["name"]: ix["column_names"] for ix in inspect(engine).get_indexes("cluster")}
    for name, columns in LIST_INDEXES.items():
        assert have.get(name) == columns, (name, have)
    assert not {"ix_cluster_stage", "ix_cluster_industry", "ix_cluster_province"} & set(have)  # replaced


def plans(engine, scope: Scope, f: ClusterFilter, page: int = 3) -> list[str]:
    """SQLite's plan of each statement ``list_clusters`` runs (the total, then the page)."""
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "FROM cluster" in statement:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        list_clusters(engine, scope, f, page, 50)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    with engine.connect() as c:
        return [" ".join(str(row) for row in c.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params))
                for sql, params in statements]


def test_sqlite_reads_a_page_of_a_stage_in_key_order_without_sorting_it(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'plan.db'}")
    migrate(engine)
    for scope, index in ((Scope(everything=True), "ix_cluster_stage_key"),
                         (Scope(industries=("陶瓷",)), "ix_cluster_industry_stage_key"),
                         (Scope(provinces=("广东省",)), "ix_cluster_province_stage_key")):
        total, page = plans(engine, scope, ClusterFilter(stage="designated"))
        assert index in total and index in page, (scope, total, page)
        assert "TEMP B-TREE" not in page, (scope, page)
    engine.dispose()


def test_sqlite_counts_and_pages_a_stages_overdue_clusters_from_one_index_and_a_deep_page_by_its_keys(tmp_path):
    """Migration 0012: (overdue, stage, key) counts a stage's overdue clusters from the index alone
    and hands over their page in key order. A deep page (past DEEP_PAGE rows) takes its keys from
    a covering index (the rows the offset skips are never read), then its own rows by key."""
    engine = make_engine(f"sqlite:///{tmp_path / 'plan.db'}")
    migrate(engine)
    total, page = plans(engine, Scope(everything=True), ClusterFilter(stage="expired", overdue=True))
    assert "COVERING INDEX ix_cluster_overdue_stage_key" in total, total
    assert "ix_cluster_overdue_stage_key" in page and "TEMP B-TREE" not in page, page
    deep = 1 + DEEP_PAGE // 50 + 1
    for f, index in ((ClusterFilter(stage="designated"), "ix_cluster_stage_key"),
                     (ClusterFilter(stage="expired", overdue=True), "ix_cluster_overdue_stage_key")):
        _, page = plans(engine, Scope(everything=True), f, deep)
        assert f"COVERING INDEX {index}" in page and "TEMP B-TREE" not in page, page
    engine.dispose()
