"""我的待办 for program 3: each user's next actions on the filings of open rounds in their
scope (the zone office fills or corrects, the governments sign off, the province receives and
sees the overdue zones escalated to it). Two cheap queries: the open rounds, their filings."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import col, select

from domain.guangdong import access
from domain.guangdong.model import Step
from domain.guangdong.labels import action_label
from service.programs import TodoEntry
from store.db import session
from store.guangdong import repo
from store.guangdong.models import FilingRow, RoundRow

WAITING_ON = {
    "zone_office": {Step.FILLING: "submit", Step.RETURNED: "correct"},
    "local_government": {Step.LOCAL_REVIEW: "sign_off"},
    "prefecture_bureau": {Step.PREFECTURE_REVIEW: "sign_off"},
    "province_department": {Step.PROVINCE_REVIEW: "receive"},
}


async def todo(state: Any, user: Any, today: date) -> list[TodoEntry]:
    engine = state.console.engine
    steps = WAITING_ON.get(user.role)
    if steps is None:
        return []
    with session(engine) as s:
        open_years = list(s.exec(select(RoundRow.data_year).where(col(RoundRow.closed_on).is_(None))).all())
        rows = list(s.exec(select(FilingRow).where(col(FilingRow.data_year).in_(open_years))).all()) if open_years else []
    zones = {z.key: z for z in repo.zones(engine)}
    out = []
    for r in rows:
        z = zones.get(r.zone_key)
        if z is None or not access.in_scope(user, z):
            continue
        action = steps.get(Step(r.step))
        url = f"/guangdong/rounds/{r.data_year}/zones/{r.zone_key}"
        if action is not None:
            note = ""
            if r.step == Step.RETURNED and r.last_return:
                note = f"退回理由：{r.last_return.get('reason', '')}"[:200]
            out.append(TodoEntry("guangdong", r.zone_key, f"{z.name}（{r.data_year} 年度）", action,
                                 action_label(action), url, r.due, bool(r.overdue), note))
        elif user.role == "province_department" and r.overdue:
            out.append(TodoEntry("guangdong", r.zone_key, f"{z.name}（{r.data_year} 年度）", "overdue", "逾期督办", url,
                                 r.due, True, "未在截止日前报至省级"))
    if user.role == "province_department" and access.reads_everything(user):
        year = today.year - 1
        if repo.round_of(engine, year) is None:
            out.append(TodoEntry("guangdong", f"round-{year}", f"{year} 年度考核", "open_round",
                                 action_label("open_round"), "/guangdong", None, False, "尚未开启"))
    return out
