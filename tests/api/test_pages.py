"""The web pages, driven over HTTP the way a browser posts forms: login, the overview with
the lifecycle diagram, the filtered list, a cluster page whose forms are exactly the user's
actions, and a refused action shown inline with the rule's message."""

from __future__ import annotations

import re

import httpx
import pytest

from console.app import create_app
from console.cnlic.pages import COOKIE
from service.throttle import LoginThrottle
from service.users import csrf_token
from tests.support import application

pytestmark = pytest.mark.api


async def log_in(env, username: str, password: str = "password-123"):
    env.client.cookies.clear()
    r = await env.client.post("/login", data={"username": username, "password": password, "next": "/"})
    assert r.status_code == 303, r.text
    token = r.cookies.get(COOKIE)
    assert token
    return token


async def test_pages_send_a_visitor_without_a_session_to_the_login_page(env):
    env.client.cookies.clear()
    r = await env.client.get("/clusters?stage=applied")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/clusters%3Fstage%3Dapplied"
    r = await env.client.post("/login", data={"username": "secretariat", "password": "wrong-password"})
    assert r.status_code == 401 and "用户名或密码不正确" in r.text and COOKIE not in r.cookies


async def test_the_overview_draws_the_lifecycle_with_counts_and_the_radar(env):
    await env.register("page")
    await log_in(env, "secretariat")
    r = await env.client.get("/")
    assert r.status_code == 200 and "<svg" in r.text
    assert 'data-stage="applied"' in r.text and "申请" in r.text and "时限雷达" in r.text
    listed = await env.client.get("/clusters", params={"stage": "applied"})
    assert listed.status_code == 200 and "共 " in listed.text and "page-" in listed.text


async def test_a_cluster_page_offers_exactly_the_users_actions_and_shows_a_refusal_inline(env):
    key = await env.register("page")
    token = await log_in(env, "secretariat")
    page = await env.client.get(f"/clusters/{key}")
    assert page.status_code == 200
    offered = re.findall(r'data-action="([a-z_]+)"', page.text)
    view = await env.sim.service.view(key)
    # opinions are outstanding: nothing to accept yet; only what the secretariat may do now
    assert set(offered) == set(view.allowed["secretariat"]) - {"hold_meeting"} and "accept_application" not in offered
    r = await env.client.post(f"/clusters/{key}/actions/accept_application", data={"csrf": csrf_token(token)})
    assert r.status_code == 409
    assert "action_not_allowed" in r.text and "尚缺以下单位的审查意见" in r.text
    before = len(env.sim.journal(key))
    r = await env.client.post(f"/clusters/{key}/actions/withdraw", data={"f_reason": "不再申请"})
    assert r.status_code == 403 and "csrf_invalid" in r.text  # a form without its token is refused
    assert len(env.sim.journal(key)) == before


async def test_an_action_from_a_form_moves_the_cluster_and_the_page_shows_the_new_stage(env):
    key = await env.register("page")
    await env.ok("association", key, "record_opinion")
    token = await log_in(env, "secretariat")
    r = await env.client.post(f"/clusters/{key}/actions/accept_application", data={"csrf": csrf_token(token)})
    assert r.status_code == 303 and r.headers["location"] == f"/clusters/{key}?done=accept_application"
    page = await env.client.get(r.headers["location"])
    assert "已办理：受理申请" in page.text and 'id="stage">受理<' in page.text
    assert 'data-deadline="site_visit"' in page.text


async def test_an_auditor_reads_every_page_and_is_offered_no_action(env):
    key = await env.register("page")
    await log_in(env, "auditor", "password-123")
    page = await env.client.get(f"/clusters/{key}")
    assert page.status_code == 200 and "data-action=" not in page.text and "审计账号只读" in page.text
    for path in ("/", "/clusters", "/radar", "/meetings", "/downloads"):
        assert (await env.client.get(path)).status_code == 200, path
    csv_file = await env.client.get("/downloads/score-sheets.csv")
    assert csv_file.status_code == 200 and csv_file.content.startswith("\ufeff".encode())


async def test_a_cluster_outside_the_scope_is_refused_on_its_page(env):
    key = await env.register("page", industry="家具", product="家具",
                             application=application(bodies=["中国家具协会"]))  # the directory's body for 家具
    await log_in(env, "association")
    r = await env.client.get(f"/clusters/{key}")
    assert r.status_code == 403 and "out_of_scope" in r.text


