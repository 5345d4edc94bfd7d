"""Program 2 through the console: the API (one typed route per step, Chinese titles in
OpenAPI), the pages a clerk uses (the round, a candidate's eligibility evidence, the
association's 推荐表 with its indicator XLSX, attachments), and a violation recorded on a
program-1 cluster — each refusal with the rule's code and status."""

from __future__ import annotations

import io
import itertools
from datetime import timedelta

import pytest

from console.cnlic.pages import COOKIE
from domain.demonstration.policy import DEMONSTRATION_2017 as P
from service.users import csrf_token
from tests.demonstration_support import cobuilt, onboarding, recommendation
from tests.support import SECRETARIAT
from domain.roles import Actor

pytestmark = pytest.mark.api
_n = itertools.count(1)


async def round_with_clusters(env, industry="陶瓷", count=5) -> tuple[str, list[str]]:
    """Co-built clusters of our own (the session's store holds other tests' too) and a round."""
    today = await env.sim.today()
    keys = []
    for _ in range(count):
        n = next(_n)
        key = f"dm-{n}"
        await env.sim.register(cobuilt(key, industry, 9000 + n), onboarding(today), Actor(**SECRETARIAT))
        keys.append(key)
    rkey = f"dmr-{next(_n)}"
    r = await env.client.post("/api/demonstration/rounds", headers=env.auth("secretariat"), json={
        "key": rkey, "conference_on": (today + timedelta(days=60)).isoformat(),
        "recommendation_deadline": (today + timedelta(days=10)).isoformat()})
    assert r.status_code == 201, r.text
    assert r.json()["valid_titles"] >= count and r.json()["cap"] >= 1
    return rkey, keys


async def log_in(env, username: str) -> str:
    env.client.cookies.clear()
    r = await env.client.post("/login", data={"username": username, "password": "password-123", "next": "/"})
    assert r.status_code == 303
    return csrf_token(r.cookies.get(COOKIE))


async def test_openapi_shows_each_step_with_its_schema_and_chinese_titles(env):
    spec = (await env.client.get("/openapi.json")).json()
    paths = spec["paths"]
    for step in ("recommend", "review", "record_vote", "publish_notice", "record_objection", "resolve_objection",
                 "approve", "commend"):
        assert f"/api/demonstration/rounds/{{key}}/{step}" in paths
    vote = spec["components"]["schemas"]["RecordVote"]
    assert vote["properties"]["members_present"]["title"] == "到会委员"
    assert spec["components"]["schemas"]["RecommendationForm"]["properties"]["results"]["title"] == "主要业绩及经验"


async def test_an_association_recommends_in_its_industry_and_sees_the_evidence(env):
    rkey, keys = await round_with_clusters(env)
    r = await env.client.post(f"/api/demonstration/rounds/{rkey}/recommend", headers=env.auth("association"),
                              json=recommendation(keys[0]))
    assert r.status_code == 200, r.text
    assert r.json()["events"][0]["kind"] == "recommended"
    # the auditor reads, never acts; the leader does not recommend
    r = await env.client.post(f"/api/demonstration/rounds/{rkey}/recommend", headers=env.auth("leader"),
                              json=recommendation(keys[1]))
    assert r.status_code == 403 and r.json()["code"] == "role_not_allowed"
    # a malformed 推荐表: one Chinese line naming the field
    bad = recommendation(keys[1], postcode="12")
    r = await env.client.post(f"/api/demonstration/rounds/{rkey}/recommend", headers=env.auth("association"), json=bad)
    assert r.status_code == 422 and "邮编" in r.json()["message"]
    r = await env.client.get(f"/api/demonstration/rounds/{rkey}/candidates/{keys[0]}", headers=env.auth("auditor"))
    assert r.status_code == 200
    conditions = {c["key"]: c for c in r.json()["eligibility"]["conditions"]}
    assert r.json()["eligible"] and conditions["national_rank"]["status"] == "met"
    assert "全国第 2 名" in conditions["national_rank"]["evidence"][0]["text"]
    r = await env.client.post(f"/api/demonstration/rounds/{rkey}/review", headers=env.auth("secretariat"),
                              json={"cluster_key": keys[0], "passed": True})
    assert r.status_code == 409 and r.json()["code"] == "step_not_allowed"


async def test_another_industry_is_out_of_the_associations_scope(env):
    rkey, keys = await round_with_clusters(env, industry="家具")
    r = await env.client.post(f"/api/demonstration/rounds/{rkey}/recommend", headers=env.auth("association"),
                              json=recommendation(keys[0]))
    assert r.status_code == 403 and r.json()["code"] == "industry_not_in_scope"


async def test_a_violation_is_recorded_by_the_secretariat_only(env):
    _, keys = await round_with_clusters(env, count=1)
    body = {"date": "2026-01-05", "source": "处罚决定书", "reason": "超标排放"}
    r = await env.client.post(f"/api/clusters/{keys[0]}/violations", headers=env.auth("association"), json=body)
    assert r.status_code == 403 and r.json()["code"] == "role_not_allowed"
    r = await env.client.post(f"/api/clusters/{keys[0]}/violations", headers=env.auth("secretariat"), json=body)
    assert r.status_code == 200 and r.json()["events"][0]["kind"] == "violation"
    r = await env.client.post(f"/api/clusters/{keys[0]}/violations", headers=env.auth("secretariat"),
                              json={**body, "reason": ""})
    assert r.status_code == 422


