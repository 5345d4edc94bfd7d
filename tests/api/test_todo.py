"""我的待办 / 我的已办 (issue 10 item 5): each user's actions across clusters with the clock they
answer, narrowed to the person (the panel's lead, a body still owed an opinion), the count on
the navigation bar, and what the user did."""

from __future__ import annotations

from datetime import timedelta

import pytest

from service.cnlic.housekeeping import deadline_digest
from store.cnlic import lifecycle as repo
from tests.api.test_pages import log_in
from tests.support import panel, site_visit

pytestmark = pytest.mark.api


async def todo_of(env, who: str) -> dict:
    r = await env.client.get("/api/me/todo", params={"limit": 1000}, headers=env.auth(who))
    assert r.status_code == 200, r.text
    return r.json()


def items_for(todo: dict, key: str) -> list[dict]:
    return [i for i in todo["items"] if i["cluster_key"] == key]


async def in_site_evaluation(env, prefix: str = "todo") -> tuple[str, object]:
    key = await env.register(prefix)
    await env.ok("association", key, "record_opinion", {"text": "同意推荐", "recommend": True})
    await env.ok("secretariat", key, "accept_application")
    visit_on = await env.sim.today() + timedelta(days=3)
    await env.ok("leader", key, "approve_site_visit", site_visit(visit_on))
    return key, visit_on


async def test_the_lead_experts_todo_lists_the_site_report_with_its_visit_date_and_working_days_left(env):
    key, visit_on = await in_site_evaluation(env)
    (item,) = items_for(await todo_of(env, "expert"), key)
    assert item["action"] == "record_site_report" and item["label"] == "提交考评报告"
    assert item["due"] == visit_on.isoformat() and item["clock"] == "visit_on" and item["clock_label"] == "现场考评日"
    assert 0 <= item["working_days_left"] <= 3 and not item["overdue"]
    env.add_user(f"member-{key}", role="expert", name="专家1")  # on the panel, not its lead
    assert items_for(await todo_of(env, f"member-{key}"), key) == []
    await log_in(env, "expert")
    page = await env.client.get("/todo")
    assert page.status_code == 200 and f'data-cluster="{key}"' in page.text and "提交考评报告" in page.text
    assert 'id="todo-count"' in page.text


async def test_an_opinion_is_owed_only_by_the_body_the_application_names_and_acceptance_waits_for_it(env):
    key = await env.register("todo")  # registered as applied: the bodies come from the workflow once
    association = items_for(await todo_of(env, "association"), key)
    assert [i["action"] for i in association] == ["record_opinion"] and association[0]["due"] is None
    assert items_for(await todo_of(env, "provincial"), key) == []  # the route names no provincial body
    assert "accept_application" not in [i["action"] for i in items_for(await todo_of(env, "secretariat"), key)]
    await env.ok("association", key, "record_opinion", {"text": "同意推荐", "recommend": True})
    assert items_for(await todo_of(env, "association"), key) == []
    secretariat = items_for(await todo_of(env, "secretariat"), key)
    assert [i["action"] for i in secretariat] == ["accept_application"]
    await env.ok("secretariat", key, "accept_application")
    (visit,) = items_for(await todo_of(env, "leader"), key)
    assert visit["action"] == "approve_site_visit" and visit["clock"] == "site_visit" and visit["due"]


async def test_the_todo_puts_the_soonest_clock_first_and_actions_without_a_clock_after(env):
    items = (await todo_of(env, "secretariat"))["items"]
    dated = [i["due"] for i in items if i["due"] is not None]
    assert dated == sorted(dated)
    first_undated = next((n for n, i in enumerate(items) if i["due"] is None), len(items))
    assert all(i["due"] is None for i in items[first_undated:])


async def test_the_auditors_todo_is_empty_and_says_so(env):
    await in_site_evaluation(env)
    body = await todo_of(env, "auditor")
    assert body["total"] == 0 and body["items"] == []
    await log_in(env, "auditor")
    page = await env.client.get("/todo")
    assert page.status_code == 200 and "此刻没有待办事项" in page.text and 'id="todo-count"' not in page.text


async def test_my_done_lists_what_the_user_did_newest_first(env):
    key, _ = await in_site_evaluation(env, "done")
    r = await env.client.get("/api/me/done", headers=env.auth("leader"))
    assert r.status_code == 200
    mine = [i for i in r.json()["items"] if i["cluster_key"] == key]
    assert [(i["kind"], i["code"], i["label"]) for i in mine] == [("action", "approve_site_visit", "批准考评（专家组）")]
    done = (await env.client.get("/api/me/done", params={"per_page": 2}, headers=env.auth("association"))).json()
    assert done["per_page"] == 2 and len(done["items"]) <= 2 and done["total"] >= 1
    assert [i["on"] for i in done["items"]] == sorted((i["on"] for i in done["items"]), reverse=True)
    await log_in(env, "leader")
    page = await env.client.get("/done")
    assert page.status_code == 200 and "批准考评（专家组）" in page.text and key in page.text
    beyond = await env.client.get("/api/me/done", params={"page": 999}, headers=env.auth("leader"))
    assert beyond.status_code == 422 and "第 999 页不存在" in beyond.json()["message"]
    assert "第 999 页不存在" in (await env.client.get("/done", params={"page": 999})).text
    assert "筛选条件“页码”的值“abc”无效" in (await env.client.get("/done", params={"page": "abc"})).text


async def test_logging_in_without_a_target_lands_on_my_todo(env):
    env.client.cookies.clear()
    r = await env.client.post("/login", data={"username": "secretariat", "password": "password-123"})
    assert r.status_code == 303 and r.headers["location"] == "/todo"


async def test_the_daily_digest_lists_the_same_todo_items_as_the_console(env):
    key = await env.register("digest-todo")
    await env.ok("association", key, "record_opinion", {"text": "同意推荐", "recommend": True})
    await env.ok("secretariat", key, "accept_application")
    lead = f"组长{key}"
    members = panel()
    members[0]["name"] = lead
    visit_on = await env.sim.today() + timedelta(days=3)
    await env.ok("leader", key, "approve_site_visit", site_visit(visit_on, panel=members))
    env.add_user(f"lead-{key}", role="expert", name=lead)
    result = await deadline_digest(env.console)
    assert f"lead-{key}" in result.written
    (item,) = (await todo_of(env, f"lead-{key}"))["items"]
    digest = next(o for o in repo.outbox(env.sim.engine) if o.recipient == f"user:lead-{key}" and o.kind == "digest")
    assert "我的待办 1 项" in digest.subject
    assert f"- {key} {item['title']}：提交考评报告，现场考评日 {visit_on.isoformat()}" in digest.body
