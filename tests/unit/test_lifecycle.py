"""The lifecycle aggregate without Temporal: every path of RULES.md program 1 and every
clock, on the pure domain code the workflow calls."""

from datetime import date

import pytest

from domain.errors import DomainError
from domain.cnlic.model import Actor, Stage, TitleStatus
from tests.support import (
    element_indicators,
    APPLICANT,
    ASSOCIATION,
    LEADER,
    SECRETARIAT,
    PureDriver,
    annual_report,
    application,
    site_report,
    site_visit,
)


def refused(driver, on, action, data=None, by=None) -> str:
    before = driver.state.seq
    with pytest.raises(DomainError) as e:
        driver.act(on, action, data, by)
    assert driver.state.seq == before, "a refused action must record nothing"
    return e.value.code


def designated(conferred=date(2027, 6, 20)) -> PureDriver:
    d = PureDriver()
    d.start("cultivation", date(2027, 1, 4), planned_years=1)
    d.designate(meeting_on=conferred)
    return d


def test_first_designation_confers_a_four_year_title_and_arms_its_clocks():
    d = designated(date(2027, 12, 15))
    st = d.state
    assert (st.stage, st.title_status) == (Stage.DESIGNATED, TitleStatus.VALID)
    assert st.valid_until == date(2031, 12, 14) and st.title == "中国陶瓷之都·佛山"
    dl = st.deadlines
    assert dl["expiry"].due == date(2031, 12, 14)
    assert dl["reevaluation_application"].due == date(2031, 9, 15)
    assert dl["reevaluation_application"].reminders == [date(2031, 6, 15), date(2031, 8, 15)]
    assert dl["annual_report:2027"].due == date(2028, 4, 30)
    assert dl["annual_report:2027"].reminders == [date(2028, 3, 31), date(2028, 4, 23)]


def test_cultivation_reminds_at_the_planned_end_and_escalates_after_three_years():
    d = PureDriver()
    d.start("cultivation", date(2027, 1, 4), planned_years=2)
    events = d.advance(date(2030, 1, 10))
    assert [(e.kind, e.on) for e in events if e.kind in ("reminder", "overdue")] == [
        ("reminder", date(2029, 1, 3)), ("overdue", date(2030, 1, 4))]
    assert d.state.stage == Stage.CULTIVATION  # a deadline never silently changes the outcome


def test_cultivation_years_outside_one_to_three_are_refused():
    with pytest.raises(DomainError) as e:
        PureDriver().start("cultivation", date(2027, 1, 4), planned_years=4)
    assert e.value.code == "cultivation_years_out_of_range"


def test_acceptance_needs_every_named_opinion_and_arms_the_five_day_site_visit_clock():
    d = PureDriver()
    d.start("applied", date(2027, 3, 1), application=application(
        route="association_and_provincial", bodies=["中国陶瓷工业协会", "广东省轻工业联合会"]))
    assert refused(d, date(2027, 3, 1), "accept_application", {}, SECRETARIAT) == "action_not_allowed"
    d.act(date(2027, 3, 1), "record_opinion", {"text": "同意"}, ASSOCIATION)
    assert refused(d, date(2027, 3, 1), "record_opinion", {}, ASSOCIATION) == "opinion_duplicate"
    assert refused(d, date(2027, 3, 2), "record_opinion", {"body": "广东省轻工业联合会"},
                   ASSOCIATION) == "opinion_role_mismatch"
    d.act(date(2027, 3, 2), "record_opinion", {}, {"role": "provincial", "name": "广东省轻工业联合会"})
    d.act(date(2027, 3, 3), "accept_application", {}, SECRETARIAT)
    assert d.state.deadlines["site_visit"].due == date(2027, 3, 8)
    events = d.advance(date(2027, 3, 10))
    assert [(e.kind, e.on) for e in events] == [("overdue", date(2027, 3, 9))]
    assert d.state.stage == Stage.ACCEPTED


