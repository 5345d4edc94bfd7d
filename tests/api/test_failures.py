"""Every failure is a clear status, never a 500 (issue 9): oversized bodies 413, bodies JSON
cannot carry 422, an ended lifecycle 409, Temporal too slow 503 with Retry-After, the
readiness probe naming what is missing, and scope that never lags the workflow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import delete

from service.cnlic.console import ConsoleService
from store.db import session
from store.cnlic.models import PanelMemberRow
from tests.api.test_api import opinion_done, state_of
from tests.support import site_report, site_visit

pytestmark = pytest.mark.api


async def test_a_two_megabyte_opinion_is_413_in_chinese_and_the_cluster_then_goes_on(env):
    key = await env.register("huge")
    before = await state_of(env, key)
    r = await env.act("association", key, "record_opinion", {"text": "意" * (2 * 1024 * 1024), "recommend": True})
    assert r.status_code == 413 and r.json()["code"] == "body_too_large" and "附件" in r.json()["message"]
    # under the body limit but over the text limit: the rule names the field and the limit
    r = await env.act("association", key, "record_opinion", {"text": "意" * 6000, "recommend": True})
    assert r.status_code == 422 and r.json()["code"] == "text_too_long" and "text" in r.json()["message"]
    r = await env.act("secretariat", key, "request_supplement", {"items": [f"材料{i}" for i in range(51)]})
    assert r.status_code == 422 and r.json()["code"] == "too_many_items"
    await env.sim.settle()
    assert await state_of(env, key) == before
    await env.ok("association", key, "record_opinion", {"text": "同意推荐", "recommend": True})
    await env.ok("secretariat", key, "accept_application")
    assert (await env.sim.service.view(key)).stage == "accepted"


@pytest.mark.parametrize("body", [
    b'{"text": "a\\ud800b", "recommend": true}',  # a lone surrogate
    b'{"text": "ok", "score": NaN}',
    b'{"text": "ok", "score": Infinity}',
    b'{"text": "ok", "score": -Infinity}',
    b'{"text": "unclosed',
    b'\xff\xfe{}',
    b'[' * 100 + b']' * 100,
], ids=["lone-surrogate", "nan", "infinity", "minus-infinity", "unclosed", "not-utf8", "too-deep"])
async def test_json_that_json_cannot_carry_faithfully_is_422_with_one_line_and_its_position(env, body):
    key = await env.register("badjson")
    r = await env.client.post(f"/api/clusters/{key}/actions/record_opinion", content=body,
                              headers={**env.auth("association"), "Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    message = r.json()["message"]
    assert r.json()["code"] == "invalid_json" and message.startswith("请求体:") and "\n" not in message


async def test_a_body_declaring_more_than_the_limit_is_refused_before_it_is_read(env):
    r = await env.client.post("/api/meetings", content=b"{}",
                              headers={**env.auth("secretariat"), "Content-Type": "application/json",
                                       "Content-Length": str(10 * 1024 * 1024)})
    assert r.status_code == 413 and r.json()["code"] == "body_too_large"


async def test_acting_on_an_ended_lifecycle_is_409_lifecycle_ended_while_it_can_still_be_read(env):
    key = await env.register("ended")
    env.add_user(f"applicant-{key}", role="applicant", name=f"{key} 人民政府", clusters=[key])
    await env.ok(f"applicant-{key}", key, "withdraw", {"reason": "暂不申请"})
    shown = await env.client.get(f"/api/clusters/{key}", headers=env.auth("secretariat"))
    assert shown.status_code == 200 and shown.json()["stage"] == "withdrawn"
    r = await env.act("association", key, "record_opinion", {"text": "同意"})
    assert r.status_code == 409 and r.json()["code"] == "lifecycle_ended" and "已结束" in r.json()["message"]


async def test_an_update_that_times_out_is_503_temporal_timeout_with_retry_after(env):
    key = await opinion_done(env, "slow")
    impatient = ConsoleService(env.console.lifecycle, env.console.engine, action_timeout=0.0)
    env.client._transport.app.state.console = impatient
    try:
        r = await env.act("secretariat", key, "accept_application")
    finally:
        env.client._transport.app.state.console = env.console
    assert r.status_code == 503 and r.json()["code"] == "temporal_timeout"
    assert int(r.headers["retry-after"]) > 0


async def test_ready_says_what_is_there_and_health_only_that_the_process_lives(env):
    assert (await env.client.get("/api/health")).json() == {"status": "ok"}
    r = await env.client.get("/api/ready")
    assert r.status_code == 200 and r.json() == {"status": "ready", "missing": {}}


async def test_a_panel_lead_is_not_refused_while_the_store_has_not_yet_written_the_panel(env):
    key = await opinion_done(env, "lag")
    today = await env.sim.today()
    await env.ok("secretariat", key, "accept_application")
    await env.ok("leader", key, "approve_site_visit", site_visit(today + timedelta(days=3)))
    with session(env.sim.engine) as s:  # the read model behind the workflow: no panel rows yet
        s.exec(delete(PanelMemberRow).where(PanelMemberRow.cluster_key == key))
    await env.sim.advance_to(today + timedelta(days=4))
    page = await env.client.get(f"/api/clusters/{key}", headers=env.auth("expert"))
    assert page.status_code == 200 and [a["action"] for a in page.json()["actions"]] == ["record_site_report"]
    r = await env.act("expert", key, "record_site_report", site_report())
    assert r.status_code == 200, r.text
    # and someone the workflow does not name is still refused
    env.add_user(f"other-expert-{key}", role="expert", name="王专家")
    r = await env.act(f"other-expert-{key}", key, "record_site_report", site_report())
    assert r.status_code == 403 and r.json()["code"] == "out_of_scope"


async def test_reconciliation_leaves_a_cluster_mid_update_alone_and_repairs_real_drift(env, monkeypatch):
    """A row read while its lifecycle's journal write is in flight is not drift (issue 9)."""
    import asyncio
    import threading

    from service.cnlic.housekeeping import reconcile_cluster
    from store.cnlic import lifecycle as repo
    from store.cnlic import readmodel
    from tests.support import SECRETARIAT
    from domain.cnlic.model import Actor

    key = await opinion_done(env, "midway")
    entered, release = threading.Event(), threading.Event()
    record = repo.record_events

    def slow_record(engine, workflow_id, *args, **kwargs):
        if workflow_id.endswith(key):
            entered.set()
            release.wait(30)
        return record(engine, workflow_id, *args, **kwargs)

    monkeypatch.setattr(repo, "record_events", slow_record)
    acting = asyncio.create_task(env.sim.service.act(key, "accept_application", {}, Actor(**SECRETARIAT)))
    for _ in range(300):
        if entered.is_set():
            break
        await asyncio.sleep(0.02)
    assert entered.is_set(), "the record activity never started"
    row = readmodel.cluster_row(env.sim.engine, key)
    assert row.stage == "applied"  # the read model still says what it said before the action
    # reconciling now races the writer: since lean-history-v1 the journal is written inside the
    # workflow task (a local activity), so the workflow answers only once it is written; either
    # way the row read before must not be "repaired" back over what the writer wrote
    reconciling = asyncio.create_task(reconcile_cluster(env.console, row))
    await asyncio.sleep(0.5)
    release.set()
    await acting
    assert await reconciling == "pending"
    assert readmodel.cluster_row(env.sim.engine, key).stage == "accepted"  # nothing overwritten
    await env.sim.settle()
    assert await reconcile_cluster(env.console, readmodel.cluster_row(env.sim.engine, key)) is None

    with session(env.sim.engine) as s:  # real drift: the row says something the workflow never did
        drifted = readmodel.cluster_row(env.sim.engine, key)
        drifted.stage = "refused"
        s.add(drifted)
    repair = await reconcile_cluster(env.console, readmodel.cluster_row(env.sim.engine, key))
    assert repair is not None and repair != "pending" and repair.changes["stage"] == ("refused", "accepted")
