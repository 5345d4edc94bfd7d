"""Every staff action is its own documented API operation (issue 10 item 1): OpenAPI shows a
distinct request schema per action, with Chinese titles, and a body its schema refuses is one
Chinese line with the rule's code — the lifecycle untouched."""

from __future__ import annotations

from datetime import timedelta

import pytest

from console.cnlic.action_api import CLUSTER_ACTIONS, schema_names
from tests.support import site_visit

pytestmark = pytest.mark.api


async def test_openapi_shows_a_distinct_request_schema_for_every_action(env):
    doc = (await env.client.get("/openapi.json")).json()
    names = schema_names(doc)
    assert set(names) == set(CLUSTER_ACTIONS) and len(set(names.values())) == len(CLUSTER_ACTIONS)
    for action, name in names.items():
        schema = doc["components"]["schemas"][name]
        assert schema["additionalProperties"] is False and schema["description"], action
        for field, prop in schema.get("properties", {}).items():
            assert prop.get("title") and prop.get("description") or "$ref" in str(prop), (action, field)
    report = doc["components"]["schemas"]["SiteReportData"]
    assert set(report["required"]) >= {"recommendations", "score_sheet", "recommend"}
    assert {"opinions", "findings", "basics", "leader", "signed_by"} <= set(report["properties"])  # 附件四: either shape
    assert doc["components"]["schemas"]["SiteVisitData"]["properties"]["visit_on"]["format"] == "date"
    assert "/api/clusters/{key}/actions/{action}" not in doc["paths"]  # the generic route is not the documented one


def small_ok(today):
    return site_visit(today + timedelta(days=5))


async def test_a_body_the_actions_schema_refuses_is_422_in_chinese_and_changes_nothing(env):
    key = await env.register("schema")
    await env.ok("association", key, "record_opinion", {"text": "同意推荐", "recommend": True})
    await env.ok("secretariat", key, "accept_application")
    view = await env.sim.service.view(key)
    far = site_visit("2999-01-01")
    r = await env.act("leader", key, "approve_site_visit", far)
    assert r.status_code == 422 and r.json()["code"] == "invalid_data" and "考评日期（visit_on）" in r.json()["message"]
    r = await env.act("leader", key, "approve_site_visit", {"visit_on": "2027-01-01", "panel": [{"name": "甲", "field": "天文"}]})
    assert r.status_code == 422 and r.json()["code"] == "panel_field_unknown" and "领域" in r.json()["message"]
    r = await env.act("leader", key, "revoke", {})
    assert r.status_code == 422 and r.json()["code"] == "reason_missing"
    r = await env.act("leader", key, "approve_site_visit", {**small_ok(await env.sim.today()), "typo": 1})
    assert r.status_code == 422 and "“typo”" in r.json()["message"]
    assert (await env.sim.service.view(key)).seq == view.seq
    # the data the rules judge still reaches them: a small panel is the domain's own refusal
    small = site_visit(await env.sim.today() + timedelta(days=5))
    small["panel"] = small["panel"][:2]
    r = await env.act("leader", key, "approve_site_visit", small)
    assert r.status_code == 422 and r.json()["code"] == "panel_too_small"


async def test_the_meeting_route_takes_the_meeting_schema_and_refuses_in_chinese(env):
    doc = (await env.client.get("/openapi.json")).json()
    body = doc["paths"]["/api/meetings"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/MeetingData")
    meeting = doc["components"]["schemas"]["MeetingData"]
    assert "'format': 'date'" in str(meeting["properties"]["held_on"]) and meeting["additionalProperties"] is False
    sec = env.auth("secretariat")
    r = await env.client.post("/api/meetings", json={"decisions": {}, "held_on": "2999-01-01"}, headers=sec)
    assert r.status_code == 422 and r.json()["code"] == "invalid_data" and "会议日期（held_on）" in r.json()["message"]
    r = await env.client.post("/api/meetings", json={"decisions": {"bad key!": "approve"}}, headers=sec)
    assert r.status_code == 422 and "决定" in r.json()["message"]
    r = await env.client.post("/api/meetings", json={"decision": {}}, headers=sec)
    assert r.status_code == 422 and "“decision”" in r.json()["message"]
