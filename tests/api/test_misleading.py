"""What used to mislead (issue 10 item 6): an expired-overdue title shows the recognition that
will revoke it, overdue shows its due date and days overdue, the list names the overdue item,
a bad filter value is said on the page and in the API alike, and no English code reaches a
Chinese page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import httpx
import pytest

from console.app import create_app
from domain.calendar import add_months, add_years
from domain.cnlic.policy import DEFAULT_POLICY_VERSION, get_policy
from service.cnlic.console import ConsoleService
from service.cnlic.demo import load_demo
from service.cnlic.simulate import Simulation
from service.users import UserService
from tests.api.test_pages import log_in
from tests.support import site_visit

pytestmark = pytest.mark.api


async def test_an_expired_overdue_title_is_on_the_radar_and_its_page_with_the_date_of_its_revocation(env):
    today = await env.sim.today()
    conferred = add_months(today, -80)  # as demo-leather: expired more than two years ago
    key = await env.register("leather", stage="designated", industry="皮革", product="皮革",
                             conferred_on=conferred.isoformat())
    policy = get_policy(DEFAULT_POLICY_VERSION)
    past = add_years(add_years(conferred, policy.validity_years), policy.overdue_revocation_years)
    assert past < today  # already more than two years past expiry
    # §四(四): revoked at the first recognition from today whose preceding 31 December is past that
    year = today.year if date(today.year, policy.recognition_month, policy.recognition_day) >= today else today.year + 1
    while date(year - 1, 12, 31) < past:
        year += 1
    revocation = date(year, policy.recognition_month, policy.recognition_day)

    radar = (await env.client.get("/api/radar", params={"limit": 1000}, headers=env.auth("secretariat"))).json()
    (item,) = [i for i in radar["items"] if i["cluster_key"] == key]
    assert item["what"] == "overdue_revocation" and item["due"] == revocation.isoformat()
    assert item["what_label"] == "到期未复评取消（年度认定公告）" and item["days_left"] == (revocation - today).days
    shown = (await env.client.get(f"/api/clusters/{key}", headers=env.auth("secretariat"))).json()
    assert shown["stage"] == "expired" and shown["revocation_on"] == revocation.isoformat()
    todo = (await env.client.get("/api/me/todo", headers=env.auth("secretariat"))).json()
    (owed,) = [i for i in todo["items"] if i["cluster_key"] == key]
    assert owed["action"] == "file_reevaluation" and owed["due"] == revocation.isoformat()

    await log_in(env, "secretariat")
    page = await env.client.get(f"/clusters/{key}")
    assert "没有未了的时限" not in page.text and 'data-deadline="overdue_revocation"' in page.text
    assert revocation.isoformat() in page.text
    radar_page = await env.client.get("/radar")
    assert key in radar_page.text and revocation.isoformat() in radar_page.text


async def test_overdue_shows_its_due_date_and_days_overdue_on_the_cluster_page_the_list_and_the_api(env):
    today = await env.sim.today()
    key = await env.register("late", stage="designated", industry="家具", product="家具",
                             conferred_on=(add_months(today, -48) + timedelta(days=21)).isoformat())
    shown = (await env.client.get(f"/api/clusters/{key}", headers=env.auth("secretariat"))).json()
    (late,) = [d for d in shown["deadlines"] if d["overdue"]]
    due = date.fromisoformat(late["due"])
    days = (today - due).days
    assert late["what"] == "reevaluation_application" and days > 0
    listed = (await env.client.get("/api/clusters", params={"q": key}, headers=env.auth("secretariat"))).json()
    (row,) = listed["items"]
    assert [(o["what"], o["due"], o["days_overdue"]) for o in row["overdue_items"]] == [
        ("reevaluation_application", late["due"], days)]
    await log_in(env, "secretariat")
    page = await env.client.get(f"/clusters/{key}")
    assert f"已逾期 {days} 天" in page.text and "起）" not in page.text
    listing = await env.client.get("/clusters", params={"q": key})
    assert f"复评申请（到期前3个月） {late['due']} 截止，已逾期 {days} 天" in listing.text


@pytest.mark.parametrize("url, params, says", [
    ("/clusters", {"stage": "bogus"}, "筛选条件“阶段”的值“bogus”无效"),
    ("/clusters", {"within": "abc"}, "筛选条件“时限在 N 个工作日内到期”的值“abc”无效"),
    ("/clusters", {"title_status": "shiny"}, "筛选条件“称号状态”的值“shiny”无效"),
    ("/clusters", {"page": "999"}, "第 999 页不存在"),
    ("/radar", {"within": "abc"}, "筛选条件“时限在 N 个工作日内到期”的值“abc”无效"),
    ("/radar", {"within": "99999"}, "应为 0–1500 之间的整数"),
])
async def test_a_bad_filter_value_is_said_in_chinese_on_the_page_and_in_the_api_alike(env, url, params, says):
    r = await env.client.get(f"/api{url}", params=params, headers=env.auth("secretariat"))
    assert r.status_code == 422 and says in r.json()["message"], r.text
    assert r.json()["code"] in ("invalid_filter", "page_out_of_range")
    await log_in(env, "secretariat")
    page = await env.client.get(url, params=params)
    assert page.status_code == 422 and 'id="filter-problem"' in page.text and says in page.text


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<code>.*?</code>", " ", html, flags=re.S)  # the workflow id is an identifier, shown as such
    html = re.sub(r"<form class=\"action.*?</form>", " ", html, flags=re.S)  # the action forms' fields: item 3
    return re.sub(r"<[^>]+>", " ", html)


async def test_no_english_event_or_action_code_leaks_into_a_cluster_page(env):
    key = await env.register("words")
    await env.ok("association", key, "record_opinion", {"text": "同意推荐", "recommend": True})
    await env.ok("secretariat", key, "accept_application")
    await env.ok("leader", key, "approve_site_visit", site_visit(await env.sim.today() + timedelta(days=3)))
    await log_in(env, "expert")
    page = (await env.client.get(f"/clusters/{key}")).text
    assert "<h3>提交考评报告</h3>" in page  # the form is headed by its label alone
    text = visible_text(page)
    assert "考评已批准" in text and "登记申请" in text and "批准考评（专家组）" in text
    codes = set(re.findall(r"\b[a-z]+(?:_[a-z]+)+\b", text)) | {w for w in ("registered", "approve", "designation")
                                                                 if re.search(rf"\b{w}\b", text)}
    assert codes == set(), codes


async def test_the_demos_expired_overdue_title_is_on_the_radar_with_its_revocation_date():
    async with Simulation() as sim:  # the demo's keys are fixed: a store of its own
        await load_demo(sim.service)
        await sim.settle()
        users = UserService(sim.engine)
        app = create_app(ConsoleService(sim.service, sim.engine), users)
        users.add("secretariat", "secretariat", "综合业务部", "password-123")
        token = users.issue_token("secretariat")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://console.test") as client:
            headers = {"Authorization": f"Bearer {token}"}
            leather = (await client.get("/api/clusters/demo-leather", headers=headers)).json()
            assert leather["stage"] == "expired" and leather["revocation_on"]
            radar = (await client.get("/api/radar", headers=headers)).json()
            (item,) = [i for i in radar["items"] if i["cluster_key"] == "demo-leather"]
            assert item["what"] == "overdue_revocation" and item["due"] == leather["revocation_on"]
            revocation = date.fromisoformat(item["due"])
            assert (revocation.month, revocation.day) == (1, 15) and revocation > await sim.today()