class Clock:
    """A hand-wound clock for the login throttle: a lockout ends without sleeping through it."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(env, monkeypatch):
    c = Clock()
    monkeypatch.setattr(env.users, "throttle", LoginThrottle(clock=c))
    return c


def browser_at(env, address: str) -> httpx.AsyncClient:
    """A client connecting from ``address``, to the same console and users as ``env.client``."""
    transport = httpx.ASGITransport(app=create_app(env.console, env.users), client=(address, 40_000))
    return httpx.AsyncClient(transport=transport, base_url="http://console.test")


async def attempt(client: httpx.AsyncClient, username: str, password: str = "wrong-password") -> httpx.Response:
    return await client.post("/login", data={"username": username, "password": password, "next": "/"})


async def test_five_failed_logins_lock_a_username_for_a_minute_and_the_right_password_is_refused_meanwhile(env, clock):
    env.add_user("locked-user", role="auditor", name="审计甲")
    for i in range(4):  # from four different places: the username is what is counted
        async with browser_at(env, f"10.0.1.{i}") as browser:
            assert (await attempt(browser, "locked-user")).status_code == 401
    async with browser_at(env, "10.0.1.9") as browser:
        r = await attempt(browser, "locked-user")
        assert r.status_code == 429 and r.headers["Retry-After"] == "60" and "登录失败次数过多" in r.text
        r = await attempt(browser, "locked-user", "password-123")
        assert r.status_code == 429 and COOKIE not in r.cookies
        clock.now += 59
        r = await attempt(browser, "locked-user", "password-123")
        assert r.status_code == 429 and r.headers["Retry-After"] == "1"
        clock.now += 2
        r = await attempt(browser, "locked-user", "password-123")
        assert r.status_code == 303 and r.cookies.get(COOKIE)


async def test_five_failed_logins_from_one_address_lock_that_address_for_every_username(env, clock):
    env.add_user("elsewhere-user", role="auditor", name="审计乙")
    async with browser_at(env, "10.0.2.1") as browser:
        for i in range(4):
            assert (await attempt(browser, f"guess-{i}")).status_code == 401
        assert (await attempt(browser, "guess-4")).status_code == 429
        assert (await attempt(browser, "elsewhere-user", "password-123")).status_code == 429
    async with browser_at(env, "10.0.2.2") as other:
        assert (await attempt(other, "elsewhere-user", "password-123")).status_code == 303


async def test_a_successful_login_forgets_the_users_failures_but_not_the_addresses(env, clock):
    env.add_user("forgetful-user", role="auditor", name="审计丙")
    async with browser_at(env, "10.0.3.1") as first:
        for _ in range(4):
            assert (await attempt(first, "forgetful-user")).status_code == 401
        assert (await attempt(first, "forgetful-user", "password-123")).status_code == 303
    async with browser_at(env, "10.0.3.2") as second:
        for _ in range(4):  # four more for the user: not five, since the success started the count again
            assert (await attempt(second, "forgetful-user")).status_code == 401
    async with browser_at(env, "10.0.3.1") as first:  # the first address has four failures of its own
        assert (await attempt(first, "someone-else")).status_code == 429


async def test_every_response_carries_a_content_security_policy_without_unsafe_inline_scripts(env):
    await log_in(env, "secretariat")
    for path in ("/", "/clusters", "/login", "/static/console.css", "/api/clusters", "/nowhere"):
        r = await env.client.get(path)
        policy = r.headers.get("content-security-policy", "")
        assert policy.startswith("default-src 'self'") and "unsafe-inline" not in policy, path
    page = (await env.client.get("/")).text
    assert "<script" not in page and "style=" not in page and " onclick=" not in page


async def test_the_api_docs_may_run_exactly_their_own_inline_script(env):
    import base64
    import hashlib

    r = await env.client.get("/api/docs")
    policy = r.headers["content-security-policy"]
    inline = re.findall(r"<script>(.*?)</script>", r.text, re.S)
    assert len(inline) == 1 and "unsafe-inline" not in policy
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy and "https://cdn.jsdelivr.net" in policy


async def test_logout_without_the_form_token_is_refused_and_the_session_stays(env):
    token = await log_in(env, "secretariat")
    r = await env.client.post("/logout", data={})
    assert r.status_code == 403 and "csrf_invalid" in r.text
    assert (await env.client.get("/")).status_code == 200  # still logged in
    r = await env.client.post("/logout", data={"csrf": csrf_token(token)})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert (await env.client.get("/")).status_code == 303
