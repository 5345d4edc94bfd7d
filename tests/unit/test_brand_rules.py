"""Program 4's pure rules (RULES.md "Program 4"): batches and cut-offs, the quota, the
application's plan and attestations, the evaluation's texts and score maxima, "excellent", the
seven conditions with their evidence per industry, who sees and does what, and every label."""

from __future__ import annotations

from datetime import date

import pytest

from domain.brand import access, rules
from domain.brand.labels import ACTION_LABELS, STAGE_LABELS, describe_event
from domain.brand.machine import STAFF_ACTIONS, TABLE, Stage, may, roles_for
from domain.brand.policy import get_policy
from domain.errors import DomainError
from domain.roles import User
from service.brand import samples

P = get_policy()


@pytest.mark.parametrize("received, batch", [
    (date(2027, 4, 30), "2027-05"), (date(2027, 5, 1), "2027-10"), (date(2027, 9, 30), "2027-10"),
    (date(2027, 10, 1), "2028-05"), (date(2027, 1, 1), "2027-05"), (date(2027, 12, 31), "2028-05"),
])
def test_a_recommendation_goes_to_the_first_batch_whose_cut_off_it_meets(received, batch):
    assert rules.batch_for(P, received).batch_id == batch


def test_a_batch_is_held_in_its_month_after_the_end_of_the_month_before():
    b = rules.batch_by_id(P, "2028-05")
    assert (b.cutoff, b.month_end) == (date(2028, 4, 30), date(2028, 5, 31))
    with pytest.raises(DomainError) as e:
        rules.batch_by_id(P, "2028-06")
    assert e.value.code == "batch_unknown"


def test_the_quota_allows_three_a_province_a_year_and_refuses_a_fourth():
    rules.check_quota(P, "江西省", 2027, ["a", "b"], "c")
    rules.check_quota(P, "江西省", 2027, ["a", "b", "c"], "c")  # the same one again is not another
    with pytest.raises(DomainError) as e:
        rules.check_quota(P, "江西省", 2027, ["a", "b", "c"], "d")
    assert e.value.code == "province_quota_exceeded" and "a、b、c" in e.value.message


def app(**kw):
    return samples.application("集聚区", "江西省", "景德镇市", [samples.industry("陶瓷")], year=2026, **kw)


@pytest.mark.parametrize("years, ok", [(1, True), (3, True), (4, False), (0, False)])
def test_a_plan_runs_one_to_three_years(years, ok):
    data = app(plan_years=years)
    if ok:
        rules.check_application(P, data, date(2027, 3, 1))
    else:
        with pytest.raises(DomainError) as e:
            rules.check_application(P, data, date(2027, 3, 1))
        assert e.value.code == "plan_years_invalid"


def test_an_application_without_the_no_incident_attestation_or_with_old_figures_is_refused():
    data = app()
    data["eligibility"]["no_serious_incident"] = False
    with pytest.raises(DomainError) as e:
        rules.check_application(P, data, date(2027, 3, 1))
    assert e.value.code == "eligibility_not_attested"
    with pytest.raises(DomainError) as e:
        rules.check_application(P, app(), date(2028, 3, 1))
    assert e.value.code == "figures_year_invalid"
    data = app()
    data["plan"]["first_phase_months"] = 5
    with pytest.raises(DomainError) as e:
        rules.check_application(P, data, date(2027, 3, 1))
    assert e.value.code == "first_phase_invalid"


def test_each_industry_takes_its_own_indicators_or_the_regions():
    data = samples.application("集聚区", "江西省", "景德镇市",
                               [samples.industry("陶瓷", value_added_rate=25.0), samples.industry("茶叶")], year=2026,
                               value_added_rate=20.0)
    at = rules.application_indicators(data)
    assert at["陶瓷"]["value_added_rate"] == 25.0 and at["茶叶"]["value_added_rate"] == 20.0


def test_the_self_assessment_is_at_most_500_characters_and_the_experience_3000_to_5000():
    data = samples.evaluation({"陶瓷": samples.indicators(22, 35, 18, 23)})
    rules.check_evaluation_application(P, data)
    data["self_assessment"] = "字" * 501
    with pytest.raises(DomainError) as e:
        rules.check_evaluation_application(P, data)
    assert e.value.code == "self_assessment_too_long"
    data = samples.evaluation({"陶瓷": samples.indicators(22, 35, 18, 23)})
    data["experience"]["experience"] = "短"
    with pytest.raises(DomainError) as e:
        rules.check_evaluation_application(P, data)
    assert e.value.code == "experience_length_invalid" and "3000–5000" in e.value.message
    data = samples.evaluation({"陶瓷": samples.indicators(22, 35, 18, 23)})
    data["pledge"]["share"] = False
    with pytest.raises(DomainError) as e:
        rules.check_evaluation_application(P, data)
    assert e.value.code == "pledge_incomplete"


