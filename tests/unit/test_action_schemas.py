"""Each staff action's schema (service.cnlic.actions) takes the data the domain takes — the valid
data of every action in tests/support.py, the demo set and the example scenarios — and refuses
bad shapes in one Chinese line naming the field, with the rule's code where a rule owns it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain import yamlfmt
from domain.errors import DomainError
from domain.cnlic.machine import ACTIONS
from service.cnlic import demo
from service.cnlic.actions import ACTION_SCHEMAS, checked, parse_action
from tests import support as s
from tests.annexes import annex3

ROOT = Path(__file__).resolve().parents[2]

VALID = {
    "file_application": {**s.application(), "annex3": annex3()},
    "record_opinion": {"text": "同意", "recommend": True},
    "accept_application": {},
    "approve_site_visit": s.site_visit(date(2027, 3, 10)),
    "record_site_report": s.site_report(),
    "record_formal_opinion": {"recommend": True},
    "request_supplement": {"items": ["产业发展规划"]},
    "submit_supplement": {"items": ["产业发展规划"]},
    "complete_formal_review": {},
    "submit_annual_report": s.annual_report(2027),
    "file_reevaluation": {"annex3": annex3()},
    "file_rectification_review": {"annex3": annex3()},
    "file_title_change": {"tier": "base", "annex3": annex3()},
    "revoke": {"reason": "重大质量事故"},
    "withdraw": {"reason": "暂不申请"},
    "hold_meeting": {"decisions": {"ceramics": "approve"}, "held_on": "2027-06-20"},
}


def test_every_staff_action_has_its_own_schema_with_chinese_titles_on_every_field():
    assert set(ACTION_SCHEMAS) == set(ACTIONS)
    assert len({m.__name__ for m in ACTION_SCHEMAS.values()}) == len(ACTIONS)
    for action, model in ACTION_SCHEMAS.items():
        assert model.__doc__, action
        for name, f in model.model_fields.items():
            assert f.title and any("\u4e00" <= ch <= "\u9fff" for ch in f.title), (action, name)


@pytest.mark.parametrize("action", sorted(VALID))
def test_the_valid_data_of_every_action_passes_its_schema_unchanged_in_meaning(action):
    assert checked(action, VALID[action]) == yamlfmt_plain(VALID[action])


def yamlfmt_plain(data):
    import json
    return json.loads(json.dumps(data, default=str), parse_float=float, parse_int=int)


def test_the_demo_sets_panel_and_report_and_a_reevaluations_report_pass():
    checked("approve_site_visit", {"visit_on": "2027-01-10", "panel": demo.PANEL})
    checked("record_site_report", demo.REPORT)
    checked("record_site_report", s.site_report(new_cluster=False))


def test_every_action_in_the_example_scenarios_passes_its_schema():
    seen = 0
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        doc = yamlfmt.load(path.read_text(encoding="utf-8"), str(path), aliases=True)
        for step in doc.get("steps", []) if isinstance(doc, dict) else []:
            if isinstance(step, dict) and step.get("action") in ACTION_SCHEMAS:
                checked(step["action"], step.get("data") or {})
                seen += 1
    assert seen > 10


@pytest.mark.parametrize("action, data, code, names", [
    ("revoke", {}, "reason_missing", "取消理由（reason）"),
    ("revoke", {"reason": "   "}, "reason_missing", "reason"),
    ("record_opinion", {"text": "意" * 6000}, "text_too_long", "意见（text）"),
    ("record_opinion", {"recommend": "yes"}, "invalid_data", "是否推荐"),
    ("request_supplement", {"items": ["材料"] * 51}, "too_many_items", "items"),
    ("request_supplement", {}, "supplement_items_missing", "材料清单"),
    ("approve_site_visit", {"visit_on": "2999-01-01", "panel": s.panel()}, "invalid_data", "考评日期"),
    ("approve_site_visit", {"visit_on": "2027-01-10", "panel": [dict(s.panel()[0], field="天文")]},
     "panel_field_unknown", "专家组名单·第 1 项·领域"),
    ("record_site_report", s.site_report(score_sheet=dict(s.VALID_SHEET, part1=70)), "score_out_of_range",
     "专家组打分表·第一部分得分"),
    ("record_site_report", {k: v for k, v in s.site_report().items() if k != "score_sheet"}, "score_missing_part",
     "打分表"),
    ("submit_annual_report", s.annual_report(2026, revenue=-1), "indicator_invalid", "营业收入"),
    ("submit_annual_report", s.annual_report(2026, bogus=1), "indicator_unknown", "bogus"),
    ("submit_annual_report", {"year": 2026, "header": s.ANNUAL_HEADER}, "indicator_missing", "主要指标"),
    ("submit_annual_report", {k: v for k, v in s.annual_report(2026).items() if k != "header"},
     "annual_header_missing", "表头"),
    ("submit_annual_report", s.annual_report(2026, market_share_basis="both"), "annual_choice_missing", "第 10 行口径"),
    ("submit_annual_report", dict(s.annual_report(2026), leading_firms=[{**s.LEADING_FIRM, "email": ""}] * 2),
     "annual_firms_missing", "龙头企业基本情况（附件五-附表）·第 1 项·邮箱地址"),
    ("file_application", {"route": "bogus", "industry_history_years": 20}, "route_unknown", "申请形式"),
    ("file_application", {"route": "association"}, "industry_history_missing", "产业发展年限"),
    ("accept_application", {"note": "x"}, "invalid_data", "note"),
    ("hold_meeting", {"decisions": {"c-1": "maybe"}}, "meeting_decision_unknown", "决定（decisions）"),
])
def test_a_bad_shape_is_one_chinese_line_naming_the_field_with_the_rules_code(action, data, code, names):
    with pytest.raises(DomainError) as e:
        parse_action(action, data)
    assert e.value.code == code and names in e.value.message and "\n" not in e.value.message


def test_rules_stay_in_the_domain_a_small_panel_passes_the_schema():
    # panel size and seniority are rules (panel_too_small, panel_too_few_senior): the domain answers
    checked("approve_site_visit", {"visit_on": "2027-01-10", "panel": s.panel(size=2, senior=0)})
    checked("record_site_report", s.site_report(findings=["一条"]))