def test_formal_review_clock_counts_fifteen_working_days_and_restarts_after_a_supplement():
    d = PureDriver()
    d.start("applied", date(2026, 9, 1), application=application())
    d.act(date(2026, 9, 1), "record_opinion", {}, ASSOCIATION)
    d.act(date(2026, 9, 1), "accept_application", {}, SECRETARIAT)
    d.act(date(2026, 9, 2), "approve_site_visit", site_visit("2026-09-10"), LEADER)
    d.act(date(2026, 9, 11), "record_site_report", site_report(), {"role": "expert", "name": "李专家"})
    d.act(date(2026, 9, 25), "record_formal_opinion", {}, ASSOCIATION)
    assert d.state.deadlines["formal_review"].due == date(2026, 10, 22)
    d.act(date(2026, 10, 12), "request_supplement", {"items": ["近三年产值统计"]}, SECRETARIAT)
    assert "formal_review" not in d.state.deadlines
    assert refused(d, date(2026, 10, 13), "complete_formal_review", {}, SECRETARIAT) == "action_not_allowed"
    d.act(date(2026, 10, 16), "submit_supplement", {"items": ["近三年产值统计"]}, APPLICANT)
    # a full new clock from the supplement: 16 Oct 2026 + 15 working days
    assert d.state.deadlines["formal_review"].due == date(2026, 11, 6)


def test_a_meeting_refusal_ends_a_first_designation():
    d = PureDriver()
    d.start("applied", date(2027, 3, 1), application=application())
    d.walk_procedure(date(2027, 3, 1), date(2027, 4, 20), new_cluster=True)
    d.meeting(date(2027, 6, 20), "refuse")
    assert d.state.stage == Stage.REFUSED and d.lc.terminal and not d.state.deadlines


def test_a_deferral_waits_for_the_next_quarter_and_a_quarter_without_meeting_escalates():
    d = PureDriver()
    d.start("applied", date(2027, 3, 1), application=application())
    d.walk_procedure(date(2027, 3, 1), date(2027, 4, 20), new_cluster=True)
    assert d.state.deadlines["meeting"].due == date(2027, 6, 30)
    d.meeting(date(2027, 6, 20), "defer")
    assert d.state.deadlines["meeting"].due == date(2027, 9, 30)
    events = d.advance(date(2027, 10, 2))
    assert [(e.kind, e.on) for e in events if e.kind in ("overdue", "deadline")] == [
        ("overdue", date(2027, 10, 1)), ("deadline", date(2027, 10, 1))]
    assert d.state.deadlines["meeting"].due == date(2027, 12, 31)


def test_withdrawal_ends_the_lifecycle():
    d = PureDriver()
    d.start("cultivation", date(2027, 1, 4))
    d.act(date(2027, 2, 1), "withdraw", {"reason": "产业转型"}, APPLICANT)
    assert d.state.stage == Stage.WITHDRAWN and not d.state.deadlines
    assert refused(d, date(2027, 2, 2), "file_application", application(), APPLICANT) == "lifecycle_ended"


def test_reevaluation_filed_before_expiry_keeps_the_title_extended_until_it_passes():
    d = designated(date(2027, 6, 20))
    d.act(date(2031, 3, 1), "file_reevaluation", {}, APPLICANT)
    d.walk_procedure(date(2031, 3, 2), date(2031, 5, 20), new_cluster=False)
    events = d.advance(date(2031, 6, 25))
    assert d.state.title_status == TitleStatus.EXTENDED and d.state.stage == Stage.AWAITING_MEETING
    assert any(e.kind == "title" and e.data["status"] == "extended" for e in events)
    d.approve(date(2031, 7, 10))
    assert d.state.title_status == TitleStatus.VALID and d.state.valid_until == date(2035, 7, 9)
    assert d.state.cycle == 2


