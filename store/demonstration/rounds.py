"""The round's journal writes and its read model (RULES.md program 2). Idempotent like program
1's: a journal row's key is the workflow id plus the event's sequence, chained with
``domain.journal``; the candidate rows, attachments and notifications are derived from each
journal row once, in the same transaction, so a retried activity writes each thing once."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Iterable

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from domain.demonstration import labels
from domain.demonstration.clocks import CLOCKS
from domain.journal import GENESIS
from store import journal as kernel_journal
from store.db import session, write_lock
from store.demonstration.models import DemoCandidateRow, DemoRoundRow
from store.models import JournalRow, OutboxRow

PROGRAM = "demonstration"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def journal_key(round_key: str) -> str:
    return f"{PROGRAM}.{round_key}"


def record_round(engine: Engine, workflow_id: str, run_id: str, round_key: str, snapshot: dict[str, Any],
                 events: Iterable[Any], prev_head: str = GENESIS) -> int:
    """Append the events once, chained from ``prev_head``; derive the read model. Returns the
    rows written (0 on a retry)."""
    events = list(events)
    key = journal_key(round_key)
    with write_lock(engine), session(engine) as s:
        new = kernel_journal.append(s, workflow_id, run_id, key, events, prev_head)
        written = len(new)
        for e in new:
            _derive(s, round_key, workflow_id, e, snapshot)
            s.flush()
        row = s.get(DemoRoundRow, round_key)
        if row is None:
            row = DemoRoundRow(key=round_key, workflow_id=workflow_id, stage=snapshot["stage"],
                               policy_version=snapshot["policy_version"],
                               opened_on=date.fromisoformat(snapshot["opened_on"]),
                               conference_on=date.fromisoformat(snapshot["conference_on"]),
                               recommendation_deadline=date.fromisoformat(snapshot["recommendation_deadline"]),
                               valid_titles=snapshot["valid_titles"], cap=snapshot["cap"], quotas={}, counted=[],
                               snapshot={}, updated_at=_now())
            opened = next((e for e in events if e.kind == "opened"), None)
            row.counted = list((opened.data.get("counted") if opened else None) or [])
        if snapshot["seq"] >= row.last_seq:
            row.title = snapshot.get("title") or ""
            row.stage = snapshot["stage"]
            row.quotas = dict(snapshot.get("quotas") or {})
            row.notice_ends_on = date.fromisoformat(snapshot["notice_ends_on"]) if snapshot.get("notice_ends_on") else None
            row.snapshot = dict(snapshot)
            row.last_seq = snapshot["seq"]
            row.updated_at = _now()
        s.add(row)
    return written


def _candidate(s: Session, round_key: str, cluster_key: str) -> DemoCandidateRow | None:
    return s.exec(select(DemoCandidateRow).where(DemoCandidateRow.round_key == round_key,
                                                 DemoCandidateRow.cluster_key == cluster_key)).first()


def _candidates_of(s: Session, round_key: str, keys: Iterable[str]) -> dict[str, DemoCandidateRow]:
    """The candidates named by one event (the vote, the approved list, the honours) in one
    query, not one query per candidate."""
    keys = list(keys)
    if not keys:
        return {}
    rows = s.exec(select(DemoCandidateRow).where(DemoCandidateRow.round_key == round_key,
                                                 col(DemoCandidateRow.cluster_key).in_(keys))).all()
    return {c.cluster_key: c for c in rows}


def _derive(s: Session, round_key: str, workflow_id: str, e: Any, snapshot: dict[str, Any]) -> None:
    d = e.data
    if e.kind == "recommended":
        elig = d.get("eligibility") or {}
        failed = [c["key"] for c in elig.get("conditions", []) if c.get("blocking") and c.get("status") == "not_met"]
        s.add(DemoCandidateRow(round_key=round_key, cluster_key=d["cluster_key"], industry=d["industry"],
                               association=d["association"], recommended_on=e.on, seq=e.seq,
                               eligible=bool(d.get("eligible")), failed=failed, eligibility=elig,
                               form=d.get("form") or {}, publicity=d.get("publicity"),
                               platform=bool((d.get("form") or {}).get("on_platform"))))
    elif e.kind == "reviewed":
        c = _candidate(s, round_key, d["cluster_key"])
        if c is not None:
            c.reviewed, c.review_reason = bool(d["passed"]), d.get("reason") or ""
            s.add(c)
    elif e.kind == "vote":
        results = d.get("results") or {}
        for key, c in _candidates_of(s, round_key, results).items():
            v = results[key]
            c.yes, c.no, c.abstain, c.passed = v["yes"], v["no"], v["abstain"], v["passed"]
            s.add(c)
    elif e.kind == "objection_resolved" and d.get("upheld"):
        c = _candidate(s, round_key, d["cluster_key"])
        if c is not None:
            c.removed_by = d["id"]
            s.add(c)
    elif e.kind == "approved":
        for c in _candidates_of(s, round_key, d.get("clusters") or []).values():
            c.approved = True
            s.add(c)
    elif e.kind == "honours":
        for c in _candidates_of(s, round_key, d.get("honoured") or []).values():
            c.honoured = True
            s.add(c)
    elif e.kind == "attachment":
        from store import attachments

        attachments.derive(s, journal_key(round_key), e)
    elif e.kind in ("reminder", "overdue", "notice_ended"):
        _notify(s, round_key, workflow_id, e, snapshot)


def _notify(s: Session, round_key: str, workflow_id: str, e: Any, snapshot: dict[str, Any]) -> None:
    """Reminders and escalations into the kernel outbox (one row per recipient role)."""
    d = e.data
    what = d.get("what", "")
    label, reminded, escalated = CLOCKS.get(what, (what, ("secretariat",), ("secretariat",)))
    title = snapshot.get("title") or round_key
    if e.kind == "reminder":
        recipients, subject = reminded, f"提醒：{title} {label} {d.get('due')}"
        body = f"{title}：{label}为 {d.get('due')}。当前阶段：{labels.stage_label(snapshot.get('stage'))}。"
    elif e.kind == "notice_ended":
        recipients, subject = ("leader", "secretariat"), f"{title}：公示期满，可审核批准"
        body = f"{title} 的网上公示已于 {d.get('due')} 期满，没有未处理的异议，可由会领导审核批准。"
    else:
        recipients, subject = escalated, f"督办：{title} {label}（{d.get('due')}）已过"
        if what == "recommendation":
            body = (f"{title} 的推荐截止日 {d.get('due')} 已过，已收到 {d.get('recommended', 0)} 个推荐，"
                    "请结束推荐、开始初审。")
        elif what == "notice":
            body = (f"{title} 的公示期已于 {d.get('due')} 期满，异议 {'、'.join(d.get('unresolved') or [])} 尚未处理："
                    "每条异议须认定成立或不成立并写明理由后才能批准（评选办法 四）。")
        else:
            body = f"{title} 的大会日期 {d.get('due')} 已过，评选仍在“{labels.stage_label(d.get('stage'))}”阶段。"
    for recipient in recipients:
        # associations see rows with no cluster (their scope is by industry, not by round)
        key = None if recipient == "association" else journal_key(round_key)
        s.add(OutboxRow(idem_key=f"{workflow_id}#{e.seq}>{recipient}", cluster_key=key, recipient=recipient,
                        kind="escalation" if e.kind == "overdue" else "reminder", subject=subject[:300], body=body,
                        created_on=e.on, created_at=_now()))


# ---------------------------------------------------------------- reads


def rounds(engine: Engine) -> list[DemoRoundRow]:
    with session(engine) as s:
        return list(s.exec(select(DemoRoundRow).order_by(col(DemoRoundRow.opened_on).desc(), DemoRoundRow.key)).all())


def round_row(engine: Engine, key: str) -> DemoRoundRow | None:
    with session(engine) as s:
        return s.get(DemoRoundRow, key)


def candidates(engine: Engine, round_key: str, industries: Iterable[str] | None = None) -> list[DemoCandidateRow]:
    """A round's candidates in recommendation order (``industries``: an association's scope)."""
    with session(engine) as s:
        q = select(DemoCandidateRow).where(DemoCandidateRow.round_key == round_key)
        if industries is not None:
            q = q.where(col(DemoCandidateRow.industry).in_(list(industries)))
        return list(s.exec(q.order_by(DemoCandidateRow.seq)).all())


def candidate(engine: Engine, round_key: str, cluster_key: str) -> DemoCandidateRow | None:
    with session(engine) as s:
        return _candidate(s, round_key, cluster_key)


def honours_of(engine: Engine, cluster_key: str) -> list[tuple[DemoRoundRow, DemoCandidateRow]]:
    with session(engine) as s:
        rows = s.exec(select(DemoCandidateRow).where(DemoCandidateRow.cluster_key == cluster_key,
                                                     DemoCandidateRow.honoured == True)).all()  # noqa: E712
        return [(s.get(DemoRoundRow, c.round_key), c) for c in rows]


def is_empty(engine: Engine) -> bool:
    with session(engine) as s:
        return s.exec(select(DemoRoundRow.key)).first() is None
