"""Onboarding an existing title starts its clocks from today's true position and keeps the
figures of its last evaluation (issue 10); who may start which kind of lifecycle."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import DomainError
from domain.cnlic.starts import check_may_start
from tests.support import PureDriver, site_report

FIGURES = {"evaluated_on": "2023-03-10", "national_rank": 2, "indicators": {"output": 100.0, "value": 800.0}}


def onboard(conferred: date, today: date, **kw) -> PureDriver:
    d = PureDriver()
    d.today = today
    figures = {**FIGURES, "evaluated_on": None} if conferred.isoformat() < FIGURES["evaluated_on"] else FIGURES
    d.start("designated", conferred, document_number="中轻联综合〔2023〕88号", evaluation=figures, **kw)
    return d


def test_a_title_conferred_in_june_2023_onboarded_in_november_2026_owes_only_the_2026_report():
    d = onboard(date(2023, 6, 1), date(2026, 11, 15))
    reports = {k: x.due for k, x in d.state.deadlines.items() if x.what == "annual_report"}
    assert reports == {"annual_report:2026": date(2027, 4, 30)}
    assert d.state.deadlines["expiry"].due == date(2027, 5, 31)
    assert d.state.deadlines["reevaluation_application"].due == date(2027, 3, 1)
    assert d.state.stage == "designated" and d.state.title_status == "valid"


def test_onboarding_before_the_april_deadline_owes_last_years_report():
    d = onboard(date(2023, 6, 1), date(2026, 3, 2))
    assert [k for k, x in d.state.deadlines.items() if x.what == "annual_report"] == ["annual_report:2025"]


def test_onboarding_past_the_reevaluation_due_date_flags_it_overdue_at_once():
    d = onboard(date(2023, 6, 1), date(2027, 4, 1))
    assert d.state.deadlines["reevaluation_application"].overdue_since == date(2027, 4, 1)
    assert d.state.stage == "designated"


def test_an_expired_title_lands_in_expired_with_its_expiry_date():
    d = onboard(date(2020, 6, 1), date(2026, 11, 15))
    assert d.state.stage == "expired" and d.state.expired_on == date(2024, 6, 1)
    assert d.lc.overdue_revocation_due(2026)  # more than two years past: the next recognition revokes it


def test_the_registration_event_records_the_document_number_and_last_evaluation():
    d = onboard(date(2023, 6, 1), date(2026, 11, 15))
    registered = d.events[0]
    assert registered.kind == "registered"
    assert registered.data["start"]["document_number"] == "中轻联综合〔2023〕88号"
    assert registered.data["start"]["evaluation"] == FIGURES
    assert d.state.evaluation_indicators == {"output": 100.0, "value": 800.0}


def test_a_reevaluation_after_onboarding_compares_with_the_onboarded_figures():
    d = onboard(date(2023, 6, 1), date(2026, 11, 15))
    d.act(date(2026, 12, 1), "file_reevaluation", {"route": "association", "bodies": ["中国陶瓷工业协会"],
                                                   "industry_history_years": 30})
    d.act(date(2026, 12, 1), "record_opinion", {"text": "同意"})
    d.act(date(2026, 12, 1), "accept_application", {})
    from tests.support import site_visit

    d.act(date(2026, 12, 3), "approve_site_visit", site_visit(date(2026, 12, 10)))
    out = d.act(date(2026, 12, 11), "record_site_report", site_report(new_cluster=False))
    comparisons = out.events[0].data["report"]["comparisons"]
    assert {c["indicator"]: c["previous"] for c in comparisons} == {"output": 100.0, "value": 800.0}


def test_an_evaluation_after_the_conferral_or_without_figures_is_refused():
    d = PureDriver()
    d.today = date(2026, 11, 15)
    with pytest.raises(DomainError) as e:
        d.start("designated", date(2023, 6, 1), evaluation={**FIGURES, "evaluated_on": "2023-07-01"})
    assert e.value.code == "invalid_date"
    with pytest.raises(DomainError) as e:
        PureDriver().start("designated", date(2023, 6, 1), evaluation={"national_rank": 1})
    assert e.value.code == "evaluation_figures_missing"


@pytest.mark.parametrize("role, kind, industry, code", [
    ("secretariat", "onboarding", "陶瓷", None),
    ("association", "cultivation", "陶瓷", None),
    ("association", "cultivation", "家具", "out_of_scope"),
    ("association", "application", "陶瓷", "role_not_allowed"),
    ("applicant", "application", "陶瓷", "role_not_allowed"),
    ("auditor", "cultivation", "陶瓷", "read_only"),
])
def test_who_may_start_what(role, kind, industry, code):
    if code is None:
        check_may_start(role, ("陶瓷",), kind, industry)
        return
    with pytest.raises(DomainError) as e:
        check_may_start(role, ("陶瓷",), kind, industry)
    assert e.value.code == code