def test_reevaluation_filed_after_expiry_is_late_and_the_title_stays_expired_until_it_passes():
    d = designated(date(2027, 6, 20))
    d.advance(date(2031, 7, 1))
    assert d.state.stage == Stage.EXPIRED and d.state.expired_on == date(2031, 6, 20)
    d.act(date(2031, 8, 1), "file_reevaluation", {}, APPLICANT)
    assert d.state.application["late"] and d.state.title_status == TitleStatus.EXPIRED
    d.walk_procedure(date(2031, 8, 2), date(2031, 9, 20), new_cluster=False)
    d.approve(date(2031, 9, 28))
    assert d.state.title_status == TitleStatus.VALID and d.state.valid_until == date(2035, 9, 27)


def test_failed_reevaluation_gives_one_year_of_rectification_and_a_passed_review_restores_the_title():
    d = designated(date(2027, 6, 20))
    d.act(date(2031, 3, 1), "file_reevaluation", {}, APPLICANT)
    d.walk_procedure(date(2031, 3, 2), date(2031, 5, 20), new_cluster=False)
    d.meeting(date(2031, 6, 10), "refuse")
    assert (d.state.stage, d.state.title_status) == (Stage.RECTIFICATION, TitleStatus.RECTIFYING)
    assert d.state.deadlines["rectification"].due == date(2032, 6, 9)
    d.act(date(2032, 3, 1), "file_rectification_review", {}, APPLICANT)
    d.walk_procedure(date(2032, 3, 2), date(2032, 5, 1), new_cluster=False)
    d.approve(date(2032, 6, 20))
    assert d.state.title_status == TitleStatus.VALID and d.state.valid_until == date(2036, 6, 19)


def test_failed_rectification_review_after_the_rectification_year_revokes_the_title():
    d = designated(date(2027, 6, 20))
    d.act(date(2031, 3, 1), "file_reevaluation", {}, APPLICANT)
    d.walk_procedure(date(2031, 3, 2), date(2031, 5, 20), new_cluster=False)
    d.meeting(date(2031, 6, 10), "refuse")
    d.act(date(2032, 3, 1), "file_rectification_review", {}, APPLICANT)
    d.walk_procedure(date(2032, 3, 2), date(2032, 5, 1), new_cluster=False)
    d.meeting(date(2032, 6, 20), "refuse")
    assert (d.state.stage, d.state.title_status) == (Stage.REVOKED, TitleStatus.REVOKED)


def test_no_rectification_review_filed_by_the_end_of_the_year_revokes_automatically():
    d = designated(date(2027, 6, 20))
    d.act(date(2031, 3, 1), "file_reevaluation", {}, APPLICANT)
    d.walk_procedure(date(2031, 3, 2), date(2031, 5, 20), new_cluster=False)
    d.meeting(date(2031, 6, 10), "refuse")
    events = d.advance(date(2032, 7, 1))
    assert d.state.stage == Stage.REVOKED and d.state.title_status == TitleStatus.REVOKED
    assert [e.on for e in events if e.kind == "overdue" and e.data["what"] == "rectification"] == [date(2032, 6, 10)]


def test_titles_more_than_two_years_past_expiry_are_revoked_at_recognition():
    d = designated(date(2027, 12, 15))
    d.advance(date(2032, 1, 1))
    assert d.state.expired_on == date(2031, 12, 15)
    assert not d.lc.overdue_revocation_due(2032)  # 2 years and 16 days short on 31 Dec 2032
    assert d.lc.overdue_revocation_due(2033)
    out = d.lc.revoke_at_recognition(2033, date(2034, 1, 15))
    assert d.state.stage == Stage.REVOKED and out.events
    assert d.lc.revoke_at_recognition(2033, date(2034, 1, 15)).events == []  # exactly once


def test_title_change_runs_the_procedure_while_the_current_title_stays_valid():
    d = designated(date(2027, 6, 20))
    d.act(date(2028, 9, 1), "file_title_change", {"elements": ["智能"], "element_indicators": element_indicators("智能")},
          APPLICANT)
    assert d.state.title_status == TitleStatus.VALID and d.state.title == "中国陶瓷之都·佛山"
    d.walk_procedure(date(2028, 9, 2), date(2028, 11, 1), new_cluster=True)
    d.approve(date(2028, 12, 10))
    assert d.state.title == "中国陶瓷智能都·佛山" and d.state.valid_until == date(2032, 12, 9)


