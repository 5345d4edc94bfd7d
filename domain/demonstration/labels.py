"""Every Chinese label program 2's pages, CLI lines and notifications show for a code: the
round's stages and steps (``round.Stage``, ``round.STEPS``), conditions
(``eligibility.CONDITIONS``), clocks (``clocks.CLOCKS``), and here the journal's event kinds
and the reasons a clock is cleared — so no English code reaches a Chinese line."""

from __future__ import annotations

from typing import Any

from domain.demonstration.clocks import CLOCKS
from domain.demonstration.eligibility import CONDITIONS, Status
from domain.demonstration.round import STEPS, Stage

EVENT_LABELS = {
    "opened": "开始评选",
    "quotas": "行业推荐名额",
    "recommended": "行业推荐",
    "closed_early": "提前结束推荐",
    "stage": "阶段",
    "reviewed": "初审",
    "first_review_list": "初审建议名单",
    "vote": "审核委员会投票",
    "notice": "网上公示",
    "objection": "公示异议",
    "objection_resolved": "异议处理",
    "approved": "审核批准",
    "commended": "大会表彰",
    "honours": "荣誉记入集群",
    "attachment": "附件",
    "deadline": "时限",
    "deadline_cleared": "时限解除",
    "deadline_moved": "时限调整",
    "reminder": "提醒",
    "overdue": "逾期督办",
    "notice_ended": "公示期满",
    "rejected": "被拒绝",
    "final": "最终",
}

REASON_LABELS = {
    "recommendation closed": "推荐已结束，开始初审",
    "approved": "已审核批准",
    "commended": "已表彰",
}

ACTION_LABELS = {**{a: s.label for a, s in STEPS.items()}, "open": "开始评选"}


def stage_label(value: Any) -> str:
    try:
        return Stage(value).label
    except ValueError:
        return str(value or "—")


def action_label(code: Any) -> str:
    return ACTION_LABELS.get(str(code), str(code))


def event_label(kind: Any) -> str:
    return EVENT_LABELS.get(str(kind), str(kind))


def clock_label(what: Any) -> str:
    return CLOCKS[what][0] if what in CLOCKS else str(what or "—")


def reason_label(reason: Any) -> str:
    return REASON_LABELS.get(str(reason), str(reason or ""))


def condition_label(key: Any) -> str:
    return CONDITIONS[key][0] if key in CONDITIONS else str(key)


def status_label(value: Any) -> str:
    try:
        return Status(value).label
    except ValueError:
        return str(value)
