"""Eligibility of a candidate from program 1's journal (RULES.md program 2 "Conditions"):
each condition met / not met / attested with its evidence. Most cases drive program 1's real
lifecycle (tests.support.PureDriver) so the journal rows are the ones program 1 writes."""

from datetime import date, timedelta

import pytest

from domain.demonstration.eligibility import (
    Attestation,
    JournalFact,
    Status,
    TitleFact,
    cap_of,
    check_violation,
    evaluate,
    window_start,
)
from domain.demonstration.policy import DEMONSTRATION_2017 as P
from domain.errors import DomainError
from tests.support import (
    APPLICANT,
    ASSOCIATION,
    LEAD_EXPERT,
    LEADER,
    SECRETARIAT,
    PureDriver,
    annual_report,
    application,
    site_report,
    site_visit,
)


def designated(on=date(2027, 6, 20)) -> PureDriver:
    d = PureDriver()
    d.start("cultivation", date(2027, 1, 4), planned_years=1)
    d.designate(meeting_on=on)
    return d


def facts(d: PureDriver) -> list[JournalFact]:
    return [JournalFact.of(e) for e in d.events]


def judge(d_or_facts, on, **kw):
    rows = facts(d_or_facts) if isinstance(d_or_facts, PureDriver) else d_or_facts
    return evaluate("foshan-ceramics", rows, on, P, **kw)


def violation(seq, on, happened, reason="环保处罚"):
    return JournalFact(seq, on, "violation", {"date": happened.isoformat(), "source": "佛环罚〔2027〕3号", "reason": reason})


# ------------------------------------------------------------------ the cap


def test_cap_counts_valid_and_extended_titles_on_the_opening_date_and_rounds_down():
    day = date(2028, 3, 1)
    titles = [TitleFact(f"c{i}", "陶瓷", "valid", date(2030, 1, 1)) for i in range(47)]
    titles += [TitleFact("ext", "陶瓷", "extended", date(2027, 12, 31))]  # past its date, still extended
    titles += [TitleFact("lapsed", "陶瓷", "valid", date(2028, 2, 29))]  # clock not fired yet: not valid
    titles += [TitleFact("last-day", "陶瓷", "valid", day)]  # valid through the opening day
    titles += [TitleFact(f"x{s}", "陶瓷", s, None) for s in ("expired", "rectifying", "revoked", "none")]
    assert cap_of(titles, day, P) == (49, 9)


# ------------------------------------------------------------------ every condition met


def test_a_designated_cluster_with_every_report_filed_meets_every_computed_condition():
    d = designated()
    d.act(date(2028, 4, 1), "submit_annual_report", annual_report(2027), APPLICANT)
    d.advance(date(2028, 9, 1))
    e = judge(d, date(2028, 9, 1), results_text="龙头企业研发投入占比 4%", platform=True)
    assert e.eligible and e.refusal() is None
    assert e.condition("title_valid").evidence[0].seq is not None
    rank = e.condition("national_rank")
    assert rank.status is Status.MET and "第 1 名" in rank.evidence[0].text and rank.evidence[0].on == date(2027, 3, 12)
    reports = e.condition("annual_reports_filed")
    assert reports.status is Status.MET and reports.evidence[0].text == "2027 年度报表已报送"
    assert e.condition("outstanding_results").status is Status.ATTESTED
    assert e.platform


# ------------------------------------------------------------------ title


def test_a_cluster_without_a_title_record_is_not_eligible():
    e = judge([], date(2028, 1, 1))
    assert e.condition("title_valid").status is Status.NOT_MET
    assert e.refusal().code == "candidate_ineligible" and "共建称号有效" in e.refusal().message


def test_an_expired_title_fails_and_the_missed_reevaluation_is_named():
    d = designated()
    for y in (2027, 2028, 2029, 2030):
        d.act(date(y + 1, 4, 1), "submit_annual_report", annual_report(y), APPLICANT)
    d.advance(date(2031, 7, 1))
    e = judge(d, date(2031, 7, 1))
    assert e.condition("title_valid").status is Status.NOT_MET
    late = e.condition("reevaluation_on_time")
    assert late.status is Status.NOT_MET
    assert [ev.on for ev in late.evidence] == [date(2031, 3, 21), date(2031, 6, 20)]  # overdue, then expired