def test_a_refused_title_change_keeps_the_current_title():
    d = designated(date(2027, 6, 20))
    d.act(date(2028, 9, 1), "file_title_change", {"tier": "base", "title_word": "城"}, APPLICANT)
    d.walk_procedure(date(2028, 9, 2), date(2028, 11, 1), new_cluster=True)
    d.meeting(date(2028, 12, 10), "refuse")
    assert d.state.stage == Stage.DESIGNATED and d.state.title == "中国陶瓷之都·佛山"
    assert d.state.valid_until == date(2031, 6, 19)


def test_onboarding_an_existing_title_arms_the_clocks_from_today_and_past_due_ones_fire_at_once():
    d = PureDriver()
    d.today = date(2026, 11, 22)
    events = d.start("designated", date(2022, 12, 15))
    st = d.state
    assert st.stage == Stage.DESIGNATED and st.valid_until == date(2026, 12, 14)
    overdue = [e.data["what"] for e in events if e.kind == "overdue"]
    assert overdue == ["reevaluation_application"]
    assert not [e for e in events if e.kind == "reminder"]  # reminders before the import are outside the record
    assert st.deadlines["annual_report:2026"].due == date(2027, 4, 30)


def test_onboarding_a_title_already_past_expiry_starts_expired():
    d = PureDriver()
    d.today = date(2026, 11, 22)
    d.start("designated", date(2020, 5, 10))
    assert d.state.stage == Stage.EXPIRED and d.state.title_status == TitleStatus.EXPIRED
    assert d.state.expired_on == date(2024, 5, 10) and not d.state.deadlines


def test_annual_reports_are_owed_each_april_and_a_late_one_is_accepted_and_marked_late():
    d = designated(date(2027, 6, 20))
    events = d.advance(date(2028, 5, 3))
    assert [(e.kind, e.on) for e in events] == [
        ("reminder", date(2028, 3, 31)), ("reminder", date(2028, 4, 23)), ("overdue", date(2028, 5, 1)),
        ("deadline", date(2028, 5, 1))]
    d.act(date(2028, 5, 3), "submit_annual_report", annual_report(2027), APPLICANT)
    assert d.state.annual_reports["2027"]["late"] is True
    assert refused(d, date(2028, 5, 4), "submit_annual_report", annual_report(2027), APPLICANT) == \
        "annual_report_duplicate"
    assert refused(d, date(2028, 5, 4), "submit_annual_report", annual_report(2030), APPLICANT) == \
        "annual_report_year_invalid"
    d.act(date(2029, 3, 1), "submit_annual_report", annual_report(2028, revenue=1200), APPLICANT)
    assert d.state.annual_reports["2028"]["late"] is False
    assert "annual_report:2029" in d.state.deadlines


def test_revocation_by_decision_needs_a_leader_and_a_reason():
    d = designated()
    assert refused(d, date(2028, 1, 1), "revoke", {"reason": "x"}, SECRETARIAT) == "role_not_allowed"
    assert refused(d, date(2028, 1, 1), "revoke", {}, LEADER) == "reason_missing"
    d.act(date(2028, 1, 2), "revoke", {"reason": "发生重大质量事故"}, LEADER)
    assert d.state.title_status == TitleStatus.REVOKED and not d.state.deadlines


def test_a_panel_lead_must_file_the_site_report():
    d = PureDriver()
    d.start("applied", date(2027, 3, 1), application=application())
    d.act(date(2027, 3, 1), "record_opinion", {}, ASSOCIATION)
    d.act(date(2027, 3, 1), "accept_application", {}, SECRETARIAT)
    d.act(date(2027, 3, 2), "approve_site_visit", site_visit("2027-03-10"), LEADER)
    assert refused(d, date(2027, 3, 11), "record_site_report", site_report(),
                   {"role": "expert", "name": "专家1"}) == "not_panel_lead"
    assert refused(d, date(2027, 3, 11), "record_site_report", site_report(),
                   {"role": "expert", "name": "路人"}) == "not_panel_lead"


