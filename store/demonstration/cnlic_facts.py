"""The one narrow reader of program 1's records that program 2 uses (STYLE.md "Four
programs, one kernel"): the co-built titles as they stood on a date (for the cap) and one
cluster's journal rows up to a date (for eligibility), as the pure facts of
``domain.demonstration.eligibility``. Nothing else of program 1's store is read."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from domain.demonstration.eligibility import JournalFact, TitleFact
from store.cnlic.models import Cluster
from store.db import session
from store.models import JournalRow


def titles_on(engine: Engine, day: date) -> list[TitleFact]:
    """Every program-1 cluster's title by its last ``title`` journal row on or before ``day``
    (not today's read model, which may have moved on). Program 1's keys hold no dot."""
    with session(engine) as s:
        rows = s.exec(
            select(JournalRow.cluster_key, JournalRow.data)
            .where(JournalRow.kind == "title", JournalRow.on <= day,
                   col(JournalRow.cluster_key).not_like("%.%"))
            .order_by(JournalRow.cluster_key, JournalRow.seq)
        ).all()
        industries = dict(s.exec(select(Cluster.key, Cluster.industry)).all())
    last: dict[str, dict] = {}
    for key, data in rows:
        last[key] = dict(data or {})
    out = []
    for key in sorted(last):
        until = last[key].get("valid_until")
        out.append(TitleFact(key, industries.get(key, ""), str(last[key].get("status") or ""),
                             date.fromisoformat(until) if until else None))
    return out


def journal_facts(engine: Engine, cluster_key: str, day: date) -> list[JournalFact]:
    """One program-1 cluster's journal rows dated on or before ``day``, oldest first."""
    if "." in cluster_key:
        return []
    with session(engine) as s:
        rows = s.exec(select(JournalRow).where(JournalRow.cluster_key == cluster_key, JournalRow.on <= day)
                      .order_by(JournalRow.seq)).all()
    return [JournalFact.of(r) for r in rows]


def cluster_industry(engine: Engine, cluster_key: str) -> str | None:
    with session(engine) as s:
        row = s.get(Cluster, cluster_key)
        return row.industry if row is not None else None


def cluster_names(engine: Engine, keys: list[str]) -> dict[str, tuple[str, str]]:
    """key → (title, name) for display."""
    if not keys:
        return {}
    with session(engine) as s:
        rows = s.exec(select(Cluster.key, Cluster.title, Cluster.name).where(col(Cluster.key).in_(keys))).all()
    return {k: (t or "", n or "") for k, t, n in rows}
