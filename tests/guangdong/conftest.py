"""Program 3's fixtures: the console in-process (httpx over ASGI) on the real workflows and
activities, Temporal's time-skipping server and a temporary store; logins per role. One
environment per module: each test works on its own zones, or its own round."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest_asyncio

from console.app import create_app
from service.cnlic.console import ConsoleService
from service.cnlic.simulate import Simulation
from service.guangdong.rounds import GuangdongService
from service.users import UserService

PEOPLE = {
    "zone": dict(role="zone_office", name="西樵镇纺织示范区办公室", clusters=["gd-foshan-xiqiao-textiles"]),
    "zone-dali": dict(role="zone_office", name="大沥镇有色金属示范区办公室", clusters=["gd-foshan-dali-nonferrous"]),
    "county": dict(role="local_government", name="佛山市南海区人民政府", cities=["南海区"]),
    "prefecture": dict(role="prefecture_bureau", name="佛山市经济贸易局", cities=["佛山市"]),
    "jiangmen": dict(role="prefecture_bureau", name="江门市经济贸易局", cities=["江门市"]),
    "province": dict(role="province_department", name="广东省经济贸易委员会", provinces=["广东省"]),
    "auditor": dict(role="auditor", name="审计署"),
}


@dataclass
class GdEnv:
    sim: Simulation
    users: UserService
    service: GuangdongService
    client: httpx.AsyncClient
    tokens: dict[str, str]

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def user(self, who: str) -> Any:
        return self.users.by_token(self.tokens[who])

    async def login(self, who: str) -> httpx.AsyncClient:
        """A page session for ``who`` (its own cookie jar)."""
        c = httpx.AsyncClient(transport=self.client._transport, base_url="http://console.test")
        r = await c.post("/login", data={"username": who, "password": "password-123", "next": "/todo"})
        assert r.status_code == 303, r.text
        return c


@pytest_asyncio.fixture(scope="module")
async def gd():
    async with Simulation() as sim:
        users = UserService(sim.engine)
        console = ConsoleService(sim.service, sim.engine)
        app = create_app(console, users)
        service = GuangdongService.of_console(console)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://console.test") as client:
            tokens = {}
            for username, spec in PEOPLE.items():
                spec = dict(spec)
                users.add(username, spec.pop("role"), spec.pop("name"), "password-123", **spec)
                tokens[username] = users.issue_token(username)
            yield GdEnv(sim, users, service, client, tokens)


async def open_round(gd: GdEnv, year: int, due: date | None = None) -> None:
    """The province opens ``year``'s round and every filing has recorded its opening."""
    from store.guangdong import repo

    await gd.service.open_round(gd.user("province"), year, due)
    await gd.sim._until(lambda: len([f for f in repo.filings(gd.sim.engine, year) if f.last_seq]) == 36,
                        f"round {year} not opened")
    await gd.sim.settle()