def test_a_part_over_its_maximum_is_refused_and_the_total_is_the_sum():
    assert rules.check_scores(P, "material", samples.MATERIAL_EXCELLENT["scores"]) == 90
    with pytest.raises(DomainError) as e:
        rules.check_scores(P, "defence", {"innovation": 31, "leadership": 20, "transferability": 10, "sharing": 10})
    assert e.value.code == "score_part_over_max" and "创新性" in e.value.message
    assert [p.max_points for p in P.material_parts] == [40, 20, 20, 10, 10]
    assert [p.max_points for p in P.defence_parts] == [30, 30, 20, 20]


@pytest.mark.parametrize("material, defence, excellent", [(85, 85, True), (84.5, 95, False), (90, 84, False),
                                                           (None, 90, False)])
def test_excellent_means_both_reviews_at_85_or_more(material, defence, excellent):
    assert rules.is_excellent(P, material, defence) is excellent


def decide(now: dict, conditions: dict | None = None, material=90, defence=90):
    at = {"陶瓷": {"value_added_rate": 20, "own_brand_share": 30, "new_product_rate": 15, "intl_standard_share": 20}}
    c = samples.evaluation({"陶瓷": now})["conditions"]
    c.update(conditions or {})
    return rules.decide_title(P, ["陶瓷"], at, c, material, defence)[0]


def test_rises_of_exactly_the_required_points_meet_condition_seven():
    d = decide(samples.indicators(22, 35, 18, 23, 30))
    assert d.granted and d.title == "产业集群区域品牌建设示范区（陶瓷）"
    assert all(c.met for c in d.conditions) and len(d.conditions) == 1 + 6 + 5


def test_a_rise_of_one_point_of_value_added_rate_fails_that_condition_alone():
    d = decide(samples.indicators(21, 35, 18, 23, 30))
    assert not d.granted
    assert [c.code for c in d.failed] == ["indicator_value_added_rate"]
    assert d.failed[0].evidence == "申报时 20%，现 21%，提高 1 个百分点"


def test_brand_system_share_below_30_percent_and_training_below_90_percent_are_named():
    d = decide(samples.indicators(22, 35, 18, 23, 29.9), {"firms_trained": 179})
    assert [c.code for c in d.failed] == ["coverage", "indicator_brand_system_working_share"]
    assert "参加培训 179 家（89.5%）" in next(c for c in d.failed if c.code == "coverage").evidence


def test_one_promotion_activity_and_no_monitoring_fail_their_conditions_and_a_good_grade_is_not_enough():
    d = decide(samples.indicators(22, 35, 18, 23), {"promotion_activities": ["巡展"], "opinion_monitoring": False},
               defence=80)
    assert [c.code for c in d.failed] == ["excellent", "monitoring", "promotion"]


def test_the_table_moves_nothing_it_does_not_name():
    assert may("recommend", Stage.SEALED) and not may("recommend", Stage.APPLIED)
    assert not may("decide_title", Stage.PILOT) and not may("apply_evaluation", Stage.RECOMMENDED)
    assert roles_for("seal_application", Stage.APPLIED) == ("local_government",)
    assert set(roles_for("record_material_review", Stage.MATERIAL_REVIEW)) == {"expert", "miit_reviewer"}
    assert all(s.value in STAGE_LABELS for s in Stage)
    assert all(r.trigger in ACTION_LABELS for r in TABLE) and set(STAFF_ACTIONS) <= set(ACTION_LABELS)


def test_each_role_sees_its_own_pilots():
    p = access.PilotFacts("k1", "江西省", "景德镇市", "", "other_agglomeration", ("王评审",))
    assert access.sees(User("a", "implementing_body", "体", clusters=("k1",)), p)
    assert not access.sees(User("a", "implementing_body", "体", clusters=("k2",)), p)
    assert access.sees(User("c", "local_government", "市", cities=("景德镇市",)), p)
    assert access.sees(User("p", "province_department", "厅", provinces=("江西省",)), p)
    assert not access.sees(User("p", "province_department", "厅", provinces=("湖南省",)), p)
    assert access.sees(User("e", "expert", "王评审"), p) and not access.sees(User("e", "expert", "李评审"), p)
    assert access.sees(User("m", "miit_reviewer", "部"), p) and access.sees(User("x", "auditor", "审"), p)
    assert not access.sees(User("s", "secretariat", "秘书处"), p)


def test_a_city_government_that_applied_itself_acts_as_the_implementing_body():
    p = access.PilotFacts("k1", "江西省", "景德镇市", "", "local_government")
    city = User("c", "local_government", "市", cities=("景德镇市",))
    access.check_act(city, "submit_summary", p, ("implementing_body",))
    assert access.acting_role(city, p) == "implementing_body"
    other = access.PilotFacts("k1", "江西省", "景德镇市", "", "other_agglomeration")
    with pytest.raises(DomainError) as e:
        access.check_act(city, "submit_summary", other, ("implementing_body",))
    assert e.value.code == "role_not_allowed"


def test_every_journal_event_reads_in_chinese():
    line = describe_event("batch", {"batch_id": "2027-10", "decision": "approve"})
    assert line == "2027-10 批次：批准为试点"
    assert describe_event("stage", {"from": "sealed", "to": "recommended"}) == \
        "市县已盖章（待省级审查推荐） → 省级已推荐（待工业和信息化部批次评审）"
