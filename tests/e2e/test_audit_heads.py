"""``audit verify --all`` on a real dev server (issue 15, row 5): program 1's heads come from one
visibility listing of the JournalHead search attribute, agree with what the histories hold, and
still reveal a cut tail and rows the workflow never wrote."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import select

import audit.service
from activities.cnlic.lifecycle import LifecycleActivities
from audit.history import latest_head, listed_heads
from audit.service import AuditService
from domain.cnlic.model import Actor
from service.cnlic.lifecycle import LifecycleService
from service.runtime import EmbeddedServer, Settings, connect, prepare_namespace
from service.temporal import make_worker
from store.cnlic import lifecycle as repo
from store.db import make_engine, migrate, session
from store.models import JournalRow
from tests.e2e.conftest import free_port
from tests.support import ASSOCIATION, SECRETARIAT, application, cluster
from workflows.cnlic.contracts import designation_workflow_id

pytestmark = pytest.mark.e2e
KEYS = ("ceramics", "textiles", "leather")


async def until_listed(client, engine, keys) -> dict[str, tuple[int, str]]:
    """Visibility catches up with a workflow task a moment after it completes."""
    ids = {designation_workflow_id(k): k for k in keys}
    for _ in range(100):
        found = await listed_heads(client, set(ids))
        if all(found.get(w, (0, ""))[0] == repo.cluster(engine, k).last_seq for w, k in ids.items()):
            return {ids[w]: h for w, h in found.items()}
        await asyncio.sleep(0.1)
    raise AssertionError(f"visibility did not catch up: {found}")


async def test_verify_all_takes_program1_heads_from_one_listing_and_still_names_a_cut_tail_and_forged_rows(
        tmp_path, monkeypatch):
    settings = Settings(dev_port=free_port(), ui_port=free_port(), data=tmp_path, task_queue="heads")
    server = EmbeddedServer(settings)
    await server.start()
    try:
        client = await connect(settings)
        await prepare_namespace(client, settings)
        engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
        migrate(engine)
        async with make_worker(client, LifecycleActivities(engine, client, task_queue="heads"), "heads"):
            svc = LifecycleService(client, engine, task_queue="heads")
            await svc.ensure_program()
            today = await svc.today()
            for i, key in enumerate(KEYS):
                region = {"province": "广东省", "city": "佛山市", "county": f"{i + 1}区", "code": ""}
                await svc.register(cluster(key, region=region), {"stage": "applied", "on": today.isoformat(),
                                                                 "application": application()}, Actor(**SECRETARIAT))
            await svc.act("ceramics", "record_opinion", {}, Actor(**ASSOCIATION))
            await svc.act("ceramics", "accept_application", {}, Actor(**SECRETARIAT))

            listed = await until_listed(client, engine, KEYS)
            for key in KEYS:  # the attribute is the head the history itself recorded
                assert listed[key] == await latest_head(client, designation_workflow_id(key))
                assert listed[key][1] == repo.journal(engine, key)[-1].hash

            reads: list[str] = []

            async def counted(client, workflow_id, *args, **kwargs):
                reads.append(workflow_id)
                return await latest_head(client, workflow_id, *args, **kwargs)

            monkeypatch.setattr(audit.service, "latest_head", counted)
            auditor = AuditService(client, engine)
            reports = await auditor.verify(None, "审计员")
            assert {r.cluster_key for r in reports} == set(KEYS) and all(r.ok for r in reports)
            assert reads == [] and (auditor.heads_listed, auditor.heads_read) == (3, 0)

            with session(engine) as s:  # cut the tail of one journal: the listed head names it
                last = s.exec(select(JournalRow).where(JournalRow.cluster_key == "ceramics")
                              .order_by(JournalRow.seq.desc())).first()
                cut = JournalRow(**last.model_dump())
                s.delete(last)
            reports = {r.cluster_key: r for r in await AuditService(client, engine).verify(None, "审计员")}
            assert reports["ceramics"].problems[0].kind == "truncated" and reports["textiles"].ok
            assert reads == []

            with session(engine) as s:  # put it back, and add a row the workflow never wrote
                s.add(cut)
                s.add(JournalRow(**{**cut.model_dump(), "id": None, "seq": cut.seq + 1,
                                    "idem_key": cut.idem_key + "-forged", "prev_hash": cut.hash}))
            reports = {r.cluster_key: r for r in await AuditService(client, engine).verify(None, "审计员")}
            assert [p.kind for p in reports["ceramics"].problems] == ["edited", "forged"]
            assert reads == [designation_workflow_id("ceramics")]  # looked again in its history first
            assert all(reports[k].ok for k in ("textiles", "leather"))
    finally:
        server.stop()