def test_allowed_actions_follow_stage_and_role():
    d = PureDriver()
    d.start("applied", date(2027, 3, 1), application=application())
    allowed = d.lc.allowed_by_role()
    assert allowed["association"] == ["record_opinion"]
    assert allowed["secretariat"] == ["withdraw"]
    assert allowed["leader"] == []
    d.act(date(2027, 3, 1), "record_opinion", {}, ASSOCIATION)
    assert d.lc.allowed_actions("secretariat") == ["accept_application", "withdraw"]


def test_the_meeting_decision_is_applied_once_per_meeting():
    d = PureDriver()
    d.start("applied", date(2027, 3, 1), application=application())
    d.walk_procedure(date(2027, 3, 1), date(2027, 4, 20), new_cluster=True)
    first = d.lc.apply_meeting_decision("q2", date(2027, 6, 1), "approve", Actor(**SECRETARIAT), date(2027, 6, 1))
    again = d.lc.apply_meeting_decision("q2", date(2027, 6, 1), "approve", Actor(**SECRETARIAT), date(2027, 6, 1))
    assert first.events and again.events == []


# ---------------------------------------------------------------- issue 11: the clarified rules

FAILING_SHEET = {"part1_met": 6, "part1": 30, "part2_first5_met": 2, "part2_vetoes_clear": True, "part2": 8,
                 "part3": 5, "part4": 5, "total": 48}
SECOND_ASSOCIATION = {"role": "association", "name": "中国日用玻璃协会"}
PROVINCIAL = {"role": "provincial", "name": "广东省轻工业联合会"}


def at_meeting(sheet=None, clarified=True) -> PureDriver:
    d = PureDriver(clarified=clarified)
    d.start("cultivation", date(2027, 1, 4), planned_years=1)
    d.act(date(2027, 3, 1), "file_application", application(), APPLICANT)
    d.act(date(2027, 3, 1), "record_opinion", {"text": "同意"}, ASSOCIATION)
    d.act(date(2027, 3, 1), "accept_application", {}, SECRETARIAT)
    d.act(date(2027, 3, 3), "approve_site_visit", site_visit(date(2027, 3, 11)), LEADER)
    d.act(date(2027, 3, 12), "record_site_report", site_report(score_sheet=dict(sheet or FAILING_SHEET)),
          {"role": "expert", "name": "李专家"})
    d.act(date(2027, 3, 21), "record_formal_opinion", {"recommend": True}, ASSOCIATION)
    return d


def test_meeting_approval_waits_for_the_joint_document_and_validity_runs_from_the_document_date():
    d = PureDriver()
    d.start("cultivation", date(2027, 1, 4), planned_years=1)
    d.act(date(2027, 3, 1), "file_application", application(), APPLICANT)
    d.walk_procedure(date(2027, 3, 1), date(2027, 6, 10), new_cluster=True)
    d.meeting(date(2027, 6, 20), "approve")
    assert (d.state.stage, d.state.title_status) == (Stage.APPROVED, TitleStatus.NONE)
    assert d.state.valid_until is None and "expiry" not in d.state.deadlines  # the rules arm no clock
    assert "record_joint_document" in d.lc.allowed_actions("secretariat")
    d.document(date(2027, 7, 15), bodies=["中国轻工业联合会", "中国陶瓷工业协会"])
    assert (d.state.stage, d.state.title_status) == (Stage.DESIGNATED, TitleStatus.VALID)
    assert d.state.conferred_on == date(2027, 7, 15) and d.state.valid_until == date(2031, 7, 14)
    assert d.state.deadlines["expiry"].due == date(2031, 7, 14)
    assert d.state.document["bodies"] == ["中国轻工业联合会", "中国陶瓷工业协会"]


