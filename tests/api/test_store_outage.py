"""A store outage is a 503 the caller can retry, never a 500, and loses nothing (issue 9).

The store is a PostgreSQL of this test's own (initdb in a temporary directory, stopped and
started at will): never the shared server at 127.0.0.1:5432 that other tests use."""

from __future__ import annotations

import httpx
import pytest

from bench.chaos_processes import PrivatePostgres
from console.app import create_app
from domain.cnlic.model import Actor
from service.cnlic.console import ConsoleService
from service.cnlic.simulate import Simulation
from service.users import UserService
from tests.support import ASSOCIATION, SECRETARIAT, application, cluster

pytestmark = [pytest.mark.api, pytest.mark.postgres]


@pytest.fixture(scope="module")
def private_postgres():
    why = PrivatePostgres.unavailable()
    if why:
        pytest.skip(f"no private PostgreSQL can be started here: {why}")
    pg = PrivatePostgres()
    try:
        pg.create()
        yield pg
    finally:
        pg.destroy()


async def test_with_the_store_stopped_reads_and_actions_are_503_and_after_it_returns_nothing_is_lost(
        private_postgres):
    pg = private_postgres
    async with Simulation(database_url=pg.url) as sim:
        users = UserService(sim.engine)
        users.add("clerk", "secretariat", SECRETARIAT["name"], "password-123")
        users.add("assoc", "association", ASSOCIATION["name"], "password-123", industries=["陶瓷"])
        tokens = {u: {"Authorization": f"Bearer {users.issue_token(u)}"} for u in ("clerk", "assoc")}
        app = create_app(ConsoleService(sim.service, sim.engine), users)
        today = await sim.today()
        await sim.register(cluster("outage"), {"stage": "applied", "on": today.isoformat(),
                                               "application": application()}, Actor(**SECRETARIAT))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://console.test") as c:
            assert (await c.get("/api/clusters", headers=tokens["clerk"])).status_code == 200

            pg.stop()
            try:
                answers = [
                    await c.get("/api/clusters", headers=tokens["clerk"]),
                    await c.get("/api/clusters/outage", headers=tokens["clerk"]),
                    await c.get("/api/radar", headers=tokens["clerk"]),
                    await c.post("/api/clusters/outage/actions/record_opinion", json={"text": "同意"},
                                 headers=tokens["assoc"]),
                ]
                for r in answers:
                    assert r.status_code == 503, (r.request.url, r.text)
                    assert r.json()["code"] == "store_unavailable" and r.headers["retry-after"]
                ready = await c.get("/api/ready")
                assert ready.status_code == 503 and "store" in ready.json()["missing"]
                assert (await c.get("/api/health")).status_code == 200  # the process itself lives
                c.cookies.set("designation_session", "whatever")
                page = await c.get("/clusters")
                c.cookies.clear()
                assert page.status_code in (503, 303)  # a page: the error page or the login, never a 500
            finally:
                pg.start()

            assert (await c.get("/api/ready")).status_code == 200
            assert (await c.get("/api/clusters", headers=tokens["clerk"])).status_code == 200
            r = await c.post("/api/clusters/outage/actions/record_opinion", json={"text": "同意"},
                             headers=tokens["assoc"])
            assert r.status_code == 200, r.text
            await sim.settle()
            view = await sim.service.view("outage")
            total, timeline = sim.service.timeline("outage")
            assert [e.seq for e in timeline] == list(range(1, view.seq + 1)) and total == view.seq
            assert any(e.kind == "action" and e.data.get("action") == "record_opinion" for e in timeline)
