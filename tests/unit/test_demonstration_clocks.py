"""The round's clocks (RULES.md program 2 "Steps"): planned on the PRC working-day calendar,
fired at their dates — a reminder before the recommendation deadline, an escalation after it
while recommendations are still taken, the notice's end escalating only with objections open."""

from datetime import date

import pytest

from domain.calendar import SHIPPED
from domain.demonstration.clocks import ClockRequest, plan_clock
from domain.demonstration.labels import EVENT_LABELS, action_label, clock_label
from domain.demonstration.policy import DEMONSTRATION_2017 as P
from domain.demonstration.round import STEPS
from domain.demonstration.steps import apply_step
from domain.errors import DomainError
from tests.unit.test_demonstration_round import DEADLINE, SECRETARIAT, opened, recommend


def test_the_reminder_before_the_recommendation_deadline_counts_working_days_across_a_holiday():
    # 2026-10-09 (Friday) deadline: 3 working days before skips the National Day holiday
    plan = plan_clock(P, SHIPPED, ClockRequest("recommendation", "recommendation", date(2026, 10, 9)))
    assert plan.due == date(2026, 10, 9) and plan.reminders == (date(2026, 9, 29),)


def test_the_notice_runs_seven_calendar_days_from_the_day_after_publication():
    plan = plan_clock(P, SHIPPED, ClockRequest("notice", "notice", date(2026, 9, 30)))
    assert plan.due == date(2026, 10, 7) and plan.reminders == ()


def test_an_unknown_clock_is_refused():
    with pytest.raises(DomainError) as e:
        plan_clock(P, SHIPPED, ClockRequest("x", "x", date(2026, 9, 30)))
    assert e.value.code == "clock_unknown"


def _armed():
    r = opened()
    for req in r.take_requests():
        r.arm(plan_clock(P, SHIPPED, req), r.opened_on)
    r.drain()
    return r


def test_the_recommendation_deadline_escalates_while_recommendations_are_still_taken():
    r = _armed()
    recommend(r, "cer-1")
    r.drain()
    r.fire_clocks(DEADLINE.replace(day=16))
    kinds = [(e.kind, e.data["what"]) for e in r.events]
    assert ("reminder", "recommendation") in kinds and ("overdue", "recommendation") in kinds
    assert next(e for e in r.events if e.kind == "overdue").data["recommended"] == 1
    r.drain()
    r.fire_clocks(DEADLINE.replace(day=20))
    assert not [e for e in r.events if e.data.get("what") == "recommendation"], "an escalation is recorded once"


def test_closing_the_recommendation_clears_its_clock_so_nothing_escalates():
    r = _armed()
    recommend(r, "cer-1")
    r.close_recommendation(SECRETARIAT, DEADLINE, "各协会均已推荐")
    assert "recommendation" not in r.clocks
    assert r.next_wakeup() is not None  # the conference's reminder is still ahead


def test_steps_by_name_read_their_data_defensively():
    r = opened()
    with pytest.raises(DomainError) as e:
        apply_step(r, "review", {"cluster_key": "cer-1", "passed": True}, SECRETARIAT, (), DEADLINE)
    assert e.value.code == "step_not_allowed"
    with pytest.raises(DomainError) as e:
        apply_step(r, "review", {"cluster_key": "cer-1"}, SECRETARIAT, (), DEADLINE)
    assert e.value.code == "invalid_data" and "初审是否通过" in e.value.message
    with pytest.raises(DomainError) as e:
        apply_step(r, "hold_meeting", {}, SECRETARIAT, (), DEADLINE)
    assert e.value.code == "action_unknown"
    with pytest.raises(DomainError) as e:
        apply_step(r, "record_vote", {"members_present": "甲"}, SECRETARIAT, (), DEADLINE)
    assert e.value.code == "members_invalid"


def test_every_step_event_and_clock_has_a_chinese_label():
    for action in STEPS:
        assert action_label(action) != action
    for kind in ("opened", "recommended", "reviewed", "vote", "notice", "objection", "objection_resolved", "approved",
                 "commended", "honours", "closed_early", "deadline", "reminder", "overdue", "notice_ended"):
        assert kind in EVENT_LABELS
    for what in ("recommendation", "notice", "conference"):
        assert clock_label(what) != what