# ------------------------------------------------------------------ 5-year window


def test_window_is_the_five_years_ending_on_the_opening_date():
    assert window_start(date(2027, 6, 1), 5) == date(2022, 6, 2)
    assert window_start(date(2028, 2, 29), 5) == date(2023, 3, 1)


@pytest.mark.parametrize("happened, eligible", [
    (date(2022, 6, 1), True),   # exactly five years before: outside
    (date(2022, 6, 2), False),  # first day of the window
    (date(2027, 6, 1), False),  # the opening day itself
])
def test_a_recorded_violation_disqualifies_within_the_five_year_window_only(happened, eligible):
    rows = [JournalFact(1, date(2020, 1, 1), "title", {"status": "valid", "valid_until": "2030-01-01"}),
            violation(2, date(2027, 6, 1), happened)]
    c = judge(rows, date(2027, 6, 1)).condition("no_violation")
    assert (c.status is Status.MET) is eligible
    if not eligible:
        assert c.evidence[0].seq == 2 and c.evidence[0].on == happened and "环保处罚" in c.evidence[0].text


def test_a_violation_recorded_after_the_opening_date_is_not_read():
    rows = [JournalFact(1, date(2020, 1, 1), "title", {"status": "valid", "valid_until": "2030-01-01"}),
            violation(2, date(2027, 6, 2), date(2027, 5, 1))]
    assert judge(rows, date(2027, 6, 1)).condition("no_violation").status is Status.MET


def test_a_failed_reevaluation_within_five_years_disqualifies_even_after_rectification():
    d = designated()
    d.act(date(2031, 3, 1), "file_reevaluation", {}, APPLICANT)
    d.walk_procedure(date(2031, 3, 2), date(2031, 5, 20), new_cluster=False)
    d.meeting(date(2031, 6, 10), "refuse")
    d.act(date(2032, 3, 1), "file_rectification_review", {}, APPLICANT)
    d.walk_procedure(date(2032, 3, 2), date(2032, 5, 1), new_cluster=False)
    d.approve(date(2032, 6, 20))
    e = judge(d, date(2033, 1, 10))
    assert e.condition("title_valid").status is Status.MET
    c = e.condition("no_violation")
    assert c.status is Status.NOT_MET and c.evidence[0].text == "复评未通过" and c.evidence[0].on == date(2031, 6, 10)
    # and five years on, the window has passed it
    assert judge(d, date(2036, 6, 10)).condition("no_violation").status is Status.MET


def test_a_revocation_within_five_years_disqualifies():
    d = designated()
    d.act(date(2029, 1, 5), "revoke", {"reason": "重大安全生产事故"})
    c = judge(d, date(2030, 1, 5)).condition("no_violation")
    assert c.status is Status.NOT_MET and c.evidence[0].text == "称号被取消" and c.evidence[0].on == date(2029, 1, 5)


# ------------------------------------------------------------------ rank


def test_rank_beyond_five_fails_unless_a_written_exception_is_given():
    d = PureDriver()
    d.start("cultivation", date(2027, 1, 4), planned_years=1)
    d.act(date(2027, 3, 1), "file_application", application(), APPLICANT)
    start = date(2027, 3, 1)
    d.act(start, "record_opinion", {"text": "同意"}, ASSOCIATION)
    d.act(start, "accept_application", {}, SECRETARIAT)
    d.act(start + timedelta(days=2), "approve_site_visit", site_visit(start + timedelta(days=10)), LEADER)
    report = site_report(indicators={"output": {"value": 50, "rank": 7}, "exports": {"value": 9, "rank": 6}},
                         tier_exception_reason="出口排名")  # program 1's own tier exception
    d.act(start + timedelta(days=11), "record_site_report", report, LEAD_EXPERT)
    rows = facts(d)
    c = judge(rows, date(2027, 4, 1)).condition("national_rank")
    assert c.status is Status.NOT_MET and "第 6 名（exports）" in c.evidence[0].text
    c = judge(rows, date(2027, 4, 1), attestations=[Attestation("national_rank", "出口影响力居全国前列", "某协会")]).condition(
        "national_rank")
    assert c.status is Status.ATTESTED and "出口影响力居全国前列" in c.evidence[-1].text


