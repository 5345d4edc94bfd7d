"""附件三 (the application tables) and 附件四 (the full site report) in the domain: the year
columns follow the procedure and today, the tables are checked, a re-evaluation's report
compares with the previous evaluation from the tables and lists the annual reports since."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.cnlic.annex3 import EVALUATION_YEAR, check_annex3, table2_years
from domain.errors import DomainError
from domain.cnlic.policy import get_policy
from domain.cnlic.site_report import annual_reports_since
from tests.annexes import annex3, annex4
from tests.support import APPLICANT, ASSOCIATION, LEAD_EXPERT, LEADER, SECRETARIAT, PureDriver, annual_report, \
    application, site_report, site_visit

POLICY = get_policy()


def test_a_new_application_fills_the_last_three_years():
    assert table2_years("designation", date(2027, 3, 1)) == (2024, 2025, 2026)
    assert table2_years("title_change", date(2027, 3, 1), evaluation_year=2020) == (2024, 2025, 2026)


def test_a_reevaluation_fills_the_year_of_the_last_evaluation_and_the_last_two_years():
    assert table2_years("reevaluation", date(2031, 9, 1), evaluation_year=2026) == (2026, 2029, 2030)
    assert table2_years("rectification_review", date(2032, 9, 1), evaluation_year=2026) == (2026, 2030, 2031)
    # the evaluation's year among the last three (or unknown): the last three years
    assert table2_years("reevaluation", date(2029, 3, 1), evaluation_year=2026) == (2026, 2027, 2028)
    assert table2_years("reevaluation", date(2031, 9, 1), evaluation_year=None) == (2028, 2029, 2030)


def test_annex3_years_typed_against_the_procedure_are_refused_with_the_expected_years():
    with pytest.raises(DomainError) as e:
        check_annex3(annex3(years=[2023, 2024, 2025]), "designation", date(2027, 3, 1))
    assert e.value.code == "annex3_years_mismatch" and "2024、2025、2026" in e.value.message
    ok = check_annex3(annex3(years=[2024, 2025, 2026]), "designation", date(2027, 3, 1))
    assert ok.years == (2024, 2025, 2026)
    assert ok.figures()["2026"] == {"value": 121, "sales": 108.9, "exports": 6000, "firms": 340, "employees": 25000}


def test_annex3_tables_missing_a_required_cell_name_the_row_and_year():
    with pytest.raises(DomainError) as e:
        check_annex3(annex3(sales={"year1": 1, "year2": 2}), "designation", date(2027, 3, 1))
    assert e.value.code == "annex3_missing" and "特色产品销售额" in e.value.message and "2026" in e.value.message
    data = annex3()
    del data["table1"]["gdp"]
    with pytest.raises(DomainError, match="国内生产总值"):
        check_annex3(data, "designation", date(2027, 3, 1))
    data = annex3(output_share={"year1": 30, "year2": 31, "year3": 130})
    with pytest.raises(DomainError, match="0–100"):
        check_annex3(data, "designation", date(2027, 3, 1))
    data = annex3()
    data["firms"] = []
    with pytest.raises(DomainError, match="表四"):
        check_annex3(data, "designation", date(2027, 3, 1))


def test_annual_reports_filed_and_missing_since_the_evaluation():
    reports = {"2027": {"filed_on": "2028-04-01", "late": False}, "2029": {"filed_on": "2030-06-01", "late": True}}
    r = annual_reports_since(POLICY, date(2027, 7, 1), reports, date(2031, 9, 1))
    assert r.filed == (2027, 2029) and r.late == (2029,) and r.missing == (2028, 2030)
    # before 30 April the last year's report is not yet due
    assert annual_reports_since(POLICY, date(2027, 7, 1), reports, date(2031, 4, 30)).missing == (2028,)


def _designated_with_tables() -> PureDriver:
    d = PureDriver()
    d.start("cultivation", date(2026, 6, 1))
    d.act(date(2027, 3, 1), "file_application", {**application(), "annex3": annex3()}, APPLICANT)
    start = date(2027, 3, 1)
    d.act(start, "record_opinion", {"text": "同意"}, ASSOCIATION)
    d.act(start, "accept_application", {}, SECRETARIAT)
    d.act(start + timedelta(days=2), "approve_site_visit", site_visit(start + timedelta(days=10)), LEADER)
    visit = (start + timedelta(days=10)).isoformat()
    report = site_report(True, indicators={"output": {"value": 5, "rank": 1}, "value": {"rank": 1}},
                         **annex4(visited_on=visit, signed_on=(start + timedelta(days=11)).isoformat()))
    del report["findings"]
    out = d.act(start + timedelta(days=11), "record_site_report", report, LEAD_EXPERT)
    action = next(e for e in out.events if e.kind == "action")
    assert action.data["annex4"]["panel"][0] == {"name": "李专家", "role": "leader"}
    assert action.data["annex4"]["signatures"]["names"][0] == "李专家"
    d.act(start + timedelta(days=20), "record_formal_opinion", {"recommend": True}, ASSOCIATION)
    d.act(date(2027, 6, 10), "complete_formal_review", {}, SECRETARIAT)
    d.approve(date(2027, 6, 20))
    return d


def test_the_evaluation_keeps_the_figures_of_its_tables_latest_year():
    d = _designated_with_tables()
    assert d.state.evaluation_indicators[EVALUATION_YEAR] == 2026
    assert d.state.evaluation_indicators["value"] == 121 and d.state.evaluation_indicators["firms"] == 340
    assert "table1" not in str(d.state.application)  # the state keeps figures, not the tables


def test_a_reevaluation_compares_each_indicator_with_the_previous_evaluation_from_the_tables():
    d = _designated_with_tables()
    d.act(date(2028, 4, 1), "submit_annual_report", annual_report(2027), APPLICANT)
    on = date(2031, 2, 1)
    with pytest.raises(DomainError) as e:  # a new application's columns are not a re-evaluation's
        d.act(on, "file_reevaluation", {"annex3": annex3(years=[2028, 2029, 2030])}, APPLICANT)
    assert e.value.code == "annex3_years_mismatch" and "2026、2029、2030" in e.value.message
    d.act(on, "file_reevaluation", {"annex3": annex3(years=[2026, 2029, 2030], total_output={
        "year1": 121, "year2": 140, "year3": 151.25}, firms={"year1": 340, "year2": 380, "year3": 425})}, APPLICANT)
    d.act(on, "record_opinion", {"text": "同意"}, ASSOCIATION)
    d.act(on, "accept_application", {}, SECRETARIAT)
    d.act(on + timedelta(days=2), "approve_site_visit", site_visit(on + timedelta(days=10)), LEADER)
    report = site_report(False, indicators={}, **annex4(visited_on=(on + timedelta(days=10)).isoformat()))
    del report["findings"]
    out = d.act(on + timedelta(days=11), "record_site_report", report, LEAD_EXPERT)
    action = next(e for e in out.events if e.kind == "action")
    comparisons = {c["indicator"]: c for c in action.data["report"]["comparisons"]}
    assert comparisons["value"]["previous"] == 121 and comparisons["value"]["current"] == 151.25
    assert comparisons["value"]["change_pct"] == 25.0
    assert comparisons["firms"]["change_pct"] == 25.0
    assert action.data["annex4"]["compared_years"] == {"previous": 2026, "current": 2030}
    assert action.data["annex4"]["annual_reports"] == {"filed": [2027], "late": [], "missing": [2028, 2029]}


def test_a_site_report_needs_four_opinions_each_with_its_text():
    d = _designated_with_tables()
    on = date(2031, 2, 1)
    d.act(on, "file_reevaluation", {"annex3": annex3(years=[2026, 2029, 2030])}, APPLICANT)
    d.act(on, "record_opinion", {"text": "同意"}, ASSOCIATION)
    d.act(on, "accept_application", {}, SECRETARIAT)
    d.act(on + timedelta(days=2), "approve_site_visit", site_visit(on + timedelta(days=10)), LEADER)
    sections = annex4()
    report = {**site_report(False, indicators={}), **sections}
    del report["findings"]
    report["opinions"] = sections["opinions"][:3]
    with pytest.raises(DomainError) as e:
        d.act(on + timedelta(days=11), "record_site_report", report, LEAD_EXPERT)
    assert e.value.code == "report_too_few_findings"
    report["opinions"] = sections["opinions"][:3] + [{"title": "绿色发展", "text": ""}]
    with pytest.raises(DomainError) as e:
        d.act(on + timedelta(days=11), "record_site_report", report, LEAD_EXPERT)
    assert e.value.code == "report_opinion_without_text"
    report["opinions"] = sections["opinions"]
    report["recommendations"] = report["recommendations"][:3]
    with pytest.raises(DomainError) as e:
        d.act(on + timedelta(days=11), "record_site_report", report, LEAD_EXPERT)
    assert e.value.code == "report_too_few_recommendations"
    report["recommendations"] = site_report()["recommendations"]
    report["leader"] = "专家2"
    with pytest.raises(DomainError) as e:
        d.act(on + timedelta(days=11), "record_site_report", report, LEAD_EXPERT)
    assert e.value.code == "report_panel_unknown"


def test_old_data_without_tables_or_sections_is_still_accepted():
    d = PureDriver()
    d.start("cultivation", date(2026, 6, 1))
    d.designate()
    assert "annex3" not in (d.state.application or {})
    assert EVALUATION_YEAR not in d.state.evaluation_indicators
