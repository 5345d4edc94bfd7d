"""``make run``'s service and a worker killed mid-lifecycle, on a real Temporal dev server."""

from __future__ import annotations

import asyncio
import os
import urllib.request
from collections import Counter
from datetime import timedelta

import pytest
from temporalio.client import Client, WorkflowUpdateStage

from domain.cnlic.model import Actor
from service.cnlic.lifecycle import LifecycleService
from service.runtime import EmbeddedServer, Settings
from service.temporal import CONVERTER
from store.cnlic import lifecycle as repo
from store.db import make_engine, migrate
from tests.e2e.conftest import ServiceProcess
from tests.support import ASSOCIATION, LEAD_EXPERT, LEADER, SECRETARIAT, cluster, site_report, site_visit
from workflows.cnlic.contracts import ActionInput, designation_workflow_id

pytestmark = pytest.mark.e2e


def listening_addresses(port: int) -> set[str]:
    """Local addresses bound to ``port`` (from /proc/net/tcp, state LISTEN)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in open(table).read().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hexport = local.rsplit(":", 1)
            if int(hexport, 16) == port and state == "0A":
                found.add(address)
    return found


async def wait_for(predicate, timeout: float = 30.0, what: str = ""):
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await predicate()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.3)


async def test_make_run_brings_up_the_demo_and_the_ui_lists_it_filtered_by_cluster_stage(tmp_path, service_env):
    service = ServiceProcess(tmp_path, service_env, "--demo").start()
    try:
        assert "已载入演示数据" in service.output()
        port, ui = int(service_env["TEMPORAL_DEV_PORT"]), int(service_env["TEMPORAL_UI_PORT"])
        client = await Client.connect(f"127.0.0.1:{port}", namespace="designation", data_converter=CONVERTER)

        async def designated():
            ids = [w.id async for w in client.list_workflows('ClusterStage = "designated"')]
            wanted = {"designation-demo-ceramics", "designation-demo-furniture"}
            return ids if wanted <= set(ids) else None

        ids = await wait_for(designated, what="visibility of the demo workflows")
        # program 1's two designated demo titles (program 2's demo set adds co-built titles of its own)
        assert {"designation-demo-ceramics", "designation-demo-furniture"} <= set(ids)
        assert all(i.startswith("designation-demo-") for i in ids)
        overdue = [w.id async for w in client.list_workflows("Overdue = true")]
        assert "designation-demo-ceramics" in overdue  # its re-evaluation application is past due
        with urllib.request.urlopen(f"http://127.0.0.1:{ui}/", timeout=10) as page:
            assert page.status == 200
        for bound in (port, ui):
            assert listening_addresses(bound) <= {"0100007F", "00000000000000000000000001000000"}, bound
        engine = make_engine(f"sqlite:///{tmp_path / '.data' / 'designation.db'}")
        first = len(repo.clusters(engine))  # program 1's demo set and the co-built titles program 2's adds
        assert first >= 7
    finally:
        code = service.interrupt()
    assert code == 0 and "正在停止" in service.output()

    again = ServiceProcess(tmp_path, service_env, "--demo").start()  # resumes the same data
    try:
        assert "演示数据              已存在" in again.output()
        rows = repo.journal(engine)
        assert len(rows) == len({r.idem_key for r in rows}) and len(repo.clusters(engine)) == first
    finally:
        assert again.interrupt() == 0


async def test_a_worker_killed_mid_lifecycle_and_restarted_loses_nothing_and_writes_nothing_twice(
        tmp_path, service_env, monkeypatch):
    for name in ("DESIGNATION_DATA_DIR", "TEMPORAL_DEV_PORT", "TEMPORAL_UI_PORT"):
        monkeypatch.setenv(name, service_env[name])
    settings = Settings.from_env()
    server = EmbeddedServer(settings)
    await server.start()
    worker_env = dict(service_env, TEMPORAL_ADDRESS=settings.target,
                      DATABASE_URL=f"sqlite:///{tmp_path / 'store.db'}")
    worker = ServiceProcess(tmp_path, worker_env).start()
    try:
        engine = make_engine(worker_env["DATABASE_URL"])
        migrate(engine)
        client = await Client.connect(settings.target, namespace=settings.namespace, data_converter=CONVERTER)
        svc = LifecycleService(client, engine)
        today = await svc.today()
        await svc.register(cluster("ceramics"), {"stage": "applied", "on": today.isoformat(), "application": {
            "route": "association", "bodies": ["中国陶瓷工业协会"], "industry_history_years": 20}}, Actor(**SECRETARIAT))
        await svc.act("ceramics", "record_opinion", {}, Actor(**ASSOCIATION))

        # kill -9 while the accepted update's activities are running
        handle = client.get_workflow_handle(designation_workflow_id("ceramics"))
        update = await handle.start_update("accept_application", ActionInput(Actor(**SECRETARIAT), {}),
                                           wait_for_stage=WorkflowUpdateStage.ACCEPTED)
        worker.kill()
        worker = ServiceProcess(tmp_path, worker_env).start()
        await asyncio.wait_for(update.result(), timeout=60)

        await svc.act("ceramics", "approve_site_visit", site_visit(today + timedelta(days=5)), Actor(**LEADER))
        worker.kill()  # and once more between actions
        worker = ServiceProcess(tmp_path, worker_env).start()
        await asyncio.wait_for(svc.act("ceramics", "record_site_report", site_report(), Actor(**LEAD_EXPERT)), 60)

        view = await svc.view("ceramics")
        assert view.stage == "association_opinion"

        async def recorded():
            row = repo.cluster(engine, "ceramics")
            return row is not None and row.last_seq == view.seq

        await wait_for(recorded, what="the journal to catch up")
        seqs = Counter(r.seq for r in repo.journal(engine, "ceramics"))
        assert max(seqs.values()) == 1, "a journal row was written twice"
        assert sorted(seqs) == list(range(1, view.seq + 1)), "a journal row is missing"
        stages = [r.data["to"] for r in repo.journal(engine, "ceramics") if r.kind == "stage"]
        assert stages == ["applied", "accepted", "site_evaluation", "association_opinion"]
    finally:
        worker.stop()
        server.stop()
