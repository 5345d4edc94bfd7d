"""The reads behind 我的待办 / 我的已办 (issue 10 item 5): the clusters in a scope that may hold
work for a role, with their open deadlines, current panels and application trails — one query
each, however many clusters — and a user's own journal rows, newest first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from sqlalchemy import and_, func
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from domain.cnlic.access import Scope
from domain.cnlic.todo import ApplicationTrail
from store.db import session
from store.models import JournalRow
from store.cnlic.models import Cluster, DeadlineRow, PanelMemberRow
from store.cnlic.readmodel import _current_panels, scope_clause

TRAIL_STAGES = ("applied", "formal_review")  # where opinions owed or a pending supplement decide


@dataclass
class Candidate:
    """A cluster that may hold work, with what deciding it needs."""

    key: str
    name: str
    title: str
    industry: str
    province: str
    stage: str
    procedure: str
    title_status: str
    expired_on: date | None
    policy_version: str
    last_seq: int
    deadlines: list[tuple[str, str, date, bool]] = field(default_factory=list)  # (key, what, due, provisional)
    panel: list[tuple[str, bool, date]] = field(default_factory=list)  # (name, lead, visit_on)
    trail: ApplicationTrail = field(default_factory=ApplicationTrail)


def candidates(engine: Engine, scope: Scope, stages: Iterable[str], panels_everywhere: bool = False) -> list[Candidate]:
    stages = tuple(stages)
    if not stages or scope.empty:
        return []
    where = [scope_clause(scope), Cluster.live == True, col(Cluster.stage).in_(stages)]  # noqa: E712
    keys = select(Cluster.key).where(*where)
    with session(engine) as s:
        rows = s.exec(select(Cluster.key, Cluster.name, Cluster.title, Cluster.industry, Cluster.province, Cluster.stage,
                             Cluster.procedure, Cluster.title_status, Cluster.expired_on, Cluster.policy_version,
                             Cluster.last_seq).where(*where)).all()
        out = {r[0]: Candidate(*r) for r in rows}
        if not out:
            return []
        for ck, k, what, due, provisional in s.exec(
                select(DeadlineRow.cluster_key, DeadlineRow.key, DeadlineRow.what, DeadlineRow.due,
                       DeadlineRow.provisional).where(col(DeadlineRow.cluster_key).in_(keys))).all():
            if ck in out:
                out[ck].deadlines.append((k, what, due, provisional))
        panel_keys = keys if panels_everywhere else select(Cluster.key).where(*where, Cluster.stage == "site_evaluation")
        latest = _current_panels()
        for ck, name, lead, visit_on in s.exec(
                select(PanelMemberRow.cluster_key, PanelMemberRow.name, PanelMemberRow.lead, PanelMemberRow.visit_on)
                .join(latest, and_(PanelMemberRow.cluster_key == latest.c.cluster_key, PanelMemberRow.seq == latest.c.seq))
                .where(col(PanelMemberRow.cluster_key).in_(panel_keys))).all():
            if ck in out:
                out[ck].panel.append((name, lead, visit_on))
        trail_keys = select(Cluster.key).where(*where, col(Cluster.stage).in_(TRAIL_STAGES))
        for ck, kind, data in s.exec(
                select(JournalRow.cluster_key, JournalRow.kind, JournalRow.data)
                .where(col(JournalRow.cluster_key).in_(trail_keys), JournalRow.kind == "action")
                .order_by(JournalRow.cluster_key, JournalRow.seq)).all():
            if ck in out:
                out[ck].trail.take(kind, data or {})
    return list(out.values())


def stamp(engine: Engine) -> tuple:
    """Changes whenever a lifecycle writes the read model (its row's sequence and time move
    with every recorded event, panel and deadline included): what a remembered to-do is
    checked against."""
    with session(engine) as s:
        return tuple(s.exec(select(func.count(), func.sum(Cluster.last_seq), func.max(Cluster.updated_at))).one())


DONE_KINDS = ("action", "decision", "registered", "attachment")  # what a person did; the rows it caused follow from them


def done(engine: Engine, role: str, name: str, page: int, per_page: int) -> tuple[int, list[JournalRow]]:
    where = [JournalRow.actor_role == role, JournalRow.actor_name == name, col(JournalRow.kind).in_(DONE_KINDS)]
    with session(engine) as s:
        total = s.exec(select(func.count()).select_from(JournalRow).where(*where)).one()
        rows = s.exec(select(JournalRow).where(*where).order_by(col(JournalRow.on).desc(), col(JournalRow.id).desc())
                      .offset((page - 1) * per_page).limit(per_page)).all()
    return total, list(rows)


def titles(engine: Engine, keys: Iterable[str]) -> dict[str, tuple[str, str]]:
    keys = list(dict.fromkeys(keys))
    if not keys:
        return {}
    with session(engine) as s:
        return {k: (n, t) for k, n, t in s.exec(select(Cluster.key, Cluster.name, Cluster.title)
                                                .where(col(Cluster.key).in_(keys))).all()}
