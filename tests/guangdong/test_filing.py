"""A zone's filing in a round, as the domain decides it: the steps' table (who acts at which
step), returns with a reason, corrections, and the round's clock — reminders 30 and 7 days
before the due date while the filing has not reached the province, the escalation the day after."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import DomainError
from domain.guangdong.filing import Filing, new_state
from domain.guangdong.policy import due_date, get_policy, reminder_dates
from domain.roles import Actor

ZONE, LOCAL, PREF, PROV = (Actor("zone_office", "西樵示范区办公室"), Actor("local_government", "南海区人民政府"),
                           Actor("prefecture_bureau", "佛山市经贸局"), Actor("province_department", "广东省经贸委"))
DOCS = {"form_sha256": "a" * 64, "summary_sha256": "b" * 64}
DUE = date(2027, 3, 31)


def filing() -> Filing:
    policy = get_policy()
    return Filing(new_state(2026, "gd-foshan-xiqiao-textiles", "西樵", "佛山市", policy.version, DUE,
                            reminder_dates(policy, DUE)))


def test_the_policy_due_date_is_31_march_after_the_data_year_with_reminders_30_and_7_days_before():
    policy = get_policy()
    assert due_date(policy, 2026) == DUE
    assert reminder_dates(policy, DUE) == [date(2027, 3, 1), date(2027, 3, 24)]


def test_the_filing_walks_zone_county_prefecture_province():
    f = filing()
    assert f.allowed("zone_office") == ["submit", "attach"] and f.allowed("local_government") == []
    steps = []
    for action, actor, data in (("submit", ZONE, DOCS), ("sign_off", LOCAL, {"opinion": "同意"}),
                                ("sign_off", PREF, {"opinion": "同意"}), ("receive", PROV, {})):
        steps.append(f.apply(action, data, actor, date(2027, 2, 1))[0].data["to"])
    assert steps == ["local_review", "prefecture_review", "province_review", "received"] and f.done
    assert not f.state.late and [s["role"] for s in f.state.signed] == ["local_government", "prefecture_bureau"]


@pytest.mark.parametrize("action, actor, data, code", [
    ("sign_off", LOCAL, {"opinion": "同意"}, "action_not_allowed"),
    ("submit", LOCAL, DOCS, "role_not_allowed"),
    ("submit", ZONE, {"form_sha256": "x"}, "document_missing"),
    ("receive", PROV, {}, "action_not_allowed"),
    ("teleport", ZONE, {}, "action_unknown"),
])
def test_what_the_table_or_the_data_forbid_is_refused_by_rule(action, actor, data, code):
    with pytest.raises(DomainError) as e:
        filing().check(action, data, actor)
    assert e.value.code == code


def test_any_level_may_return_with_a_reason_and_the_correction_goes_through_every_level_again():
    for reviewer, signers in ((LOCAL, []), (PREF, [LOCAL]), (PROV, [LOCAL, PREF])):
        f = filing()
        f.apply("submit", DOCS, ZONE, date(2027, 2, 1))
        for s in signers:
            f.apply("sign_off", {"opinion": "同意"}, s, date(2027, 2, 2))
        with pytest.raises(DomainError) as e:
            f.check("return_filing", {"reason": "  "}, reviewer)
        assert e.value.code == "reason_required"
        returned = f.apply("return_filing", {"reason": "数据有误"}, reviewer, date(2027, 2, 3))[0]
        assert returned.kind == "returned" and f.state.step == "returned" and f.allowed("zone_office") == ["correct",
                                                                                                           "attach"]
        corrected = f.apply("correct", DOCS, ZONE, date(2027, 2, 4))[0]
        assert corrected.kind == "corrected" and corrected.data["returned_seq"] == returned.seq
        assert f.state.step == "local_review" and f.state.signed == []


def test_reminders_fire_30_and_7_days_before_and_the_escalation_the_day_after_the_due_date():
    f = filing()
    assert f.next_wakeup() == date(2027, 3, 1)
    first = f.fire_clocks(date(2027, 3, 1))
    assert [(e.kind, e.data["days_left"], e.data["holder"]) for e in first] == [("reminder", 30, "zone_office")]
    f.apply("submit", DOCS, ZONE, date(2027, 3, 10))
    second = f.fire_clocks(date(2027, 3, 24))
    assert [(e.kind, e.data["holder"]) for e in second] == [("reminder", "local_government")]
    assert f.next_wakeup() == date(2027, 4, 1) and f.fire_clocks(date(2027, 3, 31)) == []
    late = f.fire_clocks(date(2027, 4, 1))
    assert [(e.kind, e.on, e.data["escalated_to"]) for e in late] == [("overdue", date(2027, 4, 1), "province_department")]
    assert f.next_wakeup() is None and f.snapshot()["overdue"]


def test_a_filing_at_the_province_by_the_due_date_gets_no_reminder_and_is_not_late():
    f = filing()
    f.apply("submit", DOCS, ZONE, date(2027, 2, 1))
    f.apply("sign_off", {"opinion": "同意"}, LOCAL, date(2027, 2, 2))
    f.apply("sign_off", {"opinion": "同意"}, PREF, date(2027, 2, 3))
    assert f.next_wakeup() is None and f.fire_clocks(date(2027, 4, 2)) == [] and not f.state.late


def test_a_filing_reaching_the_province_after_the_due_date_is_marked_late():
    f = filing()
    f.fire_clocks(date(2027, 4, 1))
    f.apply("submit", DOCS, ZONE, date(2027, 4, 10))
    f.apply("sign_off", {"opinion": "同意"}, LOCAL, date(2027, 4, 11))
    event = f.apply("sign_off", {"opinion": "同意"}, PREF, date(2027, 4, 12))[0]
    assert event.data["late"] is True and f.state.late and not f.snapshot()["overdue"]


def test_a_round_opened_after_a_reminders_day_reminds_on_the_day_it_opens():
    f = filing()
    events = f.fire_clocks(date(2027, 3, 10))
    assert [(e.kind, e.on) for e in events] == [("reminder", date(2027, 3, 10))]
    assert f.next_wakeup() == date(2027, 3, 24)
