"""API and page tests: the console app in-process (httpx over ASGI) on the real workflows
and activities, Temporal's time-skipping server and a temporary store (the Simulation
harness). One environment per session; each test registers clusters under its own keys."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import pytest_asyncio

from console.app import create_app
from domain.cnlic.access import User
from domain.cnlic.model import Actor
from service.cnlic.console import ConsoleService
from service.cnlic.simulate import Simulation
from service.users import UserService
from tests.support import SECRETARIAT, application, cluster

pytestmark = pytest.mark.api

_keys = itertools.count(1)

ROLES = {
    "secretariat": dict(role="secretariat", name="综合业务部"),
    "leader": dict(role="leader", name="张会长"),
    "association": dict(role="association", name="中国陶瓷工业协会", industries=["陶瓷"]),
    "provincial": dict(role="provincial", name="广东省轻工业联合会", provinces=["广东省"]),
    "expert": dict(role="expert", name="李专家"),
    "auditor": dict(role="auditor", name="审计署"),
}


@dataclass
class ConsoleEnv:
    sim: Simulation
    users: UserService
    console: ConsoleService
    client: httpx.AsyncClient
    tokens: dict[str, str]
    people: dict[str, User]

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def add_user(self, username: str, password: str = "password-123", **spec: Any) -> str:
        self.people[username] = self.users.add(username, spec.pop("role"), spec.pop("name"), password, **spec)
        self.tokens[username] = self.users.issue_token(username)
        return self.tokens[username]

    async def register(self, prefix: str = "c", stage: str = "applied", **changes: Any) -> str:
        """A new cluster in 陶瓷, 广东省 (unless changed), registered today."""
        key = f"{prefix}-{next(_keys)}"
        today = await self.sim.today()
        start: dict[str, Any] = {"stage": stage, "on": today.isoformat()}
        if stage == "applied":
            start["application"] = changes.pop("application", application())
        elif stage == "cultivation":
            start["planned_years"] = 2
        elif stage == "designated":
            start["on"] = changes.pop("conferred_on")
        region = changes.pop("region", None)
        spec = cluster(key, **changes)
        if region:
            spec["region"] = region
        # distinct region codes: the one-lifecycle-per-region-and-industry rule stays out of the way
        spec["region"] = {**spec["region"], "code": f"44{next(_keys):04d}"}
        await self.sim.register(spec, start, Actor(**SECRETARIAT))
        return key

    async def act(self, who: str, key: str, action: str, data: dict | None = None) -> httpx.Response:
        return await self.client.post(f"/api/clusters/{key}/actions/{action}", json=data or {}, headers=self.auth(who))

    async def ok(self, who: str, key: str, action: str, data: dict | None = None) -> dict:
        r = await self.act(who, key, action, data)
        assert r.status_code == 200, r.text
        await self.sim.settle()
        return r.json()


@pytest_asyncio.fixture(scope="session")
async def env():
    async with Simulation() as sim:
        users = UserService(sim.engine)
        console = ConsoleService(sim.service, sim.engine, temporal_ui="http://127.0.0.1:8233/namespaces/designation/workflows")
        app = create_app(console, users)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://console.test") as client:
            e = ConsoleEnv(sim, users, console, client, {}, {})
            for username, spec in ROLES.items():
                e.add_user(username, **dict(spec))
            yield e
