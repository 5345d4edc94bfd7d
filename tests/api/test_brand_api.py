"""Program 4 through the console in-process: the API's typed actions and refusals, scopes, the
pages' generated forms, 我的待办, the XLSX forms both ways and the published list (DOCX)."""

from __future__ import annotations

import io
import itertools

import pytest
from docx import Document
from openpyxl import load_workbook

from console.cnlic.pages import COOKIE
from service.brand import samples
from service.users import csrf_token
from store.brand import repo

pytestmark = pytest.mark.api
_n = itertools.count(1)
PEOPLE = {
    "b-body": dict(role="implementing_body", name="瓷都管委会", clusters=[f"bp-{i}" for i in range(1, 40)]),
    "b-city": dict(role="local_government", name="景德镇市人民政府", cities=["景德镇市"]),
    "b-prov": dict(role="province_department", name="江西省工业和信息化厅", provinces=["江西省"]),
    "b-prov2": dict(role="province_department", name="湖南省工业和信息化厅", provinces=["湖南省"]),
    "b-miit": dict(role="miit_reviewer", name="工业和信息化部科技司"),
}


@pytest.fixture
def people(env):
    for username, spec in PEOPLE.items():
        if username not in env.tokens:
            env.add_user(username, **dict(spec))
    return env


async def file(env) -> str:
    key = f"bp-{next(_n)}"
    today = await env.sim.today()
    app = samples.application("瓷都集聚区", "江西省", "景德镇市", [samples.industry("陶瓷")], year=today.year - 1)
    r = await env.client.post("/api/brand/pilots", json={"key": key, "application": app}, headers=env.auth("b-body"))
    assert r.status_code == 201, r.text
    await env.sim._until(lambda: (row := repo.pilot(env.sim.engine, key)) is not None and row.last_seq > 0, "filed")
    return key


async def act(env, who: str, key: str, action: str, data: dict):
    return await env.client.post(f"/api/brand/pilots/{key}/actions/{action}", json=data, headers=env.auth(who))


async def test_a_pilot_is_filed_sealed_and_recommended_through_the_api(people):
    env = people
    key = await file(env)
    today = (await env.sim.today()).isoformat()
    r = await act(env, "b-city", key, "seal_application", {"sealed_on": today})
    assert r.status_code == 200 and r.json()["stage"] == "sealed", r.text
    r = await act(env, "b-prov", key, "recommend", {"opinion": "同意推荐"})
    assert r.status_code == 200 and r.json()["stage_label"] == "省级已推荐（待工业和信息化部批次评审）"
    shown = (await env.client.get(f"/api/brand/pilots/{key}", headers=env.auth("b-prov"))).json()
    assert shown["batch_id"] and [e["text"] for e in shown["timeline"]][-1].startswith("市县已盖章")


async def test_the_api_refuses_by_role_scope_and_schema_in_chinese(people):
    env = people
    key = await file(env)
    r = await act(env, "b-prov", key, "seal_application", {"sealed_on": (await env.sim.today()).isoformat()})
    assert r.status_code == 403 and r.json()["code"] == "role_not_allowed"
    r = await env.client.get(f"/api/brand/pilots/{key}", headers=env.auth("b-prov2"))
    assert r.status_code == 403 and r.json()["code"] == "out_of_scope"
    assert key not in [p["key"] for p in (await env.client.get("/api/brand/pilots", headers=env.auth("b-prov2"))).json()]
    r = await act(env, "b-city", key, "seal_application", {"sealed_on": "明天"})
    assert r.status_code == 422 and "盖章日期" in r.json()["message"]
    r = await act(env, "b-prov", key, "recommend", {"opinion": "同意"})
    assert r.status_code == 409 and r.json()["code"] == "action_not_allowed"


async def test_an_application_breaking_a_rule_is_refused_with_the_rules_code(people):
    env = people
    today = await env.sim.today()
    app = samples.application("瓷都集聚区", "江西省", "景德镇市", [samples.industry("陶瓷")], year=today.year - 1,
                              plan_years=3)
    app["eligibility"]["no_serious_incident"] = False
    r = await env.client.post("/api/brand/pilots", json={"key": f"bp-{next(_n)}", "application": app},
                              headers=env.auth("b-body"))
    assert r.status_code == 422 and r.json()["code"] == "eligibility_not_attested"
    assert "近三年区域内未出现重特大" in r.json()["message"]


async def test_the_provinces_todo_and_page_offer_the_recommendation_form(people):
    env = people
    key = await file(env)
    await act(env, "b-city", key, "seal_application", {"sealed_on": (await env.sim.today()).isoformat()})
    todo = (await env.client.get("/api/me/todo", headers=env.auth("b-prov"))).json()
    assert any(p["key"] == key and p["action"] == "recommend" for p in todo["programs"])
    env.client.cookies.clear()
    r = await env.client.post("/login", data={"username": "b-prov", "password": "password-123", "next": "/"})
    token = r.cookies.get(COOKIE)
    page = await env.client.get(f"/brand/pilots/{key}")
    assert page.status_code == 200 and 'data-action="recommend"' in page.text and "审查推荐意见" in page.text
    assert "recommend" not in page.text.split('id="timeline"')[1]  # no English code leaks into the timeline
    r = await env.client.post(f"/brand/pilots/{key}/actions/recommend",
                              data={"csrf": csrf_token(token), "f_opinion": "同意推荐"})
    assert r.status_code == 303
    assert repo.pilot(env.sim.engine, key).stage == "recommended"
    env.client.cookies.clear()


async def test_the_summary_xlsx_round_trips_and_names_a_bad_cell(people):
    env = people
    from service.brand.xlsx import read_summary_workbook, summary_workbook

    data = samples.summary(1, await env.sim.today())
    content = summary_workbook(data)
    back = read_summary_workbook(content)
    assert back["status"] == data["status"] and back["indicators"]["output"] == data["indicators"]["output"]
    wb = load_workbook(io.BytesIO(content))
    wb["总结报告"]["B9"] = "已经注册了"
    out = io.BytesIO()
    wb.save(out)
    r = await env.client.post("/api/brand/forms/summary.xlsx", content=out.getvalue(), headers={
        **env.auth("b-body"), "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    assert r.status_code == 422 and r.json()["message"].startswith("总结报告!B9（区域品牌集体商标）应为：已注册")


async def test_the_application_xlsx_round_trips(people):
    env = people
    from service.brand.xlsx import application_workbook, read_application_workbook

    today = await env.sim.today()
    app = samples.application("瓷都集聚区", "江西省", "景德镇市", [samples.industry("陶瓷"), samples.industry("茶叶", 20)],
                              year=today.year - 1)
    back = read_application_workbook(application_workbook(app))
    assert back["region"]["applicant_kind"] == "other_agglomeration"
    assert [i["name"] for i in back["industries"]] == ["陶瓷", "茶叶"]
    assert back["eligibility"]["no_serious_incident"] is True and back["plan"]["years"] == 2


async def test_the_typical_experiences_list_is_a_docx(people):
    env = people
    r = await env.client.get("/api/brand/experiences.docx", headers=env.auth("b-miit"))
    assert r.status_code == 200
    doc = Document(io.BytesIO(r.content))
    assert doc.paragraphs[0].text == "区域品牌建设典型经验推荐名单"
    assert "filename*=UTF-8''" in r.headers["content-disposition"]

