"""Every Chinese label program 4 shows — stages, actions, events, roles, clocks, decisions and
the reasons written into the journal — from one place, so no English code reaches a page, the
CLI or a document."""

from __future__ import annotations

from typing import Any

from domain.brand.machine import ACTION_LABELS, STAGE_LABELS
from domain.brand.policy import APPLICANT_KINDS
from domain.roles import ROLE_LABELS

# program 4 says 评审专家 for its experts (program 1 says 考评专家)
ROLE_OVERRIDES = {"expert": "评审专家"}

EVENT_LABELS = {
    "registered": "提交申报",
    "stage": "阶段",
    "action": "操作",
    "batch": "批次评审",
    "deadline": "时限",
    "deadline_met": "按期办结",
    "deadline_moved": "时限调整",
    "deadline_cleared": "时限解除",
    "reminder": "提醒",
    "overdue": "逾期",
    "scores": "评审打分",
    "decision": "称号决定",
    "title": "称号",
    "batch_closed": "批次截止",
    "batch_held": "批次评审",
    "batch_overdue": "批次逾期",
    "recommendation": "省级推荐",
    "rejected": "被拒绝",
    "final": "最终",
}
DEADLINE_LABELS = {"summary": "年度总结报告", "supervision": "年度监督检查记录", "expiry": "示范区称号有效期"}
DECISION_LABELS = {"approve": "批准为试点", "refuse": "不予批准", "defer": "转入下一批次"}
TITLE_STATUS_LABELS = {"granted": "授予称号", "lapsed": "称号期满失效", "revoked": "称号撤销",
                       "extended": "复审期间称号延续"}
REASON_LABELS = {
    "expired": "有效期届满，未通过复审",
    "rereview_pending": "复审尚在进行",
    "conditions_not_met": "未达到示范区条件",
    "not_shortlisted": "未进入答辩评审",
    "evaluation_returned": "省级主管部门未予推荐",
    "renewed": "复审合格，称号重新起算",
    **{s: lbl for s, lbl in STAGE_LABELS.items()},
}
PROCEDURE_LABELS = {"": "—", "evaluation": "试点工作评价", "rereview": "示范区复审"}


def role_label(role: str) -> str:
    return ROLE_OVERRIDES.get(role) or ROLE_LABELS.get(role, role)


def stage_label(stage: str | None) -> str:
    return STAGE_LABELS.get(stage or "", stage or "—")


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def event_label(kind: str) -> str:
    return EVENT_LABELS.get(kind, kind)


def deadline_label(what: str | None) -> str:
    return DEADLINE_LABELS.get(what or "", what or "—")


def applicant_kind_label(kind: str) -> str:
    return APPLICANT_KINDS.get(kind, kind)


def describe_event(kind: str, data: dict[str, Any]) -> str:
    """One Chinese line for a journal event (pages, CLI, simulator)."""
    if kind == "stage":
        return f"{stage_label(data.get('from'))} → {stage_label(data.get('to'))}"
    if kind == "action":
        return action_label(data.get("action", ""))
    if kind == "registered":
        app = data.get("application") or {}
        return f"提交申报书（试点周期 {(app.get('plan') or {}).get('years')} 年）"
    if kind == "batch":
        return f"{data.get('batch_id')} 批次：{DECISION_LABELS.get(data.get('decision', ''), data.get('decision'))}"
    if kind == "deadline":
        return f"{deadline_label(data.get('what'))} 截止 {data.get('due')}（{data.get('basis', '')}）"
    if kind in ("reminder", "overdue"):
        return f"{deadline_label(data.get('what'))} 截止 {data.get('due')}"
    if kind == "deadline_moved":
        return (f"{deadline_label(data.get('what'))} 截止 {data.get('old_due')} → {data.get('new_due')}"
                f"（日历 {data.get('old_calendar_version')} → {data.get('new_calendar_version')}：{data.get('reason', '')}）")
    if kind == "deadline_met":
        return f"{deadline_label(data.get('what'))}已提交{'（逾期提交）' if data.get('late') else ''}"
    if kind == "deadline_cleared":
        return f"{deadline_label(data.get('what'))}（{REASON_LABELS.get(data.get('reason', ''), data.get('reason'))}）"
    if kind == "scores":
        sheet = "资料评审" if data.get("sheet") == "material" else "答辩评审"
        return f"{sheet} 总分 {data.get('total')}"
    if kind == "decision":
        parts = []
        for d in data.get("industries") or []:
            if d.get("granted"):
                parts.append(f"{d['industry']}：授予“{d['title']}”")
            else:
                failed = [c["label"] for c in d.get("conditions") or [] if not c.get("met")]
                parts.append(f"{d['industry']}：不授予（未满足：{'；'.join(failed)}）")
        return "；".join(parts) or "—"
    if kind == "title":
        status = TITLE_STATUS_LABELS.get(data.get("status", ""), data.get("status"))
        until = f"，有效期至 {data['valid_until']}" if data.get("valid_until") else ""
        reason = data.get("reason")
        why = f"（{REASON_LABELS.get(reason, reason)}）" if reason else ""
        return f"{status}：{'、'.join(data.get('titles') or []) or '—'}{until}{why}"
    if kind == "batch_closed":
        return f"{data.get('batch_id')} 批次截止（{data.get('cutoff')}），纳入 {len(data.get('members') or [])} 家"
    if kind == "batch_held":
        return f"{data.get('batch_id')} 批次论证评审：" + "，".join(
            f"{k} {DECISION_LABELS.get(v, v)}" for k, v in sorted((data.get("decisions") or {}).items()))
    if kind == "batch_overdue":
        return f"{data.get('batch_id')} 批次应在 {data.get('month_end')} 前召开，尚未召开"
    if kind == "recommendation":
        return f"{data.get('province')} 推荐 {data.get('key')}（{data.get('year')} 年第 {data.get('count')} 家）"
    return event_label(kind)
