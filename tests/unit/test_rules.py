"""Rule checks: routes and opinions, history, one lifecycle per region and industry, the
expert panel, the site report, names, annual reports and re-evaluation comparisons."""

from datetime import date

import pytest

from domain.errors import DomainError
from domain.cnlic.lifecycle import profile_from_dict
from domain.cnlic.policy import CNLIC_2022 as POLICY
from domain.cnlic.rules import (
    check_annual_report,
    check_application,
    check_panel,
    check_site_report,
    check_unique_lifecycle,
    compare_indicators,
    compose_title,
)
from tests.support import annual_report, application, cluster, panel, site_report

TODAY = date(2027, 3, 1)


def code_of(fn, *args, **kwargs) -> str:
    with pytest.raises(DomainError) as e:
        fn(*args, **kwargs)
    assert e.value.message and "\n" not in e.value.message
    return e.value.code


@pytest.mark.parametrize("route, bodies", [
    ("association", ["中国陶瓷工业协会"]),
    ("provincial", ["广东省轻工业联合会"]),
    ("association_and_provincial", ["中国陶瓷工业协会", "广东省轻工业联合会"]),
    ("cnlic_only", []),
])
def test_each_of_the_four_routes_is_accepted_with_the_bodies_it_names(route, bodies):
    app = check_application(POLICY, application(route=route, bodies=bodies))
    assert app.route == route and [b.name for b in app.bodies] == bodies


@pytest.mark.parametrize("route, bodies, code", [
    ("association", [], "route_bodies_mismatch"),
    ("provincial", ["中国陶瓷工业协会"], "route_bodies_mismatch"),
    ("association_and_provincial", ["中国陶瓷工业协会"], "route_bodies_mismatch"),
    ("cnlic_only", ["中国陶瓷工业协会"], "route_bodies_mismatch"),
    ("by_post", [], "route_unknown"),
])
def test_bodies_must_match_the_route(route, bodies, code):
    assert code_of(check_application, POLICY, application(route=route, bodies=bodies)) == code


def test_industry_history_of_at_least_five_years_is_required():
    assert code_of(check_application, POLICY, application(industry_history_years=4)) == "industry_history_too_short"
    assert code_of(check_application, POLICY, application(industry_history_years=None)) == "industry_history_missing"
    check_application(POLICY, application(industry_history_years=5))


def test_itemised_attachments_must_include_the_report_tables_and_plan():
    assert code_of(check_application, POLICY, application(attachments=["申请报告"])) == "attachments_incomplete"
    app = check_application(POLICY, application(attachments=["申请报告", "基本情况表", "发展规划", "照片"]))
    assert app.attachments_itemised


def test_a_second_live_lifecycle_for_the_same_region_and_industry_needs_a_leader_override():
    live = [("ceramics", "440604", "陶瓷")]
    assert code_of(check_unique_lifecycle, POLICY, "new", "440604", "陶瓷", live) == "duplicate_lifecycle"
    assert check_unique_lifecycle(POLICY, "new", "440604", "家具", live) is None
    assert check_unique_lifecycle(POLICY, "ceramics", "440604", "陶瓷", live) is None
    override = {"by": {"role": "leader", "name": "张会长"}, "reason": "两个园区分属不同产品"}
    assert check_unique_lifecycle(POLICY, "new", "440604", "陶瓷", live, override) == "两个园区分属不同产品"
    assert code_of(check_unique_lifecycle, POLICY, "new", "440604", "陶瓷", live,
                   {"by": {"role": "secretariat"}, "reason": "x"}) == "override_not_leader"
    assert code_of(check_unique_lifecycle, POLICY, "new", "440604", "陶瓷", live,
                   {"by": {"role": "leader"}, "reason": " "}) == "override_reason_missing"


def test_a_valid_panel_is_accepted():
    members, visit = check_panel(POLICY, panel(), "440604", "2027-03-10", TODAY)
    assert len(members) == 5 and visit == date(2027, 3, 10)


@pytest.mark.parametrize("members, code", [
    (panel(size=4), "panel_too_small"),
    (panel(senior=2), "panel_too_few_senior"),
    (panel(region_code="440605"), "panel_conflict_of_interest"),
    (panel()[:4] + [{"name": "x", "senior": False, "field": "marketing"}], "panel_field_unknown"),
    (panel()[:4] + [dict(panel()[0], lead=False)], "panel_duplicate_member"),
])
def test_panel_rules(members, code):
    assert code_of(check_panel, POLICY, members, "440604", "2027-03-10", TODAY) == code


def test_panel_fields_may_be_given_in_chinese():
    members = panel()
    members[1]["field"] = "环保"
    check_panel(POLICY, members, "440604", "2027-03-10", TODAY)