def test_joint_document_dated_before_the_meeting_or_after_today_or_without_cnlic_is_refused():
    d = PureDriver()
    d.start("cultivation", date(2027, 1, 4), planned_years=1)
    d.act(date(2027, 3, 1), "file_application", application(), APPLICANT)
    d.walk_procedure(date(2027, 3, 1), date(2027, 6, 10), new_cluster=True)
    d.meeting(date(2027, 6, 20), "approve")
    doc = {"number": "中轻联综字〔2027〕9号", "bodies": ["中国轻工业联合会"]}
    assert refused(d, date(2027, 7, 1), "record_joint_document", {**doc, "issued_on": "2027-06-19"}) == \
        "document_date_invalid"
    assert refused(d, date(2027, 7, 1), "record_joint_document", {**doc, "issued_on": "2027-07-02"}) == \
        "document_date_invalid"
    assert refused(d, date(2027, 7, 1), "record_joint_document",
                   {**doc, "issued_on": "2027-06-25", "bodies": ["中国陶瓷工业协会"]}) == "document_bodies_invalid"
    assert refused(d, date(2027, 7, 1), "record_joint_document", {"issued_on": "2027-06-25"}) == \
        "document_number_missing"
    assert refused(d, date(2027, 7, 1), "record_joint_document", {**doc, "issued_on": "2027-06-25"},
                   APPLICANT) == "role_not_allowed"


def test_a_lifecycle_recorded_before_the_joint_document_step_is_designated_at_the_meeting():
    d = PureDriver(clarified=False)
    d.start("cultivation", date(2027, 1, 4), planned_years=1)
    d.designate(meeting_on=date(2027, 6, 20))
    assert d.state.stage == Stage.DESIGNATED and d.state.valid_until == date(2031, 6, 19)


def test_reevaluation_pass_renews_the_title_from_the_joint_document_and_stays_extended_until_then():
    d = designated(date(2027, 6, 20))
    d.act(date(2031, 3, 1), "file_reevaluation", {}, APPLICANT)
    d.walk_procedure(date(2031, 3, 2), date(2031, 5, 20), new_cluster=False)
    d.meeting(date(2031, 6, 10), "approve")
    assert d.state.stage == Stage.APPROVED
    d.advance(date(2031, 6, 25))
    assert d.state.title_status == TitleStatus.EXTENDED  # expired on 2031-06-20 while the document was pending
    d.document(date(2031, 6, 25))
    assert d.state.title_status == TitleStatus.VALID and d.state.valid_until == date(2035, 6, 24)


def test_score_below_pass_blocks_formal_review_completion_under_annex_1_note_2():
    d = at_meeting(FAILING_SHEET)
    assert d.state.stage == Stage.FORMAL_REVIEW
    assert refused(d, date(2027, 4, 1), "complete_formal_review", {}, SECRETARIAT) == "score_below_pass"
    with pytest.raises(DomainError) as e:
        d.lc.check("complete_formal_review", {}, Actor(**SECRETARIAT), date(2027, 4, 1))
    assert "附件一 备注2" in e.value.message


def test_score_below_pass_refuses_the_meeting_approval_for_that_cluster_and_keeps_it_waiting():
    d = at_meeting(FAILING_SHEET, clarified=False)  # a sheet under 70 that reached the meeting before the rule
    d.act(date(2027, 4, 1), "complete_formal_review", {}, SECRETARIAT)
    d.state.clarified = True
    out = d.meeting(date(2027, 6, 20), "approve")
    assert d.state.stage == Stage.AWAITING_MEETING
    refusal = [e for e in out.events if e.kind == "decision_refused"]
    assert refusal and refusal[0].data["code"] == "score_below_pass" and "enqueue_meeting" in out.effects
    d.meeting(date(2027, 9, 20), "refuse")
    assert d.state.stage == Stage.REFUSED


