"""The cluster page's action forms are generated from the actions' schemas (issue 10 item 3):
no JSON box anywhere, the panel as a table of rows, the 附件一 score sheet and the site report's
indicators as tables, a date picker with bounds, prefills from the cluster itself only — and a
submitted form is the same data the API takes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from service.users import csrf_token
from tests.api.test_pages import log_in
from tests.support import VALID_SHEET, panel

pytestmark = pytest.mark.api


def panel_form(members) -> dict[str, str]:
    form: dict[str, str] = {}
    for i, m in enumerate(members):
        form.update({f"f_panel.{i}.name": m["name"], f"f_panel.{i}.field": m["field"],
                     f"f_panel.{i}.region_code": m["region_code"]})
        if m["senior"]:
            form[f"f_panel.{i}.senior"] = "yes"
        if m.get("lead"):
            form[f"f_panel.{i}.lead"] = "yes"
    return form


async def accepted(env, prefix: str) -> str:
    key = await env.register(prefix)
    await env.ok("association", key, "record_opinion", {"text": "同意推荐", "recommend": True})
    await env.ok("secretariat", key, "accept_application")
    return key


async def test_the_forms_have_no_json_box_and_the_panel_is_a_table_with_a_bounded_date_picker(env):
    key = await accepted(env, "forms")
    await log_in(env, "leader")
    page = (await env.client.get(f"/clusters/{key}")).text
    assert 'class="json"' not in page and "JSON" not in page
    assert 'name="f_panel.0.name"' in page and 'name="f_panel.6.lead"' in page and 'data-rows="f_panel"' in page
    today = await env.sim.today()
    picker = re.search(r'<input type="date" name="f_visit_on" value="([^"]+)" min="([^"]+)" max="([^"]+)"', page)
    assert picker and picker.group(2) == today.isoformat() and picker.group(3) < "2099"
    assert "中国陶瓷工业协会" not in re.search(r'data-action="approve_site_visit".*?</form>', page, re.S).group(0)
    assert '<script src="/static/action_forms.js"></script>' in page


async def test_a_panel_and_a_site_report_go_through_the_generated_forms_to_the_rules(env):
    key = await accepted(env, "formwalk")
    token = await log_in(env, "leader")
    visit = (await env.sim.today() + timedelta(days=3)).isoformat()
    weak = panel(senior=1)
    r = await env.client.post(f"/clusters/{key}/actions/approve_site_visit",
                              data={"csrf": csrf_token(token), "f_visit_on": visit, **panel_form(weak)})
    assert r.status_code == 422 and "panel_too_few_senior" in r.text
    assert 'value="专家4"' in r.text  # the typed rows are kept on a refusal
    r = await env.client.post(f"/clusters/{key}/actions/approve_site_visit",
                              data={"csrf": csrf_token(token), "f_visit_on": "2999-01-01", **panel_form(panel())})
    assert r.status_code == 422 and "考评日期（visit_on）" in r.text
    r = await env.client.post(f"/clusters/{key}/actions/approve_site_visit",
                              data={"csrf": csrf_token(token), "f_visit_on": visit, **panel_form(panel())})
    assert r.status_code == 303, r.text
    await env.sim.settle()
    view = await env.sim.service.view(key)
    assert view.stage == "site_evaluation"

    token = await log_in(env, "expert")
    form = {"csrf": csrf_token(token), "f_recommendations": "品牌建设\n智能制造\n标准体系\n人才培养", "f_recommend": "yes",
            **{f"f_opinions.{i}.{k}": f"{t}{'：详细阐述' if k == 'text' else ''}"  # 附件四: 4 opinion rows
               for i, t in enumerate(("规模居全国首位", "龙头带动强", "平台完善", "绿色转型")) for k in ("title", "text")},
            "f_indicators.output.value": "120.5", "f_indicators.output.rank": "1"}
    for k, v in VALID_SHEET.items():
        form[f"f_score_sheet.{k}"] = ("yes" if v else "no") if isinstance(v, bool) else str(v)
    r = await env.client.post(f"/clusters/{key}/actions/record_site_report", data={**form, "f_score_sheet.part1": "70"})
    assert r.status_code == 422 and "第一部分得分（part1）" in r.text
    r = await env.client.post(f"/clusters/{key}/actions/record_site_report", data=form)
    assert r.status_code == 303, r.text
    await env.sim.settle()
    assert (await env.sim.service.view(key)).stage == "association_opinion"


async def test_a_title_change_form_starts_from_this_clusters_own_title():
    from datetime import date
    from types import SimpleNamespace

    from console.cnlic.action_forms import data_from_form, prefill

    profile = SimpleNamespace(product="竹制品", tier="base", title_word="基地", elements=("绿色",),
                              region=SimpleNamespace(name="安吉"))
    values = prefill("file_title_change", SimpleNamespace(profile=profile), None, None, date(2027, 1, 1))
    assert values["f_product"] == "竹制品" and values["f_tier"] == "base" and "绿色" in values.values()
    data = data_from_form("file_title_change", {**values, "f_tier": "capital", "f_title_word": ""})
    assert data == {"product": "竹制品", "tier": "capital", "elements": ["绿色"], "region_name": "安吉"}


def test_the_annual_report_is_the_tables_figures_and_a_blank_row_is_left_out():
    from console.cnlic.action_forms import data_from_form

    data = data_from_form("submit_annual_report", {
        "f_year": "2026", "f_header.location": "广东省佛山市", "f_indicators.revenue": "1000",
        "f_indicators.profit": "-5", "f_indicators.market_share_basis": "industry", "f_indicators.exports": "",
        "f_indicators.platform_1": "检测中心", "f_leading_firms.0.name": "甲公司", "f_leading_firms.0.patents": "3",
        "f_leading_firms.1.name": ""})
    assert data == {"year": 2026, "header": {"location": "广东省佛山市"},
                    "indicators": {"revenue": 1000.0, "profit": -5.0, "market_share_basis": "industry",
                                   "platform_1": "检测中心"},
                    "leading_firms": [{"name": "甲公司", "patents": 3}]}


def test_the_annual_report_form_renders_every_row_of_annex_five_its_header_and_eight_firms():
    from datetime import date

    from console.cnlic.action_forms import Group, inputs, items_of
    from domain.cnlic.annual_report import ANNUAL_INDICATORS, FIRM_COLUMNS, HEADER_FIELDS

    items = items_of("submit_annual_report", date(2027, 1, 1))
    names = {i.name for i in inputs(items)}
    assert {f"f_indicators.{s.key}" for s in ANNUAL_INDICATORS} <= names
    assert {f"f_header.{k}" for k, _ in HEADER_FIELDS} <= names
    assert {f"f_leading_firms.{r}.{c.key}" for r in range(8) for c in FIRM_COLUMNS} <= names
    basis = next(i for i in inputs(items) if i.name == "f_indicators.market_share_basis")
    assert basis.kind == "select" and set(basis.choices.values()) == {"市场占有率", "行业占比"}
    table = next(it for it in items if isinstance(it, Group) and it.name == "f_indicators")
    labels = [label for label, _ in table.rows]
    assert any("绿色设计产品" in x and "（个）" in x for x in labels) and any("万美元" in x for x in labels)


def test_a_posted_row_number_cannot_make_the_form_grow_without_bound():
    from datetime import date

    from console.cnlic.action_forms import Group, items_of

    items = items_of("approve_site_visit", date(2027, 1, 1), {"f_panel.999999999.name": "x"})
    table = next(i for i in items if isinstance(i, Group))
    assert len(table.rows) == 51


def test_a_vote_sheet_takes_a_row_per_candidate_up_to_its_own_bound_not_the_fifty_of_a_panel():
    from datetime import date

    from console.cnlic.action_forms import Group, data_from_form, items_of
    from domain.limits import LIMITS
    from service.demonstration.actions import STEP_SCHEMAS

    sheet = {f"f_votes.{i}.cluster_key": f"c-{i:02d}" for i in range(60)}
    sheet |= {f"f_votes.{i}.yes": "7" for i in range(60)} | {"f_members_present": "甲\n乙"}
    data = data_from_form("record_vote", sheet, date(2027, 6, 1), STEP_SCHEMAS)
    assert [v["cluster_key"] for v in data["votes"]] == [f"c-{i:02d}" for i in range(60)]
    assert all(v["yes"] == 7 for v in data["votes"])
    items = items_of("record_vote", date(2027, 6, 1), {"f_votes.999999999.yes": "1"}, STEP_SCHEMAS)
    table = next(i for i in items if isinstance(i, Group))
    assert len(table.rows) == LIMITS.meeting_decisions + 1


@pytest.mark.parametrize("action", [a for a in __import__("service.cnlic.actions", fromlist=["x"]).ACTION_SCHEMAS
                                    if a != "hold_meeting"])
def test_every_actions_form_renders_without_json_and_an_empty_submission_is_empty_data(action):
    from datetime import date

    from console.cnlic.action_forms import data_from_form, inputs, items_of
    from console.cnlic.pages import TEMPLATES

    items = items_of(action, date(2027, 1, 1))
    html = TEMPLATES.env.get_template("_action_form.html").render(items=items, values={})
    assert 'class="json"' not in html and "JSON" not in html
    for i in inputs(items):
        assert f'name="{i.name}' in html, i.name
    assert data_from_form(action, {}) == {}


def test_a_supplement_form_starts_from_the_items_asked_of_this_cluster():
    from datetime import date
    from types import SimpleNamespace

    from console.cnlic.action_forms import data_from_form, prefill

    values = prefill("submit_supplement", SimpleNamespace(supplement_items=["发展规划", "基本情况表"]), None, None,
                     date(2027, 1, 1))
    assert data_from_form("submit_supplement", values) == {"items": ["发展规划", "基本情况表"]}


def test_an_optional_part_of_a_form_does_not_make_the_browser_require_its_fields_and_is_left_out_when_blank():
    """附件四's basic facts are optional: a required date inside them must not stop the browser
    from submitting a report without them (the browser test found this)."""
    from datetime import date

    from console.cnlic.action_forms import Group, data_from_form, items_of

    items = items_of("record_site_report", date(2027, 1, 1))
    basics = next(i for i in items if isinstance(i, Group) and i.name == "f_basics")
    assert basics.rows and not any(inp.required for _, row in basics.rows for inp in row)
    assert "basics" not in data_from_form("record_site_report", {"f_basics.visited_on": "", "f_basics.place": ""})
    partial = data_from_form("record_site_report", {"f_basics.place": "景德镇市"})
    assert partial["basics"] == {"place": "景德镇市"}  # partly filled: the schema then names what is missing
