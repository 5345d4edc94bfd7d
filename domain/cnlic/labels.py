"""Every Chinese label a page, the CLI or a notification shows for a code (issue 10 item 6):
stages, procedures, title statuses, roles and deadline kinds carry their own ``.label`` in
``domain.cnlic.model``; this module adds the rest — actions (the staff actions of
``domain.cnlic.machine`` and the automatic ones), event kinds, meeting decisions and the reasons
the lifecycle writes into the journal — so no English code reaches a Chinese line."""

from __future__ import annotations

from enum import Enum
from typing import Any

from domain.cnlic.machine import ACTION_LABELS
from domain.cnlic.model import DeadlineKind, Procedure, Role, Stage, TitleStatus

# the automatic outcomes (RULES.md "Clocks") and the meeting's decisions as triggers
AUTOMATIC_ACTION_LABELS = {
    "expire": "称号有效期届满",
    "extend": "复评期间称号延续",
    "lapse_rectification": "整改期满未复查，取消称号",
    "revoke_overdue": "到期未复评超过两年，年度认定时取消称号",
    "revoke_rectification": "整改期满仍不达标，取消称号（§四(三)）",
    "meeting_approve": "会长办公会批准",
    "meeting_refuse": "会长办公会不予批准",
    "meeting_defer": "会长办公会暂缓",
}

EVENT_LABELS = {
    "registered": "登记",
    "stage": "阶段",
    "title": "称号",
    "deadline": "时限",
    "deadline_cleared": "时限解除",
    "deadline_moved": "时限调整",
    "reminder": "提醒",
    "overdue": "逾期",
    "action": "操作",
    "decision": "会议决定",
    "rejected": "被拒绝",
    "annual_recognition": "年度认定",
    "final": "最终",
    "audit_read": "审计查阅",
    "attachment": "附件",
    "decision_refused": "会议决定未执行",
    "violation": "违规违法事件",
    "honour": "荣誉",
}

DECISION_LABELS = {"approve": "批准", "refuse": "不予批准", "defer": "暂缓"}

# the clocks a to-do item may answer beyond the armed deadlines (domain.cnlic.todo)
CLOCK_LABELS = {
    "overdue_revocation": "到期未复评取消（年度认定公告）",
    "visit_on": "现场考评日",
    "joint_document": "待联合发文（会长办公会已批准）",
}

# the reasons the lifecycle records when it clears a deadline or ends (journal rows keep the
# code-like English text they were written with; the pages show these)
REASON_LABELS = {
    "lifecycle ended": "共建结束",
    "application filed": "已提出申请",
    "site visit approved": "考评已批准",
    "stopped: supplement requested": "要求补充材料，时限暂停",
    "formal review completed": "形式审查已完成",
    "report filed": "年度报告已报送",
    "report filed late": "年度报告逾期后报送",
    "re-evaluation filed": "已提出复评申请",
    "re-evaluation filed late": "逾期后提出复评申请",
    "rectification review filed": "已申请整改复查",
    "title change withdrawn": "称号变更申请已撤回",
    "deferred to next meeting": "暂缓至下次会议",
    "quarter ended without a meeting": "本季度未召开会长办公会",
    "validity ended": "有效期届满",
    "new validity cycle": "新的有效期开始",
    "re-evaluation failed": "复评不合格",
    "title change abandoned: title expired": "称号到期，变更申请终止",
    "rectification period ended with no rectification review filed": "整改期满未申请整改复查",
    "rectification review passed": "整改复查通过",
}

START_LABELS = {"cultivation": "纳入培育", "applied": "登记申请", "designated": "导入已授称号"}


def _enum_label(enum: type[Enum], value: Any) -> str | None:
    try:
        return enum(value).label  # type: ignore[attr-defined]
    except ValueError:
        return None


def stage_label(value: Any) -> str:
    return (_enum_label(Stage, value) or str(value)) if value else "—"


def procedure_label(value: Any) -> str:
    return (_enum_label(Procedure, value) or str(value)) if value else "—"


def title_status_label(value: Any) -> str:
    return (_enum_label(TitleStatus, value) or str(value)) if value else "—"


def role_label(value: Any) -> str:
    return (_enum_label(Role, value) or str(value)) if value else "—"


def action_label(code: Any) -> str:
    code = str(code or "")
    return ACTION_LABELS.get(code) or AUTOMATIC_ACTION_LABELS.get(code) or code


def event_label(kind: Any) -> str:
    return EVENT_LABELS.get(str(kind), str(kind))


def decision_label(code: Any) -> str:
    return DECISION_LABELS.get(str(code), str(code))


def deadline_label(what: Any) -> str:
    if not what:
        return "—"
    return _enum_label(DeadlineKind, what) or CLOCK_LABELS.get(str(what)) or str(what)


def reason_label(reason: Any) -> str:
    """A recorded reason in Chinese: the known English ones translated, ``meeting decided: X``
    named, anything else (already Chinese, or typed by a person) as written."""
    text = str(reason or "")
    if text in REASON_LABELS:
        return REASON_LABELS[text]
    if text.startswith("meeting decided: "):
        return f"会长办公会决定：{decision_label(text.removeprefix('meeting decided: '))}"
    return text


def start_label(stage: Any) -> str:
    return START_LABELS.get(str(stage), stage_label(stage))
