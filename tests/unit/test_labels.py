"""One place for every Chinese label (issue 10 item 6): each action, automatic outcome, event
kind, decision and recorded reason has one, and the simulator's CLI lines use them."""

from __future__ import annotations

import re
from pathlib import Path

from domain.cnlic import labels
from domain.cnlic.machine import TRIGGERS
from service.cnlic.simulate import describe, render_table


def test_every_trigger_and_event_kind_has_a_chinese_label():
    for trigger in TRIGGERS + ("hold_meeting",):
        assert labels.action_label(trigger) != trigger, trigger
    for kind in ("registered", "stage", "title", "deadline", "deadline_cleared", "deadline_moved", "reminder",
                 "overdue", "action", "decision"):
        assert labels.event_label(kind) != kind


def test_every_reason_the_lifecycle_records_in_english_has_a_chinese_label():
    # the aggregate's three modules: lifecycle, lifecycle_clocks, lifecycle_state
    source = "\n".join(p.read_text(encoding="utf-8")
                       for p in sorted((Path(__file__).parents[2] / "domain" / "cnlic").glob("lifecycle*.py")))
    reasons = {r for r in re.findall(r'"([a-z][a-z\-:, ]*[a-z])"', source) if " " in r}  # the English phrases
    assert {"site visit approved", "validity ended", "report filed late"} <= reasons
    assert [r for r in reasons if labels.reason_label(r) == r] == []
    assert labels.reason_label("meeting decided: approve") == "会长办公会决定：批准"


def test_simulator_lines_name_no_english_code():
    items = [
        {"on": "2027-01-15", "cluster": "leather", "event": "registered", "start": {"stage": "designated", "on": "2020-01-01"}},
        {"on": "2027-01-15", "cluster": "leather", "event": "stage", "from": "expired", "to": "applied", "procedure": "reevaluation"},
        {"on": "2027-01-15", "cluster": "leather", "event": "action", "action": "revoke_overdue", "by": {"name": "自动时钟"}},
        {"on": "2027-01-15", "cluster": "paper", "event": "decision", "decision": "approve"},
        {"on": "2027-01-15", "cluster": "paper", "event": "deadline_cleared", "what": "site_visit", "reason": "site visit approved"},
    ]
    text = render_table(items)
    assert "（复评程序）" in text and "到期未复评超过两年" in text and "批准" in text and "考评已批准" in text
    assert not re.search(r"[a-z]{4,}", text.replace("leather", "").replace("paper", "")), text
    assert describe(items[0]) == "登记（导入已授称号，2020-01-01）"