def test_no_site_report_on_record_is_no_record_and_may_be_attested():
    rows = [JournalFact(1, date(2020, 1, 1), "title", {"status": "valid", "valid_until": "2030-01-01"})]
    c = judge(rows, date(2027, 6, 1)).condition("national_rank")
    assert c.status is Status.NOT_MET and c.evidence[0].text == "考评报告无记录" and c.evidence[0].seq is None
    c = judge(rows, date(2027, 6, 1), attestations=[Attestation("national_rank", "产量居全国第三（行业统计）")]).condition(
        "national_rank")
    assert c.status is Status.ATTESTED


def test_the_last_evaluation_counts_not_an_earlier_better_one():
    rows = [JournalFact(1, date(2020, 1, 1), "action", {"action": "record_site_report",
                                                        "report": {"indicators": {"output": {"value": 1, "rank": 2}}}}),
            JournalFact(2, date(2024, 1, 1), "action", {"action": "record_site_report",
                                                        "report": {"indicators": {"output": {"value": 1, "rank": 8}}}})]
    c = judge(rows, date(2027, 6, 1)).condition("national_rank")
    assert c.status is Status.NOT_MET and c.evidence[0].seq == 2


# ------------------------------------------------------------------ re-evaluation and annual reports


def test_a_late_reevaluation_filing_fails_on_time_with_its_evidence():
    d = designated()
    for y in (2027, 2028, 2029, 2030):
        d.act(date(y + 1, 4, 1), "submit_annual_report", annual_report(y), APPLICANT)
    d.act(date(2031, 4, 10), "file_reevaluation", {}, APPLICANT)  # due 2031-03-20
    c = judge(d, date(2031, 5, 1)).condition("reevaluation_on_time")
    assert c.status is Status.NOT_MET
    assert [(ev.text, ev.on) for ev in c.evidence] == [
        ("复评申请逾期（应于 2031-03-20 前提出）", date(2031, 3, 21)), ("复评申请逾期提出", date(2031, 4, 10))]


def test_a_reevaluation_filed_in_time_is_the_evidence_for_on_time():
    d = designated()
    d.act(date(2031, 3, 1), "file_reevaluation", {}, APPLICANT)
    c = judge(d, date(2031, 5, 1)).condition("reevaluation_on_time")
    assert c.status is Status.MET and c.evidence[0].text == "复评申请按时提出" and c.evidence[0].on == date(2031, 3, 1)


def test_a_missed_annual_report_fails_and_a_late_one_counts_as_filed():
    d = designated()
    d.advance(date(2028, 5, 2))
    assert judge(d, date(2028, 5, 2)).condition("annual_reports_filed").status is Status.NOT_MET
    d.act(date(2028, 6, 1), "submit_annual_report", annual_report(2027), APPLICANT)
    c = judge(d, date(2028, 6, 2)).condition("annual_reports_filed")
    assert c.status is Status.MET and c.evidence[0].text == "2027 年度报表已报送（逾期）"


def test_an_annual_report_due_on_the_opening_day_is_not_yet_owed():
    d = designated()
    c = judge(d, date(2028, 4, 30)).condition("annual_reports_filed")
    assert c.status is Status.MET and "尚无到期" in c.evidence[0].text


def test_the_platform_flag_never_blocks_and_outstanding_results_are_for_people():
    d = designated()
    e = judge(d, date(2027, 9, 1))
    assert e.condition("platform").status is Status.NOT_MET and not e.condition("platform").fails
    assert not e.condition("outstanding_results").fails and e.eligible


# ------------------------------------------------------------------ the violation record


def test_a_violation_needs_a_past_date_a_source_and_a_reason():
    v = check_violation({"date": "2027-05-01", "source": "市监局通报", "reason": "产品抽检不合格"}, date(2027, 6, 1))
    assert v.as_event_data() == {"date": "2027-05-01", "source": "市监局通报", "reason": "产品抽检不合格"}
    for data, code in [({"date": "2027-07-01", "source": "s", "reason": "r"}, "violation_date_invalid"),
                       ({"date": "2027-05-01", "reason": "r"}, "violation_source_missing"),
                       ({"date": "2027-05-01", "source": "s"}, "violation_reason_missing"),
                       ({"date": "昨天", "source": "s", "reason": "r"}, "invalid_date")]:
        with pytest.raises(DomainError) as e:
            check_violation(data, date(2027, 6, 1))
        assert e.value.code == code
