"""Auditors in the console: replay and verification results, the evidence pack, refusal for
roles that may not audit, and every such read journaled."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlmodel import select

from store import audit as audit_log
from store.db import session
from store.models import JournalRow
from tests.api.test_pages import log_in

pytestmark = pytest.mark.api


async def test_an_auditor_sees_replay_and_verification_and_downloads_the_evidence_pack(env):
    key = await env.register("audit")
    await env.ok("association", key, "record_opinion", {"text": "同意推荐"})
    r = await env.client.get(f"/api/clusters/{key}/audit", headers=env.auth("auditor"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["ok"] and body["deterministic"] and body["agrees"] and body["verification"]["ok"]
    assert body["timeline_events"] == body["journal_rows"] > 0
    r = await env.client.get(f"/api/clusters/{key}/evidence", headers=env.auth("auditor"))
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert any(n.startswith("histories/") for n in zipfile.ZipFile(io.BytesIO(r.content)).namelist())
    reads = [(x.what, x.actor) for x in audit_log.reads(env.sim.engine, key)]
    assert reads == [("replay", "审计·审计署"), ("export", "审计·审计署")]


async def test_roles_that_do_not_see_every_cluster_may_not_audit(env):
    key = await env.register("audit")
    for who in ("association", "expert", "provincial"):
        r = await env.client.get(f"/api/clusters/{key}/audit", headers=env.auth(who))
        assert r.status_code == 403 and r.json()["code"] == "audit_not_allowed"
        r = await env.client.get("/api/audit/verify", headers=env.auth(who))
        assert r.status_code == 403


async def test_the_auditor_sees_a_tampered_row_named(env):
    key = await env.register("tamper")
    await env.ok("association", key, "record_opinion", {"text": "同意推荐"})
    with session(env.sim.engine) as s:
        row = s.exec(select(JournalRow).where(JournalRow.cluster_key == key, JournalRow.seq == 2)).one()
        row.data = {**row.data, "to": "designated"}
        s.add(row)
    r = await env.client.get("/api/audit/verify", headers=env.auth("auditor"))
    (mine,) = [v for v in r.json() if v["cluster_key"] == key]
    assert not mine["ok"] and mine["first_bad"] == 2 and mine["problems"][0]["kind"] == "edited"


async def test_the_audit_pages_show_the_results(env):
    key = await env.register("auditpage")
    client = env.client
    await log_in(env, "auditor")
    cluster_page = await client.get(f"/clusters/{key}")
    assert f'href="/audit/{key}"' in cluster_page.text
    page = await client.get(f"/audit/{key}")
    assert page.status_code == 200 and "逐条一致" in page.text and "下载证据包" in page.text
    overview = await client.get("/audit")
    assert overview.status_code == 200 and key in overview.text
    pack = await client.get(f"/audit/{key}/evidence.zip")
    assert pack.status_code == 200 and zipfile.ZipFile(io.BytesIO(pack.content)).testzip() is None
    await log_in(env, "expert")
    refused = await client.get(f"/audit/{key}")
    assert refused.status_code == 403 and "审计" in refused.text
    client.cookies.clear()
