"""Every Chinese label of program 3 in one place: steps, actions, events, roles as this
program names them. Pages, the CLI and the XLSX read them from here."""

from __future__ import annotations

from domain.guangdong.model import Step

STEP_LABELS: dict[str, str] = {
    Step.FILLING: "示范区填报",
    Step.LOCAL_REVIEW: "待市县人民政府审核",
    Step.PREFECTURE_REVIEW: "待地级市经贸局审核",
    Step.PROVINCE_REVIEW: "待省级主管部门接收",
    Step.RETURNED: "退回修改",
    Step.RECEIVED: "省级已接收",
}

ACTION_LABELS: dict[str, str] = {
    "save_draft": "保存草稿",
    "submit": "报送考核表和年度工作总结",
    "correct": "更正后重新报送",
    "sign_off": "审核同意并报送",
    "return_filing": "退回修改",
    "receive": "接收",
    "attach": "上传附件",
    "open_round": "开启年度考核",
}

EVENT_LABELS: dict[str, str] = {
    "round_opened": "开启年度考核",
    "round_closed": "年度考核完成",
    "opened": "考核开始",
    "submitted": "报送",
    "corrected": "更正后重新报送",
    "signed_off": "审核同意",
    "returned": "退回修改",
    "received": "省级接收",
    "reminder": "提醒",
    "overdue": "逾期上报省级",
    "attachment": "附件",
}

ROLE_LABELS: dict[str, str] = {
    "zone_office": "示范区办公室",
    "local_government": "市县人民政府",
    "prefecture_bureau": "地级市经贸局",
    "province_department": "省级主管部门",
    "auditor": "审计",
    "system": "系统",
}


def step_label(step: str) -> str:
    return STEP_LABELS.get(step, step)


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def event_label(kind: str) -> str:
    return EVENT_LABELS.get(kind, kind)


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)