def test_a_visit_cannot_be_planned_in_the_past():
    assert code_of(check_panel, POLICY, panel(), "440604", "2027-02-28", TODAY) == "visit_date_in_past"


def test_site_report_needs_four_findings_four_recommendations_and_a_rank_for_a_new_cluster():
    report = check_site_report(POLICY, site_report(), tier="capital", new_cluster=True, previous_indicators=None)
    assert report.best_rank == 1 and report.score.passed
    assert code_of(check_site_report, POLICY, site_report(findings=["a", "b", "c"]), tier="capital",
                   new_cluster=True, previous_indicators=None) == "report_too_few_findings"
    assert code_of(check_site_report, POLICY, site_report(recommendations=["a"]), tier="capital",
                   new_cluster=True, previous_indicators=None) == "report_too_few_recommendations"
    assert code_of(check_site_report, POLICY, site_report(indicators={"output": 5}), tier="capital",
                   new_cluster=True, previous_indicators=None) == "report_missing_rank"


def test_a_rank_outside_the_tier_needs_a_stated_exception():
    data = site_report(indicators={"sales": {"value": 10, "rank": 5}})
    assert code_of(check_site_report, POLICY, data, tier="capital", new_cluster=True,
                   previous_indicators=None) == "rank_exceeds_tier"
    check_site_report(POLICY, data, tier="base", new_cluster=True, previous_indicators=None)
    data["tier_exception_reason"] = "出口居全国前3"
    check_site_report(POLICY, data, tier="capital", new_cluster=True, previous_indicators=None)


def test_a_reevaluation_report_compares_each_indicator_with_the_previous_evaluation():
    report = check_site_report(POLICY, site_report(new_cluster=False), tier="capital", new_cluster=False,
                               previous_indicators={"output": 120, "value": 800, "firms": 500})
    changes = {c.indicator: c.change_pct for c in report.comparisons}
    assert changes == {"output": 25.0, "value": 20.0, "firms": -20.0}
    assert code_of(check_site_report, POLICY, site_report(new_cluster=False), tier="capital", new_cluster=False,
                   previous_indicators={}) == "report_missing_comparison"


def test_a_bad_score_sheet_inside_a_report_is_refused():
    data = site_report(score_sheet={"part1_met": 9, "part1": 50, "part2_first5_met": 5, "part2_vetoes_clear": True,
                                    "part2": 18, "part3": 9, "part4": 9, "total": 86})
    assert code_of(check_site_report, POLICY, data, tier="capital", new_cluster=True,
                   previous_indicators=None) == "score_band_part1"


def test_compare_indicators_skips_a_zero_base():
    (c,) = compare_indicators({"exports": 0}, {"exports": 10}, ["exports"])
    assert c.change_pct is None


@pytest.mark.parametrize("changes, title", [
    ({}, "中国陶瓷之都·佛山"),
    ({"tier": "base", "title_word": "城"}, "中国陶瓷城·佛山"),
    ({"tier": "base", "elements": ["智能"]}, "中国陶瓷智能基地·佛山"),
    ({"tier": "town", "title_word": "镇", "region": {"province": "广东省", "county": "伦教街道", "code": "440606"}},
     "中国陶瓷镇·伦教"),
])
def test_titles_are_composed_from_tier_product_elements_and_region(changes, title):
    assert compose_title(POLICY, profile_from_dict(cluster(**changes))) == title


@pytest.mark.parametrize("changes, code", [
    ({"tier": "capital", "title_word": "镇"}, "title_word_tier_mismatch"),
    ({"elements": ["豪华"]}, "title_element_unknown"),
    ({"product": " "}, "title_product_missing"),
    ({"tier": "village"}, "tier_unknown"),
])
def test_bad_titles_are_refused(changes, code):
    assert code_of(compose_title, POLICY, profile_from_dict(cluster(**changes))) == code


def test_annual_report_computes_year_on_year_growth():
    report = check_annual_report(POLICY, annual_report(2027, revenue=1100), {"revenue": 1000, "firms": 300})
    assert report.growth["revenue"] == 10.0 and report.growth["firms"] == 0.0
    assert report.growth["employees"] is None  # no base last year


@pytest.mark.parametrize("changes, code", [
    ({"turnover": 5}, "indicator_unknown"),
    ({"revenue": None}, "indicator_missing"),
    ({"union_share": 120}, "indicator_invalid"),
    ({"exports": -3}, "indicator_invalid"),
    ({"firms": 2.5}, "indicator_invalid"),
])
def test_annual_report_indicators_are_checked(changes, code):
    assert code_of(check_annual_report, POLICY, annual_report(2027, **changes)) == code


def test_a_loss_is_a_negative_profit():
    report = check_annual_report(POLICY, annual_report(2027, profit=-50))
    assert report.indicators["profit"] == -50
