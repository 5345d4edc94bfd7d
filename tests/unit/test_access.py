"""Who may see and do what (domain.cnlic.access): pure, no store, no Temporal."""

import pytest

from domain.cnlic.access import ClusterFacts, User, actions_for, check_action, check_new_user, in_scope, scope_of
from domain.errors import DomainError

CERAMICS = ClusterFacts("ceramics", "陶瓷", "广东省", panel=("李专家", "王专家"), panel_leads=("李专家",))
PAPER = ClusterFacts("paper", "造纸", "浙江省")

SECRETARIAT = User("sec", "secretariat", "综合业务部")
LEADER = User("lead", "leader", "张会长")
AUDITOR = User("aud", "auditor", "审计")
ASSOCIATION = User("assoc", "association", "中国陶瓷工业协会", industries=("陶瓷",))
PROVINCIAL = User("prov", "provincial", "浙江省轻工业联合会", provinces=("浙江省",))
LEAD_EXPERT = User("li", "expert", "李专家")
EXPERT = User("wang", "expert", "王专家")
APPLICANT = User("app", "applicant", "禅城区人民政府", clusters=("ceramics",))


@pytest.mark.parametrize("user, sees", [
    (SECRETARIAT, {"ceramics", "paper"}),
    (LEADER, {"ceramics", "paper"}),
    (AUDITOR, {"ceramics", "paper"}),
    (ASSOCIATION, {"ceramics"}),
    (PROVINCIAL, {"paper"}),
    (LEAD_EXPERT, {"ceramics"}),
    (APPLICANT, {"ceramics"}),
    (User("x", "expert", "赵专家"), set()),
])
def test_each_role_sees_the_clusters_of_its_scope(user, sees):
    assert {f.key for f in (CERAMICS, PAPER) if in_scope(user, f)} == sees


def test_an_auditor_may_act_on_nothing():
    with pytest.raises(DomainError) as e:
        check_action(AUDITOR, "accept_application", CERAMICS)
    assert e.value.code == "read_only"


def test_a_role_the_rules_do_not_name_is_refused_before_scope_is_considered():
    with pytest.raises(DomainError) as e:
        check_action(ASSOCIATION, "accept_application", CERAMICS)
    assert e.value.code == "role_not_allowed" and "综合业务部（秘书处）" in e.value.message


def test_the_right_role_outside_its_scope_is_refused():
    with pytest.raises(DomainError) as e:
        check_action(ASSOCIATION, "record_opinion", PAPER)
    assert e.value.code == "out_of_scope"
    check_action(ASSOCIATION, "record_opinion", CERAMICS)
    check_action(SECRETARIAT, "hold_meeting", None)


def test_only_the_panel_lead_is_offered_the_site_report_and_only_an_owed_body_the_opinion():
    allowed = {"expert": ["record_site_report"], "association": ["record_opinion", "record_formal_opinion"]}
    assert actions_for(LEAD_EXPERT, CERAMICS, allowed) == ["record_site_report"]
    assert actions_for(EXPERT, CERAMICS, allowed) == []
    assert actions_for(ASSOCIATION, CERAMICS, allowed, outstanding_opinions=["中国陶瓷工业协会"]) == [
        "record_opinion", "record_formal_opinion"]
    assert actions_for(ASSOCIATION, CERAMICS, allowed, outstanding_opinions=[]) == ["record_formal_opinion"]
    assert actions_for(AUDITOR, CERAMICS, {"auditor": ["revoke"]}) == []


def test_a_scope_is_described_for_queries():
    assert scope_of(SECRETARIAT).everything
    assert scope_of(LEAD_EXPERT).panel_member == "李专家" and not scope_of(LEAD_EXPERT).everything
    assert scope_of(User("x", "association", "无行业协会")).empty


@pytest.mark.parametrize("args, code", [
    (("bad name!", "secretariat", "综合业务部"), "invalid_username"),
    (("ok", "king", "国王"), "invalid_role"),
    (("ok", "secretariat", " "), "invalid_name"),
    (("ok", "association", "协会"), "scope_missing"),
    (("ok", "applicant", "县政府"), "scope_missing"),
])
def test_a_new_user_needs_a_valid_name_role_and_the_scope_its_role_needs(args, code):
    with pytest.raises(DomainError) as e:
        check_new_user(*args)
    assert e.value.code == code


def test_temporals_unprocessed_update_is_a_retryable_unavailability_not_a_rule():
    from temporalio.exceptions import ApplicationError

    from console.errors import status_for
    from service.cnlic.lifecycle import _unprocessed, domain_error_from

    e = RuntimeError("update failed")
    e.__cause__ = ApplicationError("Workflow Update is rejected because it wasn't processed by worker",
                                   type="UnprocessedUpdate")
    assert _unprocessed(e)
    error = domain_error_from(e)
    assert error.code == "temporal_unavailable" and status_for(error.code) == 503
    rule = RuntimeError("refused")
    rule.__cause__ = ApplicationError("专家组人数不足", type="panel_too_small")
    assert not _unprocessed(rule) and domain_error_from(rule).code == "panel_too_small"
