"""The meeting page's joint-document form (§三(四), issue 11): after the meeting approves, the
secretariat records the document once for the meeting's approvals; the form is generated from
the action's schema, a refusal is shown inline with the rule's message."""

from __future__ import annotations

from datetime import timedelta

import pytest

from service.users import csrf_token
from tests.api.test_pages import log_in
from tests.support import site_report, site_visit

pytestmark = pytest.mark.api


async def approved(env) -> tuple[str, str]:
    key = await env.register("doc")
    today = await env.sim.today()
    await env.ok("association", key, "record_opinion", {"text": "同意推荐", "recommend": True})
    await env.ok("secretariat", key, "accept_application")
    await env.ok("leader", key, "approve_site_visit", site_visit(today + timedelta(days=3)))
    await env.sim.advance_to(today + timedelta(days=4))
    await env.ok("expert", key, "record_site_report", site_report())
    await env.ok("association", key, "record_formal_opinion", {"recommend": True})
    await env.ok("secretariat", key, "complete_formal_review")
    r = await env.client.post("/api/meetings", json={"decisions": {key: "approve"}}, headers=env.auth("secretariat"))
    assert r.status_code == 200, r.text
    await env.sim._until_recorded(r.json()["meeting_id"], {key})
    await env.sim.settle()
    return key, r.json()["meeting_id"]


async def test_the_meeting_page_records_the_joint_document_of_a_meetings_approvals(env):
    key, meeting_id = await approved(env)
    token = await log_in(env, "secretariat")
    cluster_page = await env.client.get(f"/clusters/{key}")
    assert 'data-action="record_joint_document"' in cluster_page.text or "data-action=record_joint_document" in \
        cluster_page.text  # one cluster's own form too (a meeting no longer in the recent list)
    page = await env.client.get("/meetings")
    assert page.status_code == 200 and "已批准待发文" in page.text and meeting_id in page.text
    assert 'name="f_number"' in page.text and 'name="f_issued_on"' in page.text and "JSON" not in page.text
    today = await env.sim.today()
    early = await env.client.post("/meetings/document", data={
        "csrf": csrf_token(token), "meeting_id": meeting_id, "f_number": "中轻联综字〔2027〕6号",
        "f_issued_on": (today + timedelta(days=1)).isoformat()})
    assert early.status_code in (400, 409, 422) and "document_date_invalid" in early.text
    done = await env.client.post("/meetings/document", data={
        "csrf": csrf_token(token), "meeting_id": meeting_id, "f_number": "中轻联综字〔2027〕6号",
        "f_issued_on": today.isoformat(), "f_bodies": "中国轻工业联合会\n中国陶瓷工业协会"})
    assert done.status_code == 200 and "中轻联综字〔2027〕6号" in done.text and key in done.text
    await env.sim._until(lambda: any(r.kind == "title" for r in env.sim.journal(key)), "document not recorded")
    view = await env.sim.service.view(key)
    assert view.stage == "designated" and view.conferred_on == today


async def test_the_demo_has_an_approval_waiting_for_its_joint_document_on_the_radar():
    import httpx

    from console.app import create_app
    from service.cnlic.console import ConsoleService
    from service.cnlic.demo import load_demo
    from service.cnlic.simulate import Simulation
    from service.users import UserService

    async with Simulation() as sim:  # the demo's keys are fixed: a store of its own
        await load_demo(sim.service)
        await sim._until(lambda: (row := __import__("store.cnlic.lifecycle", fromlist=["x"]).cluster(sim.engine, "demo-dehua"))
                         is not None and row.stage == "approved", "demo approval not recorded")
        users = UserService(sim.engine)
        app = create_app(ConsoleService(sim.service, sim.engine), users)
        users.add("secretariat", "secretariat", "综合业务部", "password-123")
        headers = {"Authorization": f"Bearer {users.issue_token('secretariat')}"}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://console.test") as client:
            radar = (await client.get("/api/radar", params={"limit": 1000}, headers=headers)).json()
            assert ("demo-dehua", "joint_document") in {(i["cluster_key"], i["what"]) for i in radar["items"]}
            todo = (await client.get("/api/me/todo", headers=headers)).json()
            assert "record_joint_document" in str(todo)