def test_a_sheet_under_70_still_completes_formal_review_in_a_history_recorded_before_the_rule():
    d = at_meeting(FAILING_SHEET, clarified=False)
    d.act(date(2027, 4, 1), "complete_formal_review", {}, SECRETARIAT)
    assert d.state.stage == Stage.AWAITING_MEETING


def two_associations() -> PureDriver:
    d = PureDriver()
    d.start("cultivation", date(2027, 1, 4), planned_years=1)
    d.act(date(2027, 3, 1), "file_application",
          application(bodies=["中国陶瓷工业协会", "中国日用玻璃协会", "广东省轻工业联合会"],
                      route="association_and_provincial"), APPLICANT)
    for who in (ASSOCIATION, SECOND_ASSOCIATION, PROVINCIAL):
        d.act(date(2027, 3, 1), "record_opinion", {"text": "同意"}, who)
    d.act(date(2027, 3, 1), "accept_application", {}, SECRETARIAT)
    d.act(date(2027, 3, 3), "approve_site_visit", site_visit(date(2027, 3, 11)), LEADER)
    d.act(date(2027, 3, 12), "record_site_report", site_report(), {"role": "expert", "name": "李专家"})
    return d


def test_every_named_association_sends_its_own_formal_opinion_and_review_starts_with_the_last():
    d = two_associations()
    d.act(date(2027, 3, 20), "record_formal_opinion", {"recommend": True}, ASSOCIATION)
    assert d.state.stage == Stage.ASSOCIATION_OPINION and "formal_review" not in d.state.deadlines
    assert d.lc.snapshot()["outstanding_opinions"] == ["中国日用玻璃协会"]  # the page offers the form to it alone
    assert refused(d, date(2027, 3, 21), "record_formal_opinion", {}, ASSOCIATION) == "formal_opinion_duplicate"
    assert refused(d, date(2027, 3, 21), "record_formal_opinion", {}, PROVINCIAL) == "formal_opinion_not_provincial"
    assert refused(d, date(2027, 3, 21), "record_formal_opinion", {}, SECRETARIAT) == "formal_opinion_body"
    d.act(date(2027, 3, 25), "record_formal_opinion", {"recommend": True}, SECOND_ASSOCIATION)
    assert d.state.stage == Stage.FORMAL_REVIEW
    assert d.state.deadlines["formal_review"].anchor == date(2027, 3, 25)


def test_a_cnlic_only_route_keeps_the_secretariat_formal_opinion():
    d = PureDriver()
    d.start("cultivation", date(2027, 1, 4), planned_years=1)
    d.act(date(2027, 3, 1), "file_application", application(route="cnlic_only", bodies=[]), APPLICANT)
    d.act(date(2027, 3, 1), "accept_application", {}, SECRETARIAT)
    d.act(date(2027, 3, 3), "approve_site_visit", site_visit(date(2027, 3, 11)), LEADER)
    d.act(date(2027, 3, 12), "record_site_report", site_report(), {"role": "expert", "name": "李专家"})
    d.act(date(2027, 3, 20), "record_formal_opinion", {}, SECRETARIAT)
    assert d.state.stage == Stage.FORMAL_REVIEW


def rectifying() -> PureDriver:
    d = designated(date(2027, 6, 20))
    d.act(date(2031, 3, 1), "file_reevaluation", {}, APPLICANT)
    d.walk_procedure(date(2031, 3, 2), date(2031, 5, 20), new_cluster=False)
    d.meeting(date(2031, 6, 10), "refuse")
    return d


