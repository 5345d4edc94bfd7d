"""The 达标值 tables' versions (issue 11; RULES.md "Thresholds"): appended, never updated. The
rules over them (what a table holds, which version is in force) are in ``domain.cnlic.thresholds``."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timezone

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from domain.cnlic.thresholds import ThresholdRow, ThresholdTable
from store.db import session
from store.cnlic.models import PanelMemberRow, ThresholdVersionRow


def content_sha256(effective_from: date, rows: tuple[ThresholdRow, ...]) -> str:
    body = {"effective_from": effective_from.isoformat(),
            "rows": [[r.key, r.value, r.direction, r.unit] for r in sorted(rows, key=lambda r: r.key)]}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def to_table(row: ThresholdVersionRow) -> ThresholdTable:
    return ThresholdTable(row.industry, row.tier, row.version, row.effective_from,
                          tuple(ThresholdRow(r["key"], float(r["value"]), r["direction"], r.get("unit", ""))
                                for r in row.rows),
                          row.filed_by)


def versions(engine: Engine, industry: str | None = None, tier: str | None = None) -> list[ThresholdVersionRow]:
    """Every filed version, by industry, tier and version (newest last)."""
    q = select(ThresholdVersionRow)
    if industry is not None:
        q = q.where(ThresholdVersionRow.industry == industry)
    if tier is not None:
        q = q.where(ThresholdVersionRow.tier == tier)
    with session(engine) as s:
        return list(s.exec(q.order_by(ThresholdVersionRow.industry, ThresholdVersionRow.tier,
                                      ThresholdVersionRow.version)).all())


def version(engine: Engine, industry: str, tier: str, number: int) -> ThresholdVersionRow | None:
    with session(engine) as s:
        return s.exec(select(ThresholdVersionRow).where(
            ThresholdVersionRow.industry == industry, ThresholdVersionRow.tier == tier,
            ThresholdVersionRow.version == number)).first()


def tables(engine: Engine, industry: str, tier: str) -> list[ThresholdTable]:
    return [to_table(r) for r in versions(engine, industry, tier)]


def file_version(engine: Engine, industry: str, tier: str, effective_from: date, rows: tuple[ThresholdRow, ...],
                 *, role: str, by: str, note: str = "") -> tuple[ThresholdVersionRow, bool]:
    """Append a version; the same content (rows and effective date) filed again returns the
    version that already holds it, with ``created`` false."""
    sha = content_sha256(effective_from, rows)
    for _ in range(3):
        with session(engine) as s:
            same = s.exec(select(ThresholdVersionRow).where(
                ThresholdVersionRow.industry == industry, ThresholdVersionRow.tier == tier,
                ThresholdVersionRow.content_sha256 == sha)).first()
            if same is not None:
                return same, False
            last = s.exec(select(func.max(ThresholdVersionRow.version)).where(
                ThresholdVersionRow.industry == industry, ThresholdVersionRow.tier == tier)).one()
            row = ThresholdVersionRow(
                industry=industry, tier=tier, version=(last or 0) + 1, effective_from=effective_from,
                rows=[{"key": r.key, "value": r.value, "direction": r.direction, "unit": r.unit} for r in rows],
                content_sha256=sha, note=note, filed_role=role, filed_by=by, filed_at=datetime.now(timezone.utc))
            try:
                s.add(row)
                s.flush()
            except IntegrityError:
                s.rollback()
                continue  # another filing took this number: read again
        return row, True
    raise RuntimeError("could not allocate a threshold table version")


def last_visit_on(engine: Engine, cluster_key: str) -> date | None:
    """The visit date of the cluster's latest approved site visit (its panel rows carry it)."""
    with session(engine) as s:
        row = s.exec(select(PanelMemberRow).where(PanelMemberRow.cluster_key == cluster_key)
                     .order_by(PanelMemberRow.seq.desc())).first()  # type: ignore[union-attr]
        return row.visit_on if row else None
