"""The console's HTTP API: every endpoint, authentication, role and scope refusals that leave
the workflow untouched, rule refusals with their code, and the downloads."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from domain.calendar import add_months
from service.cnlic.housekeeping import deadline_digest
from store.cnlic import lifecycle as repo
from tests.support import site_report, site_visit
from workflows.cnlic.contracts import designation_workflow_id

pytestmark = pytest.mark.api


async def opinion_done(env, prefix: str = "c", **changes) -> str:
    """A cluster whose application has all its opinions: ready to be accepted."""
    key = await env.register(prefix, **changes)
    await env.ok("association", key, "record_opinion", {"text": "同意推荐", "recommend": True})
    return key


async def state_of(env, key: str) -> tuple[int, int, str]:
    view = await env.sim.service.view(key)
    return view.seq, len(env.sim.journal(key)), view.stage


async def test_every_endpoint_answers_401_without_a_token_or_with_a_bad_one(env):
    schema = (await env.client.get("/openapi.json")).json()
    checked = 0
    for path, operations in schema["paths"].items():
        if path in ("/api/health", "/api/ready"):  # probes: open, and they name no cluster
            continue
        url = path.replace("{key}", "demo").replace("{action}", "accept_application").replace("{year}", "2026")
        for method in operations:
            for headers in ({}, {"Authorization": "Bearer dsg_not-a-real-token"}):
                r = await env.client.request(method.upper(), url, headers=headers, json={})
                assert r.status_code == 401, (method, path, r.text)
                assert r.json()["code"] == "unauthorized" and r.headers["www-authenticate"].startswith("Bearer")
                checked += 1
    assert checked >= 2 * 11
    assert (await env.client.get("/api/health")).json() == {"status": "ok"}


async def test_me_names_the_user_role_and_scope(env):
    r = await env.client.get("/api/me", headers=env.auth("association"))
    body = r.json()
    assert r.status_code == 200 and body["role_label"] == "行业协（学）会、中心"
    assert body["name"] == "中国陶瓷工业协会" and body["scope"]["industries"] == ["陶瓷"]
    assert not body["scope"]["everything"]


async def test_an_accepted_action_is_the_update_signed_by_the_user_in_history_and_journal(env):
    key = await opinion_done(env)
    body = await env.ok("secretariat", key, "accept_application")
    assert body["stage"] == "accepted" and body["stage_label"] == "受理"
    assert any(e["kind"] == "deadline" and e["data"]["what"] == "site_visit" for e in body["events"])
    action = [r for r in env.sim.journal(key) if r.kind == "action" and r.data["action"] == "accept_application"]
    assert [(r.actor_role, r.actor_name) for r in action] == [("secretariat", "综合业务部")]
    history = await env.sim.env.client.get_workflow_handle(designation_workflow_id(key)).fetch_history()
    inputs = [e.workflow_execution_update_accepted_event_attributes.accepted_request.input
              for e in history.events if e.HasField("workflow_execution_update_accepted_event_attributes")]
    accept = [i for i in inputs if i.name == "accept_application"]
    assert accept and "综合业务部".encode() in accept[0].args.payloads[0].data


@pytest.mark.parametrize("who, expected", [
    ("leader", "role_not_allowed"),
    ("association", "role_not_allowed"),
    ("provincial", "role_not_allowed"),
    ("expert", "out_of_scope"),  # sits on no panel of this cluster: cannot even see it
    ("applicant", "role_not_allowed"),
    ("auditor", "read_only"),
])
async def test_each_role_is_refused_accepting_an_application_and_the_workflow_is_unchanged(env, who, expected):
    key = await opinion_done(env, who)
    if who == "applicant":
        env.add_user(f"applicant-{key}", role="applicant", name=f"{key} 人民政府", clusters=[key])
        who = f"applicant-{key}"
    before = await state_of(env, key)
    r = await env.act(who, key, "accept_application")
    assert r.status_code == 403, r.text
    assert r.json()["code"] == expected and r.json()["message"]
    await env.sim.settle()
    assert await state_of(env, key) == before


async def test_the_secretariat_is_refused_approving_a_site_visit_which_is_the_leaders(env):
    key = await opinion_done(env)
    await env.ok("secretariat", key, "accept_application")
    before = await state_of(env, key)
    r = await env.act("secretariat", key, "approve_site_visit", site_visit(await env.sim.today() + timedelta(days=5)))
    assert r.status_code == 403 and r.json()["code"] == "role_not_allowed" and "会领导" in r.json()["message"]
    assert await state_of(env, key) == before


async def test_a_rule_refusal_returns_its_code_and_chinese_message_never_a_500(env):
    key = await env.register()
    before = await state_of(env, key)
    r = await env.act("secretariat", key, "accept_application")  # the association's opinion is missing
    assert r.status_code == 409 and r.json()["code"] == "action_not_allowed" and "中国陶瓷工业协会" in r.json()["message"]
    await env.ok("association", key, "record_opinion")
    await env.ok("secretariat", key, "accept_application")
    today = await env.sim.today()
    weak = site_visit(today + timedelta(days=5))
    for m in weak["panel"]:
        m["senior"] = False
    weak["panel"][0]["senior"] = True
    before = await state_of(env, key)
    r = await env.act("leader", key, "approve_site_visit", weak)
    assert r.status_code == 422 and r.json()["code"] == "panel_too_few_senior" and "高级职称" in r.json()["message"]
    r = await env.act("leader", key, "approve_site_visit", {"visit_on": "not a date", "panel": "nobody"})
    assert r.status_code == 422 and r.json()["code"] in ("invalid_date", "invalid_data", "panel_too_small")
    assert await state_of(env, key) == before
    r = await env.act("secretariat", "no-such-cluster", "accept_application")
    assert r.status_code == 404 and r.json()["code"] == "cluster_unknown"
    r = await env.act("secretariat", key, "no_such_action")
    assert r.status_code == 422  # not an action of the API: FastAPI's own validation


async def test_an_applicant_cannot_see_or_touch_another_applicants_cluster(env):
    mine = await env.register("mine", stage="cultivation")
    theirs = await env.register("theirs", stage="cultivation")
    env.add_user("applicant-a", role="applicant", name="甲县人民政府", clusters=[mine])
    env.add_user("applicant-b", role="applicant", name="乙县人民政府", clusters=[theirs])
    listed = (await env.client.get("/api/clusters", headers=env.auth("applicant-a"))).json()
    assert [c["key"] for c in listed["items"]] == [mine] and listed["total"] == 1
    assert (await env.client.get(f"/api/clusters/{mine}", headers=env.auth("applicant-a"))).status_code == 200
    r = await env.client.get(f"/api/clusters/{theirs}", headers=env.auth("applicant-a"))
    assert r.status_code == 403 and r.json()["code"] == "out_of_scope"
    before = await state_of(env, theirs)
    r = await env.act("applicant-a", theirs, "withdraw", {"reason": "误操作"})
    assert r.status_code == 403 and r.json()["code"] == "out_of_scope"
    assert await state_of(env, theirs) == before
    radar = (await env.client.get("/api/radar", headers=env.auth("applicant-a"))).json()
    assert {i["cluster_key"] for i in radar["items"]} == {mine}
    overview = (await env.client.get("/api/overview", headers=env.auth("applicant-a"))).json()
    assert overview["total"] == 1


async def test_a_cluster_shows_its_deadlines_with_working_days_left_the_users_actions_and_the_timeline(env):
    key = await opinion_done(env)
    await env.ok("secretariat", key, "accept_application")
    r = await env.client.get(f"/api/clusters/{key}", headers=env.auth("leader"))
    body = r.json()
    assert r.status_code == 200 and body["stage"] == "accepted" and body["stage_label"] == "受理"
    (deadline,) = body["deadlines"]
    assert deadline["what"] == "site_visit" and deadline["what_label"].startswith("考评批准")
    assert 0 < deadline["working_days_left"] <= 5 and not deadline["overdue"]
    assert [a["action"] for a in body["actions"]] == ["approve_site_visit"]
    assert [e["kind"] for e in body["timeline"]][:2] == ["registered", "stage"]
    assert body["temporal_url"].endswith(f"/designation-{key}")
    auditor = (await env.client.get(f"/api/clusters/{key}", headers=env.auth("auditor"))).json()
    assert auditor["actions"] == [] and auditor["stage"] == "accepted"


async def test_the_list_filters_by_every_field_and_pages(env):
    a = await env.register("flt", stage="cultivation", industry="家具", product="家具", tier="base",
                           region={"province": "浙江省", "city": "湖州市", "county": "安吉县", "code": "330523"})
    b = await env.register("flt", stage="cultivation", industry="家具", product="家具", tier="base",
                           region={"province": "浙江省", "city": "湖州市", "county": "德清县", "code": "330521"})
    headers = env.auth("secretariat")

    async def keys(**params) -> list[str]:
        r = await env.client.get("/api/clusters", params={"industry": "家具", **params}, headers=headers)
        assert r.status_code == 200, r.text
        return [c["key"] for c in r.json()["items"]]

    assert await keys() == sorted([a, b])
    assert await keys(stage="cultivation", title_status="none", tier="base", province="浙江省", overdue="false") == sorted([a, b])
    assert await keys(stage="designated") == [] and await keys(province="广东省") == [] and await keys(overdue="true") == []
    assert await keys(within=5) == []  # the cultivation clock runs to the three-year maximum
    assert await keys(within=800) == sorted([a, b])
    page = (await env.client.get("/api/clusters", params={"industry": "家具", "per_page": 1, "page": 2},
                                 headers=headers)).json()
    assert page["total"] == 2 and page["pages"] == 2 and [c["key"] for c in page["items"]] == [sorted([a, b])[1]]
    r = await env.client.get("/api/clusters", params={"stage": "nonsense"}, headers=headers)
    assert r.status_code == 422


async def test_the_radar_lists_deadlines_soonest_first_marks_overdue_and_counts_working_days(env):
    today = await env.sim.today()
    late = await env.register("radar", stage="designated", industry="皮革", product="皮革",
                              conferred_on=(add_months(today, -48) + timedelta(days=21)).isoformat())
    soon = await opinion_done(env, "radar")
    await env.ok("secretariat", soon, "accept_application")
    r = await env.client.get("/api/radar", headers=env.auth("secretariat"))
    items = [i for i in r.json()["items"] if i["cluster_key"] in (late, soon)]
    assert [i["due"] for i in items] == sorted(i["due"] for i in items)
    overdue = [i for i in items if i["overdue"]]
    assert [i["what"] for i in overdue] == ["reevaluation_application"] and overdue[0]["cluster_key"] == late
    visit = next(i for i in items if i["what"] == "site_visit")
    assert 0 < visit["working_days_left"] <= 5 and visit["days_left"] >= visit["working_days_left"]
    only = (await env.client.get("/api/radar", params={"overdue": "true"}, headers=env.auth("secretariat"))).json()
    assert all(i["overdue"] for i in only["items"]) and late in {i["cluster_key"] for i in only["items"]}
    near = (await env.client.get("/api/radar", params={"within": 5}, headers=env.auth("secretariat"))).json()
    assert soon in {i["cluster_key"] for i in near["items"]}


async def test_a_whole_procedure_through_the_api_to_the_meeting_then_score_sheets_and_lists_download(env):
    key = await opinion_done(env, "full")
    today = await env.sim.today()
    await env.ok("secretariat", key, "accept_application")
    await env.ok("leader", key, "approve_site_visit", site_visit(today + timedelta(days=3)))
    await env.sim.advance_to(today + timedelta(days=4))
    expert = (await env.client.get(f"/api/clusters/{key}", headers=env.auth("expert"))).json()
    assert [a["action"] for a in expert["actions"]] == ["record_site_report"]  # the lead now sits on its panel
    await env.ok("expert", key, "record_site_report", site_report())
    await env.ok("association", key, "record_formal_opinion", {"recommend": True})
    await env.ok("secretariat", key, "complete_formal_review")
    waiting = (await env.client.get("/api/meetings/waiting", headers=env.auth("secretariat"))).json()
    assert key in [w["cluster_key"] for w in waiting]
    r = await env.client.post("/api/meetings", json={"decisions": {key: "approve"}}, headers=env.auth("leader"))
    assert r.status_code == 403 and r.json()["code"] == "role_not_allowed"
    r = await env.client.post("/api/meetings", json={"decisions": {key: "maybe"}}, headers=env.auth("secretariat"))
    assert r.status_code == 422 and r.json()["code"] == "meeting_decision_unknown"
    r = await env.client.post("/api/meetings", json={"decisions": {key: "approve"}}, headers=env.auth("secretariat"))
    assert r.status_code == 200 and r.json()["decisions"][key] == "approve"
    await env.sim._until_recorded(r.json()["meeting_id"], {key})
    await env.sim.settle()
    shown = (await env.client.get(f"/api/clusters/{key}", headers=env.auth("secretariat"))).json()
    assert shown["stage"] == "approved" and shown["title_status"] == "none"  # §三(四): the document confers
    radar = (await env.client.get("/api/radar", params={"limit": 1000}, headers=env.auth("secretariat"))).json()
    assert (key, "joint_document") in {(i["cluster_key"], i["what"]) for i in radar["items"]}
    document = {"number": "中轻联综字〔2027〕2号", "issued_on": (await env.sim.today()).isoformat(),
                "bodies": ["中国轻工业联合会"], "meeting_id": r.json()["meeting_id"]}
    refused = await env.client.post("/api/meetings/documents", json=document, headers=env.auth("leader"))
    assert refused.status_code == 403 and refused.json()["code"] == "role_not_allowed"
    done = await env.client.post("/api/meetings/documents", json=document, headers=env.auth("secretariat"))
    assert done.status_code == 200 and done.json()["clusters"] == [key]
    await env.sim._until(lambda: any(r.kind == "title" for r in env.sim.journal(key)), "joint document not recorded")
    await env.sim.settle()
    shown = (await env.client.get(f"/api/clusters/{key}", headers=env.auth("secretariat"))).json()
    assert shown["stage"] == "designated" and shown["title_status"] == "valid" and shown["valid_until"]

    sheets = (await env.client.get("/api/score-sheets", params={"cluster": key}, headers=env.auth("auditor"))).json()
    assert [(s["cluster_key"], s["total"], s["passed"]) for s in sheets] == [(key, 88, True)]
    xlsx = await env.client.get("/api/score-sheets", params={"format": "xlsx"}, headers=env.auth("secretariat"))
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames[0] == "汇总" and any(ws["A1"].value == "附件一　评价体系打分表" for ws in wb.worksheets[1:])
    text = (await env.client.get("/api/score-sheets", params={"format": "csv", "cluster": key},
                                 headers=env.auth("secretariat"))).content
    assert text.startswith("\ufeff".encode()) and "总得分" in text.decode("utf-8-sig")
    env.add_user(f"furniture-{key}", role="association", name=f"中国家具协会-{key}", industries=["家具"])
    outsider = await env.client.get("/api/score-sheets", params={"cluster": key}, headers=env.auth(f"furniture-{key}"))
    assert outsider.status_code == 403 and outsider.json()["code"] == "out_of_scope"
    listed = (await env.client.get("/api/score-sheets", headers=env.auth(f"furniture-{key}"))).json()
    assert key not in {s["cluster_key"] for s in listed}

    year = today.year
    repo.record_recognition(env.sim.engine, {"year": year, "announced_on": today, "recognised": [key],
                                             "overdue": [], "rectifying": [], "revoked": ["gone-elsewhere"]})
    assert year in (await env.client.get("/api/recognitions", headers=env.auth("auditor"))).json()
    lists = (await env.client.get(f"/api/recognitions/{year}", headers=env.auth("auditor"))).json()
    assert [e["key"] for e in lists["recognised"]] == [key]
    csv_bytes = (await env.client.get(f"/api/recognitions/{year}", params={"format": "csv"},
                                      headers=env.auth("auditor"))).content
    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    assert rows[0][:3] == ["类别", "序号", "称号"] and rows[1][4] == key
    book = (await env.client.get(f"/api/recognitions/{year}", params={"format": "xlsx"},
                                 headers=env.auth("auditor"))).content
    ws = load_workbook(io.BytesIO(book)).active
    assert "认定名单" in ws["A1"].value
    hidden = (await env.client.get(f"/api/recognitions/{year}", headers=env.auth(f"furniture-{key}"))).json()
    assert hidden["recognised"] == [] and hidden["revoked"] == []  # lists are narrowed to the user's scope
    missing = await env.client.get("/api/recognitions/2001", headers=env.auth("auditor"))
    assert missing.status_code == 404 and missing.json()["code"] == "recognition_unknown"


async def test_the_daily_digest_writes_one_message_per_user_once_a_day_within_scope(env):
    key = await opinion_done(env, "digest")
    await env.ok("secretariat", key, "accept_application")
    env.add_user("nobody-digest", role="association", name="无关协会", industries=["无此行业"])
    first = await deadline_digest(env.console)
    assert "secretariat" in first.written and "auditor" in first.written
    assert "nobody-digest" in first.skipped and "nobody-digest" not in first.written
    again = await deadline_digest(env.console)
    assert again.written == []
    digests = {o.recipient: o for o in repo.outbox(env.sim.engine) if o.kind == "digest"}
    assert "时限日报" in digests["user:secretariat"].subject and key in digests["user:secretariat"].body
    assert "user:nobody-digest" not in digests
