"""我的待办 for program 4: what each user must do next on the pilots in their scope, read from the
read model in two queries (the pilots, the batches), with the clock each item answers."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from domain.brand.labels import action_label
from domain.brand.policy import get_policy
from domain.calendar import add_months
from domain.roles import User, works_in
from store.brand import repo
from store.brand.models import BrandPilotRow

PROGRAM = "brand"


def _entry(row: BrandPilotRow, action: str, due: date | None = None, overdue: bool = False, note: str = ""):
    from service.programs import TodoEntry

    return TodoEntry(PROGRAM, row.key, row.name, action, action_label(action), f"/brand/pilots/{row.key}#{action}",
                     due, overdue, note)


def _due(row: BrandPilotRow, what: str) -> list[dict]:
    return [d for d in row.deadlines or [] if d.get("what") == what]


def items_for(row: BrandPilotRow, user: User, today: date) -> list:
    role, out = user.role, []
    stage = row.stage
    body_side = role == "implementing_body" or (role == "local_government" and row.applicant_kind == "local_government")
    if body_side:
        for d in _due(row, "summary"):
            out.append(_entry(row, "submit_summary", date.fromisoformat(d["due"]), d["overdue"], f"第 {d['period']} 年"))
        if stage == "pilot" and not _due(row, "summary") and row.approved_on is not None:
            out.append(_entry(row, "apply_evaluation", note="试点年度总结报告已齐，可申请评价"))
        if stage == "demonstration" and row.valid_until is not None:
            opens = add_months(row.valid_until, -get_policy(row.policy_version or None).rereview_window_months)
            if today >= opens:
                out.append(_entry(row, "apply_rereview", row.valid_until, False, "称号期满前申请复审"))
    if role == "local_government" and stage == "applied":
        out.append(_entry(row, "seal_application", note="同意并盖章后报省级主管部门"))
    if role == "province_department":
        if stage == "sealed":
            out.append(_entry(row, "recommend", note="每省每年至多推荐 3 家"))
        if stage == "evaluation_applied":
            out.append(_entry(row, "recommend_evaluation"))
        for d in _due(row, "supervision"):
            out.append(_entry(row, "record_supervision", date.fromisoformat(d["due"]), d["overdue"], f"第 {d['period']} 年"))
    if role == "miit_reviewer":
        if stage == "material_review":
            out.append(_entry(row, "shortlist" if row.material_total is not None else
                              ("record_material_review" if row.experts else "assign_experts")))
        if stage == "defence_review":
            out.append(_entry(row, "decide_title" if row.defence_total is not None else "record_defence_review"))
    if role == "expert" and user.name in (row.experts or []):
        if stage == "material_review" and row.material_total is None:
            out.append(_entry(row, "record_material_review"))
        if stage == "defence_review" and row.defence_total is None:
            out.append(_entry(row, "record_defence_review"))
    return out


def todo_for(engine: Engine, user: User, today: date) -> list:
    if not works_in(user.role, PROGRAM) or user.role == "auditor":
        return []
    from domain.brand.access import scope_filter
    from service.programs import TodoEntry

    out = [e for row in repo.pilots(engine, scope_filter(user)) if row.live for e in items_for(row, user, today)]
    if user.role == "miit_reviewer":
        for b in repo.batches(engine):
            if b.closed and b.held_on is None and b.members:
                out.append(TodoEntry(PROGRAM, b.batch_id, f"{b.batch_id} 批次（{len(b.members)} 家）", "hold_batch",
                                     action_label("hold_batch"), "/brand/batches", None, b.overdue,
                                     "受理截止日后召开论证评审"))
    return out