def test_a_failed_rectification_review_within_the_year_returns_to_rectification_and_another_may_pass():
    d = rectifying()
    d.act(date(2031, 9, 1), "file_rectification_review", {}, APPLICANT)
    assert "rectification" in d.state.deadlines  # the year keeps running through the review
    d.walk_procedure(date(2031, 9, 2), date(2031, 10, 20), new_cluster=False)
    d.meeting(date(2031, 12, 10), "refuse")
    assert (d.state.stage, d.state.title_status) == (Stage.RECTIFICATION, TitleStatus.RECTIFYING)
    d.act(date(2032, 1, 5), "file_rectification_review", {}, APPLICANT)
    d.walk_procedure(date(2032, 1, 6), date(2032, 3, 1), new_cluster=False)
    d.approve(date(2032, 3, 20), document_on=date(2032, 4, 1))
    assert d.state.title_status == TitleStatus.VALID and d.state.valid_until == date(2036, 3, 31)
    assert "rectification" not in d.state.deadlines


def test_the_rectification_year_ending_after_a_failed_review_revokes_with_the_reason():
    d = rectifying()
    d.act(date(2031, 9, 1), "file_rectification_review", {}, APPLICANT)
    d.walk_procedure(date(2031, 9, 2), date(2031, 10, 20), new_cluster=False)
    d.meeting(date(2031, 12, 10), "refuse")
    d.advance(date(2032, 6, 10))
    assert (d.state.stage, d.state.title_status) == (Stage.REVOKED, TitleStatus.REVOKED)
    assert "§四(三)" in d.state.ended_reason
    reasons = [e.data["reason"] for e in d.events if e.kind == "action" and e.data.get("action") == "revoke_rectification"]
    assert reasons and "整改期" in reasons[0]


def test_a_failed_rectification_review_revokes_at_once_in_a_history_recorded_before_the_rule():
    d = PureDriver(clarified=False)
    d.start("cultivation", date(2027, 1, 4), planned_years=1)
    d.designate(meeting_on=date(2027, 6, 20))
    d.act(date(2031, 3, 1), "file_reevaluation", {}, APPLICANT)
    d.walk_procedure(date(2031, 3, 2), date(2031, 5, 20), new_cluster=False)
    d.meeting(date(2031, 6, 10), "refuse")
    d.act(date(2031, 9, 1), "file_rectification_review", {}, APPLICANT)
    d.walk_procedure(date(2031, 9, 2), date(2031, 10, 20), new_cluster=False)
    d.meeting(date(2031, 12, 10), "refuse")
    assert d.state.stage == Stage.REVOKED


def test_a_provincial_route_has_no_formal_opinion_giver_but_the_secretariat():
    d = PureDriver()
    d.start("cultivation", date(2027, 1, 4), planned_years=1)
    d.act(date(2027, 3, 1), "file_application", application(route="provincial", bodies=["广东省轻工业联合会"]),
          APPLICANT)
    d.act(date(2027, 3, 1), "record_opinion", {"text": "同意"}, PROVINCIAL)
    d.act(date(2027, 3, 1), "accept_application", {}, SECRETARIAT)
    d.act(date(2027, 3, 3), "approve_site_visit", site_visit(date(2027, 3, 11)), LEADER)
    d.act(date(2027, 3, 12), "record_site_report", site_report(), {"role": "expert", "name": "李专家"})
    assert refused(d, date(2027, 3, 20), "record_formal_opinion", {}, PROVINCIAL) == "formal_opinion_not_provincial"
    assert "record_formal_opinion" not in d.lc.allowed_actions("provincial")
    d.act(date(2027, 3, 20), "record_formal_opinion", {}, SECRETARIAT)
    assert d.state.stage == Stage.FORMAL_REVIEW


def test_a_rectification_review_filed_within_the_year_is_still_decided_after_the_year_ends():
    d = rectifying()  # the year runs to 2032-06-09
    d.act(date(2032, 3, 1), "file_rectification_review", {}, APPLICANT)
    d.walk_procedure(date(2032, 3, 2), date(2032, 5, 1), new_cluster=False)
    d.advance(date(2032, 6, 15))
    assert d.state.stage == Stage.AWAITING_MEETING and d.state.deadlines["rectification"].overdue_since
    d.approve(date(2032, 6, 20))
    assert (d.state.stage, d.state.title_status) == (Stage.DESIGNATED, TitleStatus.VALID)
    assert "rectification" not in d.state.deadlines
