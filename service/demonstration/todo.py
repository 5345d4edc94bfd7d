"""我的待办 for program 2 (``ProgramHooks.todo``): what each role must do next in the open
rounds, from the read model (one query), due dates from the round's clocks."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.demonstration.labels import action_label
from domain.roles import User
from service.programs import TodoEntry
from store.demonstration import rounds as repo

PROGRAM = "demonstration"


def _entry(row: Any, action: str, due: date | None, today: date, note: str = "", label: str = "") -> TodoEntry:
    return TodoEntry(program=PROGRAM, key=row.key, name=row.title or row.key, action=action,
                     label=label or action_label(action), url=f"/demonstration/rounds/{row.key}#actions", due=due,
                     overdue=due is not None and today > due, note=note)


def todo_for(engine: Any, user: User, today: date) -> list[TodoEntry]:
    out: list[TodoEntry] = []
    for row in repo.rounds(engine):
        if row.stage == "commended":
            continue
        snap = row.snapshot or {}
        unresolved = [o["id"] for o in snap.get("objections") or [] if o.get("upheld") is None]
        notice_end = date.fromisoformat(snap["notice_ends_on"]) if snap.get("notice_ends_on") else None
        if user.role == "association" and row.stage == "recommendation" and today <= row.recommendation_deadline:
            out.append(_entry(row, "recommend", row.recommendation_deadline, today, "推荐本行业的共建集群（附推荐表）"))
        elif user.role == "secretariat":
            if row.stage == "recommendation" and today > row.recommendation_deadline:
                out.append(_entry(row, "close_recommendation", row.recommendation_deadline, today,
                                  f"推荐已截止，已收到 {snap.get('candidates', 0)} 个推荐"))
            elif row.stage == "first_review":
                out.append(_entry(row, "review", None, today, "逐个初审候选集群，形成初审建议名单"))
            elif row.stage == "committee_vote":
                action = "publish_notice" if snap.get("voted_on") else "record_vote"
                out.append(_entry(row, action, None, today))
            elif row.stage == "public_notice" and unresolved:
                out.append(_entry(row, "resolve_objection", notice_end, today, f"未处理的异议：{'、'.join(unresolved)}"))
            elif row.stage == "approved":
                out.append(_entry(row, "commend", row.conference_on, today, "大会表彰，记录表彰文件"))
        elif user.role == "leader" and row.stage == "public_notice" and notice_end is not None \
                and today > notice_end and not unresolved:
            out.append(_entry(row, "approve", None, today, f"公示已于 {notice_end} 期满，没有未处理的异议"))
    return out