async def test_the_indicator_part_travels_as_xlsx_both_ways_and_a_bad_cell_is_named(env):
    from openpyxl import load_workbook

    r = await env.client.get("/api/demonstration/indicators.xlsx", headers=env.auth("association"))
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb["主要指标"]
    for i in range(len(P.indicators)):
        ws.cell(row=5 + i, column=3, value=10 + i)
    ws["D5"] = 12.5
    buf = io.BytesIO()
    wb.save(buf)
    r = await env.client.post("/api/demonstration/indicators", headers=env.auth("association"),
                              files={"file": ("i.xlsx", buf.getvalue())})
    assert r.status_code == 200, r.text
    assert r.json()["indicators"]["output_value"] == {"value": 10.0, "share": 12.5}
    ws["D9"] = 3  # 生产企业数量 has no national share
    buf = io.BytesIO()
    wb.save(buf)
    r = await env.client.post("/api/demonstration/indicators", headers=env.auth("association"),
                              files={"file": ("i.xlsx", buf.getvalue())})
    assert r.status_code == 422 and "D9" in r.json()["message"]


async def test_the_pages_show_the_round_the_evidence_and_take_a_recommendation_and_an_attachment(env):
    rkey, keys = await round_with_clusters(env)
    csrf = await log_in(env, "association")
    r = await env.client.get(f"/demonstration/rounds/{rkey}")
    assert r.status_code == 200 and "填写推荐表" in r.text
    r = await env.client.get(f"/demonstration/rounds/{rkey}/recommend")
    assert r.status_code == 200 and 'name="f_ind.output_value.share"' in r.text and "json" not in r.text.lower()
    form = {"csrf": csrf, "f_cluster_key": keys[1], "f_form.applicant": "测试市人民政府", "f_form.filled_on": "2026-12-01",
            "f_form.address": "人民路1号", "f_form.postcode": "528000", "f_form.contact": "陈明",
            "f_form.mobile": "13800000000", "f_form.cluster_name": "测试产业集群", "f_form.base_year": "2025",
            "f_form.results": "研发投入占比 4%"}
    for ind in P.indicators:
        form[f"f_ind.{ind.key}.value"] = "10"
    r = await env.client.post(f"/demonstration/rounds/{rkey}/recommend", data=form)
    assert r.status_code == 303, r.text[r.text.find("<main>"):][:600]
    r = await env.client.get(r.headers["location"])
    assert r.status_code == 200 and 'data-condition="national_rank"' in r.text and "全国第 2 名" in r.text
    pdf = b"%PDF-1.4\n%test\n"
    r = await env.client.post(f"/demonstration/rounds/{rkey}/candidates/{keys[1]}/attachments",
                              data={"csrf": csrf, "note": "盖章推荐表"}, files={"file": ("推荐表.pdf", pdf, "application/pdf")})
    assert r.status_code == 303, r.text[r.text.find("refusal"):][:300]
    r = await env.client.get(r.headers["location"])
    assert "推荐表.pdf" in r.text
    csrf = await log_in(env, "secretariat")
    r = await env.client.get(f"/demonstration/rounds/{rkey}")
    assert r.status_code == 200 and keys[1] in r.text and 'data-action="close_recommendation"' in r.text
    r = await env.client.get(f"/demonstration/rounds/{rkey}/commendation.docx")
    assert r.status_code == 409
    r = await env.client.get("/todo")
    assert r.status_code == 200


async def test_the_cluster_page_shows_its_honour_and_the_secretariat_records_a_violation_there(env):
    from workflows.cnlic.contracts import HonourInput, RecordResult, designation_workflow_id

    _, keys = await round_with_clusters(env, count=1)
    handle = env.sim.env.client.get_workflow_handle(designation_workflow_id(keys[0]))
    data = {"round": "conf-x", "label": "轻工业创新升级示范特色区域和产业集群", "document_number": "中轻联综字〔2026〕9号",
            "held_on": (await env.sim.today()).isoformat()}
    for _ in range(2):  # delivered twice (a retried activity): journaled once
        await handle.execute_update("honour", HonourInput(actor=Actor("secretariat", "综合业务部"), data=data),
                                    result_type=RecordResult)
    assert [r.kind for r in env.sim.journal(keys[0])].count("honour") == 1
    csrf = await log_in(env, "secretariat")
    r = await env.client.get(f"/clusters/{keys[0]}")
    assert r.status_code == 200 and 'id="honours"' in r.text and "中轻联综字〔2026〕9号" in r.text
    assert 'data-form="record_violation"' in r.text
    r = await env.client.post(f"/clusters/{keys[0]}/violation", data={
        "csrf": csrf, "f_date": "2026-03-01", "f_source": "质监罚〔2026〕3号", "f_reason": "产品质量抽检不合格"})
    assert r.status_code == 303
    r = await env.client.get(f"/clusters/{keys[0]}")
    assert "产品质量抽检不合格" in r.text
    await log_in(env, "association")
    r = await env.client.get(f"/clusters/{keys[0]}")
    assert 'data-form="record_violation"' not in r.text
