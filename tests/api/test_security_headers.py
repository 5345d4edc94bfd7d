"""Every console response carries the security headers (``console.headers``): on the API, the
pages, a refusal, a 404 and the static files the pages' policy; on the API docs page a policy
that names its CDN and the hash of each of its inline scripts."""

from __future__ import annotations

import base64
import hashlib
import re

import httpx
import pytest

from console import csp
from console.app import create_app

pytestmark = pytest.mark.api

ALWAYS = {"x-content-type-options": "nosniff", "x-frame-options": "DENY", "referrer-policy": "same-origin"}


def _secured(r, policy: str | None = csp.PAGES) -> None:
    for name, value in ALWAYS.items():
        assert r.headers.get(name) == value, (r.request.url, name, r.headers)
    assert len(r.headers.get_list("content-security-policy")) == 1
    if policy is not None:
        assert r.headers["content-security-policy"] == policy


@pytest.mark.parametrize("path, status", [("/api/clusters", 200), ("/api/clusters", 401), ("/api/no-such-thing", 404),
                                          ("/login", 200), ("/clusters", 303), ("/static/console.css", 200)])
async def test_each_kind_of_response_carries_the_pages_policy_and_the_fixed_headers(env, path, status):
    # a client of its own: the shared one may hold another test's session cookie (a page would be 200)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(env.console, env.users)),
                                 base_url="http://console.test") as client:
        r = await client.get(path, headers=env.auth("secretariat") if status != 401 else {})
    assert r.status_code == status, r.text[:200]
    _secured(r)


async def test_a_refused_post_carries_them_too(env):
    r = await env.client.post("/api/clusters/no-such-cluster/actions/accept_application", json={},
                              headers=env.auth("secretariat"))
    assert r.status_code in (403, 404, 409, 422)
    _secured(r)


async def test_the_docs_page_gets_its_own_policy_with_the_hash_of_each_inline_script(env):
    r = await env.client.get("/api/docs")
    assert r.status_code == 200
    _secured(r, policy=None)
    policy = r.headers["content-security-policy"]
    assert policy == csp.docs_policy(r.content) and policy != csp.PAGES
    scripts = re.findall(rb"<script>(.*?)</script>", r.content, re.S)
    assert scripts  # Swagger UI's bootstrap script is inline
    for s in scripts:
        assert f"'sha256-{base64.b64encode(hashlib.sha256(s).digest()).decode()}'" in policy
    assert int(r.headers["content-length"]) == len(r.content)  # the body held back is the body sent
