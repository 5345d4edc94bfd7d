"""Writes and reads of the lifecycle store.

Writes are idempotent: a journal row's key is the workflow id plus the event's sequence
number, and every side record (panel, score sheet, annual report, meeting decision,
notification) is derived from a journal row in the same transaction, so a retried
activity writes each thing once.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from itertools import groupby
from typing import Any, Iterable, Iterator

from sqlalchemy import Text, bindparam, cast, func, insert, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select

from domain.calendar import add_years, quarter_of
from domain.cnlic import labels
from domain.journal import GENESIS
from domain.cnlic.model import ClusterProfile, Event, Region
from domain.cnlic.naming import region_names
from store import journal as kernel_journal
from store.db import session, write_lock
from store.models import JournalRow, OutboxRow
from store.cnlic.models import (
    AnnualReportRow,
    Cluster,
    DeadlineRow,
    MeetingDecisionRow,
    MeetingRow,
    PanelMemberRow,
    RecognitionRow,
    ScoreSheetRow,
)

LIVE_STAGES_ENDED = ("revoked", "withdrawn", "refused")

# who hears about a clock when it reminds or falls overdue
RECIPIENTS = {
    "cultivation": ("secretariat", "applicant"),
    "site_visit": ("leader", "secretariat"),
    "formal_review": ("secretariat",),
    "meeting": ("secretariat", "leader"),
    "annual_report": ("applicant", "association"),
    "reevaluation_application": ("applicant", "secretariat"),
    "expiry": ("applicant", "secretariat"),
    "rectification": ("applicant", "secretariat"),
}


def _now() -> datetime:
    return datetime.now(timezone.utc)


idem_key = kernel_journal.idem_key  # kept for callers of program 1's store


# ---------------------------------------------------------------- registration


def live_lifecycles(engine: Engine) -> list[tuple[str, str, str]]:
    with session(engine) as s:
        rows = s.exec(select(Cluster.key, Cluster.region_code, Cluster.industry).where(Cluster.live == True)).all()  # noqa: E712
        return [tuple(r) for r in rows]


def names_key(region: Region) -> str:
    """The normalised names a region is compared by, as stored in ``cluster.region_names``."""
    return "|".join(region_names(region))


def live_regions(engine: Engine, industry: str, region: Region) -> list[tuple[str, Region, str]]:
    """The live lifecycles a new one in ``region`` and ``industry`` could clash with under the
    one-lifecycle-per-region rule (RULES.md "Region uniqueness": codes when both have one, else
    the names): those of the industry with the same code or the same normalised names — a
    superset the rule's own ``same_region`` decides among — read through two indexes, so a
    registration costs the same however many clusters are live (issue 15)."""
    code = region.code.strip()
    match = Cluster.region_names == names_key(region)
    if code:
        match = match | (Cluster.region_code == code)
    with session(engine) as s:
        rows = s.exec(
            select(Cluster.key, Cluster.province, Cluster.city, Cluster.county, Cluster.region_code, Cluster.industry)
            .where(Cluster.live == True, Cluster.industry == industry, match)  # noqa: E712
        ).all()
        return [(k, Region(province=p or "", city=c or "", county=n or "", code=code or ""), ind)
                for k, p, c, n, code, ind in rows]


def claim_cluster(s: Session, profile: ClusterProfile, workflow_id: str, policy_version: str, stage: str,
                  today: date) -> Cluster:
    """Insert the read-model row for a new lifecycle: the claim that makes a second
    lifecycle under the same key impossible (the primary key refuses it)."""
    row = Cluster(key=profile.key, workflow_id=workflow_id, stage=stage, procedure="designation",
                  title_status="none", policy_version=policy_version, registered_on=today,
                  industry=profile.industry, product=profile.product, tier=profile.tier,
                  province=profile.region.province, updated_at=_now())
    _apply_profile(row, profile)
    s.add(row)
    s.flush()
    return row


def release_claim(engine: Engine, key: str) -> None:
    """Undo a claim whose workflow never started (no event was ever recorded for it)."""
    with session(engine) as s:
        row = s.get(Cluster, key)
        if row is not None and row.last_seq == 0:
            s.delete(row)


def _apply_profile(row: Cluster, profile: ClusterProfile) -> None:
    row.name = profile.name
    row.industry = profile.industry
    row.product = profile.product
    row.tier = profile.tier
    row.province = profile.region.province
    row.city = profile.region.city
    row.county = profile.region.county
    row.region_code = profile.region.code
    row.region_names = names_key(profile.region)


# ---------------------------------------------------------------- the record activity


def record_events(
    engine: Engine,
    workflow_id: str,
    run_id: str,
    profile: ClusterProfile,
    snapshot: dict[str, Any],
    events: Iterable[Event],
    deadlines: Iterable[Any],
    prev_head: str = GENESIS,
) -> int:
    """Append the events once, chained from ``prev_head`` (the workflow's own head), derive
    their side records, refresh the read model. Returns the rows written (0 on a retry)."""
    events = list(events)
    key = profile.key
    now = _now()
    with write_lock(engine), session(engine) as s:
        written = kernel_journal.append(s, workflow_id, run_id, key, events, prev_head, now)
        for e in written:
            _derive(s, key, workflow_id, e, snapshot)
        _refresh_read_model(s, key, workflow_id, profile, snapshot, events, list(deadlines), now)
    return len(written)


_CLUSTER = Cluster.__table__
_DEADLINE = DeadlineRow.__table__
_READ_MODEL = ("name", "industry", "product", "tier", "province", "city", "county", "region_code", "region_names",
               "workflow_id", "stage", "procedure", "title_status", "title", "valid_until", "conferred_on", "expired_on",
               "next_deadline", "next_deadline_what", "overdue", "policy_version", "cycle", "last_seq", "live",
               "updated_at")
_DEADLINE_COLUMNS = ("cluster_key", "key", "what", "due", "armed_on", "anchor", "reminders", "calendar_version",
                     "provisional", "basis", "overdue_since")
# built once: Core statements on the tables (no ORM bulk-update evaluation, a compiled-cache hit
# each time), since every journal write refreshes the read model (issue 15: 20% of the simulator's
# worker time went into building and evaluating the ORM update)
_CURRENT = select(*(_CLUSTER.c[name] for name in _READ_MODEL)).where(_CLUSTER.c.key == bindparam("k"))
_ALWAYS = ("last_seq", "updated_at")
_UPDATES: dict[tuple[str, ...], Any] = {}


def _update_cluster(names: tuple[str, ...]) -> Any:
    """``UPDATE cluster SET`` just ``names``, built once per set of columns: SQLite rewrites the
    entry of every index whose column is in the SET list, changed or not, and nine indexes
    serve the list (issue 15, rows 1 and 7), while a write mostly moves the sequence alone."""
    stmt = _UPDATES.get(names)
    if stmt is None:
        stmt = update(_CLUSTER).where(_CLUSTER.c.key == bindparam("k")).values(
            {name: bindparam(f"v_{name}") for name in names})
        if len(_UPDATES) < 512:  # a handful of shapes in practice; never an unbounded cache
            _UPDATES[names] = stmt
    return stmt


_OPEN_DEADLINES = (select(*(_DEADLINE.c[name] for name in _DEADLINE_COLUMNS))
                   .where(_DEADLINE.c.cluster_key == bindparam("k")).order_by(_DEADLINE.c.id))
_CLEAR_DEADLINES = delete(_DEADLINE).where(_DEADLINE.c.cluster_key == bindparam("k"))


def _refresh_read_model(s: Session, key: str, workflow_id: str, profile: ClusterProfile, snapshot: dict[str, Any],
                        events: list[Event], deadlines: list[Any], now: datetime) -> None:
    """The cluster's row and its open deadlines, unless a later record already wrote them
    (``last_seq``); the deadlines are rewritten only when they changed."""
    conn = s.connection()
    current = conn.execute(_CURRENT, {"k": key}).one_or_none()
    if current is None:
        s.add(Cluster(key=key, workflow_id=workflow_id, stage=snapshot["stage"], procedure=snapshot["procedure"],
                      title_status=snapshot["title_status"], policy_version=snapshot["policy_version"],
                      registered_on=events[0].on if events else date.today(), industry=profile.industry,
                      product=profile.product, tier=profile.tier, province=profile.region.province,
                      updated_at=now))
        s.flush()
    elif snapshot["seq"] < current.last_seq:
        return
    region = profile.region
    values = dict(
        name=profile.name, industry=profile.industry, product=profile.product, tier=profile.tier,
        province=region.province, city=region.city, county=region.county, region_code=region.code,
        region_names=names_key(region),
        workflow_id=workflow_id, stage=snapshot["stage"], procedure=snapshot["procedure"],
        title_status=snapshot["title_status"], title=snapshot.get("title") or "",
        valid_until=_d(snapshot.get("valid_until")), conferred_on=_d(snapshot.get("conferred_on")),
        expired_on=_d(snapshot.get("expired_on")), next_deadline=_d(snapshot.get("next_deadline")),
        next_deadline_what=snapshot.get("next_deadline_what"), overdue=bool(snapshot.get("overdue")),
        policy_version=snapshot["policy_version"], cycle=snapshot.get("cycle", 0), last_seq=snapshot["seq"],
        live=snapshot["stage"] not in LIVE_STAGES_ENDED, updated_at=now,
    )
    was = current._mapping if current is not None else {}
    names = tuple(name for name in _READ_MODEL if name in _ALWAYS or name not in was or was[name] != values[name])
    conn.execute(_update_cluster(names), {"k": key, **{f"v_{name}": values[name] for name in names}})
    wanted = [dict(cluster_key=key, key=d.key, what=d.what, due=d.due, armed_on=d.armed_on, anchor=d.anchor,
                   reminders=[r.isoformat() for r in d.reminders], calendar_version=d.calendar_version,
                   provisional=d.provisional, basis=d.basis[:500], overdue_since=d.overdue_since) for d in deadlines]
    have = [dict(r._mapping) for r in conn.execute(_OPEN_DEADLINES, {"k": key})]
    if have != wanted:
        conn.execute(_CLEAR_DEADLINES, {"k": key})
        if wanted:
            conn.execute(insert(_DEADLINE), wanted)


def _d(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _derive(s: Session, key: str, workflow_id: str, e: Event, snapshot: dict[str, Any]) -> None:
    d = e.data
    if e.kind == "action":
        action = d.get("action")
        procedure = snapshot.get("procedure", "designation")
        if action == "approve_site_visit":
            for m in d.get("panel", []):
                s.add(PanelMemberRow(cluster_key=key, seq=e.seq, procedure=procedure, visit_on=_d(d["visit_on"]),
                                     name=m["name"], senior=m["senior"], field=m["field"],
                                     region_code=m.get("region_code", ""), lead=m.get("lead", False)))
        elif action == "record_site_report":
            sc = d["report"]["score"]
            s.add(ScoreSheetRow(cluster_key=key, seq=e.seq, procedure=procedure, recorded_on=e.on,
                                recorded_by=e.actor.name, part1_met=sc["part1_met"], part1=sc["part1"],
                                part2_first5_met=sc["part2_first5_met"], part2_vetoes_clear=sc["part2_vetoes_clear"],
                                part2=sc["part2"], part3=sc["part3"], part4=sc["part4"], total=sc["total"],
                                passed=sc["passed"], recommend=d["report"]["recommend"],
                                thresholds=sc.get("thresholds")))
        elif action == "submit_annual_report":
            rep = d["report"]
            s.add(AnnualReportRow(cluster_key=key, year=rep["year"], filed_on=e.on, late=bool(d.get("late")),
                                  indicators=rep["indicators"], growth=rep["growth"], filed_by=e.actor.name))
    elif e.kind == "decision":
        s.add(MeetingDecisionRow(meeting_id=d["meeting_id"], cluster_key=key, decision=d["decision"],
                                 procedure=d.get("procedure", ""), applied_on=e.on))
        _notify(s, workflow_id, e, key, ("applicant", "secretariat"), "decision",
                f"会长办公会决定：{labels.decision_label(d['decision'])}",
                f"{key}：{d['held_on']} 会长办公会决定 {labels.decision_label(d['decision'])}")
    elif e.kind == "attachment":
        from store import attachments  # issue 10 item 4: the row the console lists

        attachments.derive(s, key, e)
    elif e.kind in ("reminder", "overdue"):
        what = labels.deadline_label(d.get("what", ""))
        label = "提醒" if e.kind == "reminder" else "已逾期"
        _notify(s, workflow_id, e, key, RECIPIENTS.get(d.get("what", ""), ("secretariat",)), e.kind,
                f"{label}：{key} {what} 截止 {d.get('due')}",
                f"{key} 的时限 {d.get('key')}（{what}）截止于 {d.get('due')}，{label}。")


def _notify(s: Session, workflow_id: str, e: Event, key: str, recipients: Iterable[str], kind: str, subject: str,
            body: str) -> None:
    for recipient in recipients:
        s.add(OutboxRow(idem_key=f"{idem_key(workflow_id, e.seq)}>{recipient}", cluster_key=key, recipient=recipient,
                        kind=kind, subject=subject[:300], body=body, created_on=e.on, created_at=_now()))


# ---------------------------------------------------------------- meetings


def meeting_held_in_quarter(engine: Engine, day: date) -> bool:
    year, q = quarter_of(day)
    first = date(year, 3 * q - 2, 1)
    with session(engine) as s:
        n = s.exec(select(func.count()).select_from(MeetingRow).where(MeetingRow.held_on >= first, MeetingRow.held_on <= day)).one()
        return n > 0


def record_meeting(engine: Engine, meeting_id: str, held_on: date, recorded_by: str, decisions: dict[str, str]) -> bool:
    with session(engine) as s:
        if s.get(MeetingRow, meeting_id) is not None:
            return False
        s.add(MeetingRow(meeting_id=meeting_id, held_on=held_on, recorded_by=recorded_by, decisions=decisions,
                         recorded_at=_now()))
        return True


def decided_clusters(engine: Engine, meeting_id: str) -> set[str]:
    with session(engine) as s:
        return set(s.exec(select(MeetingDecisionRow.cluster_key).where(MeetingDecisionRow.meeting_id == meeting_id)).all())


def meetings(engine: Engine) -> list[MeetingRow]:
    with session(engine) as s:
        return list(s.exec(select(MeetingRow).order_by(MeetingRow.held_on, MeetingRow.meeting_id)).all())


# ---------------------------------------------------------------- annual recognition (§四(四))


def compile_recognition(engine: Engine, year: int, overdue_revocation_years: int, announced_on: date) -> dict[str, Any]:
    """The lists as of 31 December of ``year``, from each cluster's last title event up to
    that day (not from today's read model, which may already have moved on)."""
    dec31 = date(year, 12, 31)
    with session(engine) as s:
        rows = s.exec(
            select(JournalRow)
            .where(JournalRow.kind == "title", JournalRow.on <= dec31)
            .order_by(JournalRow.cluster_key, JournalRow.seq)
        ).all()
        last: dict[str, JournalRow] = {}
        for r in rows:
            last[r.cluster_key] = r
        stages = dict(s.exec(select(Cluster.key, Cluster.stage)).all())
    out: dict[str, list[str]] = {"recognised": [], "overdue": [], "rectifying": [], "revoked": []}
    for key in sorted(last):
        status = last[key].data.get("status")
        if status in ("valid", "extended"):
            out["recognised"].append(key)
        elif status == "rectifying":
            out["rectifying"].append(key)
        elif status == "expired":
            valid_until = _d(last[key].data.get("valid_until"))
            expired_on = valid_until + timedelta(days=1) if valid_until else None
            too_late = expired_on is not None and dec31 >= add_years(expired_on, overdue_revocation_years)
            if too_late and stages.get(key) == "expired":
                out["revoked"].append(key)
            else:
                out["overdue"].append(key)
    return {"year": year, "announced_on": announced_on, **out}


def record_recognition(engine: Engine, lists: dict[str, Any]) -> bool:
    with session(engine) as s:
        if s.get(RecognitionRow, lists["year"]) is not None:
            return False
        s.add(RecognitionRow(year=lists["year"], announced_on=lists["announced_on"], recognised=lists["recognised"],
                             overdue=lists["overdue"], rectifying=lists["rectifying"], revoked=lists["revoked"],
                             recorded_at=_now()))
        return True


def recognitions(engine: Engine) -> list[RecognitionRow]:
    with session(engine) as s:
        return list(s.exec(select(RecognitionRow).order_by(RecognitionRow.year)).all())


# ---------------------------------------------------------------- reads


class ChainRow:
    """A journal row as the chain check reads it: ``data_text`` is the stored JSON, parsed into
    ``data`` only when asked (an attachment's facts)."""

    __slots__ = ("id", "cluster_key", "seq", "on", "kind", "actor_role", "actor_name", "data_text", "prev_hash",
                 "hash", "_data")

    def __init__(self, values: tuple) -> None:
        (self.id, self.cluster_key, self.seq, self.on, self.kind, self.actor_role, self.actor_name, self.data_text,
         self.prev_hash, self.hash) = values
        self._data = None

    @property
    def data(self) -> Any:
        if self._data is None:
            self._data = json.loads(self.data_text)
        return self._data


def journal_stream(engine: Engine, batch: int = 5000) -> Iterator[tuple[str, list[ChainRow]]]:
    """Every journal, one key at a time in key order, each with its rows in sequence: one
    streamed Core query for the whole store (``audit verify --all``, issue 15) instead of one ORM
    query per cluster, the data as stored text (no JSON parsed per row)."""
    t = JournalRow.__table__.c
    columns = [t.id, t.cluster_key, t.seq, t.on, t.kind, t.actor_role, t.actor_name, cast(t.data, Text), t.prev_hash,
               t.hash]
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=batch).execute(
            select(*columns).order_by(t.cluster_key, t.seq, t.id))
        for key, rows in groupby(map(ChainRow, result), key=lambda r: r.cluster_key):
            yield key, list(rows)


def cluster_keys(engine: Engine) -> list[str]:
    with session(engine) as s:
        return list(s.exec(select(Cluster.key).order_by(Cluster.key)).all())


def journal_keys(engine: Engine, prefix: str) -> list[str]:
    """The distinct journal keys that start with ``prefix`` (programs 2–4's journals are keyed
    ``<program>.<entity>``); whether one key has rows is ``has_journal``."""
    with session(engine) as s:
        q = select(JournalRow.cluster_key).distinct().where(col(JournalRow.cluster_key).startswith(prefix, autoescape=True))
        return sorted(s.exec(q).all())


def journal_rows(engine: Engine, cluster_key: str) -> list[Any]:
    """One journal's rows as stored, in ``journal``'s order, as Core rows with the same
    attributes as ``JournalRow`` (``seq``, ``on``, ``data`` …). The audit reads these: a Core
    query never makes SQLAlchemy configure every ORM mapper, which a first ORM query does
    (~40 ms of a one-cluster ``audit replay`` process, issue 15 row 6)."""
    t = JournalRow.__table__
    with engine.connect() as conn:
        return list(conn.execute(select(t).where(t.c.cluster_key == cluster_key).order_by(t.c.on, t.c.id)))


def has_cluster(engine: Engine, key: str) -> bool:
    """Whether ``key`` is a registered cluster (a Core query, as ``journal_rows``)."""
    with engine.connect() as conn:
        return conn.execute(select(_CLUSTER.c.key).where(_CLUSTER.c.key == key)).first() is not None


def has_journal(engine: Engine, key: str) -> bool:
    """Whether the journal ``key`` has a row (a Core query, as ``journal_rows``)."""
    t = JournalRow.__table__
    with engine.connect() as conn:
        return conn.execute(select(t.c.id).where(t.c.cluster_key == key).limit(1)).first() is not None


def journal(engine: Engine, cluster_key: str | None = None) -> list[JournalRow]:
    with session(engine) as s:
        q = select(JournalRow)
        if cluster_key is not None:
            q = q.where(JournalRow.cluster_key == cluster_key)
        return list(s.exec(q.order_by(JournalRow.on, JournalRow.id)).all())


def events(engine: Engine, cluster_key: str, last: int | None = None) -> tuple[int, list[Event]]:
    """A cluster's events from the journal, oldest first: all of them, or the ``last`` ones;
    with how many there are in all."""
    from domain.cnlic.model import Actor

    with session(engine) as s:
        total = s.exec(select(func.count()).select_from(JournalRow).where(JournalRow.cluster_key == cluster_key)).one()
        q = select(JournalRow).where(JournalRow.cluster_key == cluster_key).order_by(col(JournalRow.seq).desc())
        if last is not None:
            q = q.limit(last)
        rows = list(s.exec(q).all())
    rows.reverse()
    return total, [Event(r.seq, r.on, r.kind, dict(r.data or {}), Actor(r.actor_role, r.actor_name)) for r in rows]


def cluster(engine: Engine, key: str) -> Cluster | None:
    with session(engine) as s:
        return s.get(Cluster, key)


def clusters(engine: Engine) -> list[Cluster]:
    with session(engine) as s:
        return list(s.exec(select(Cluster).order_by(Cluster.key)).all())


def open_deadlines(engine: Engine, cluster_key: str | None = None) -> list[DeadlineRow]:
    with session(engine) as s:
        q = select(DeadlineRow)
        if cluster_key is not None:
            q = q.where(DeadlineRow.cluster_key == cluster_key)
        return list(s.exec(q.order_by(DeadlineRow.due, DeadlineRow.cluster_key, DeadlineRow.key)).all())


def outbox(engine: Engine) -> list[OutboxRow]:
    with session(engine) as s:
        return list(s.exec(select(OutboxRow).order_by(OutboxRow.id)).all())


def is_empty(engine: Engine) -> bool:
    with session(engine) as s:
        return s.exec(select(func.count()).select_from(Cluster)).one() == 0
