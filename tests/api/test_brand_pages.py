"""Program 4's pages on a console of their own (its clock moves: the shared session's must not):
an uploaded 年度总结报告 workbook fills the summary form of an approved pilot."""

from __future__ import annotations

import httpx
import pytest

from console.app import create_app
from console.cnlic.pages import COOKIE
from service.brand import samples
from service.brand.xlsx import summary_workbook
from service.cnlic.console import ConsoleService
from service.users import UserService, csrf_token
from store.brand import repo
from tests.workflows import brand_helpers as h

pytestmark = pytest.mark.api


async def test_an_uploaded_summary_workbook_fills_the_summary_form_on_the_page(sim):
    users = UserService(sim.engine)
    users.add("body", "implementing_body", "瓷都产业集聚区管委会", "password-123", clusters=["up"])
    app = create_app(ConsoleService(sim.service, sim.engine), users)
    await h.approved_pilot(sim, "up", plan_years=1)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://console.test") as client:
        r = await client.post("/login", data={"username": "body", "password": "password-123", "next": "/"})
        token = r.cookies.get(COOKIE)
        page = await client.get("/brand/pilots/up")
        assert 'data-action="submit_summary"' in page.text and "summary-xlsx" in page.text
        content = summary_workbook(samples.summary(1, await sim.today()))
        r = await client.post("/brand/pilots/up/summary.xlsx", data={"csrf": csrf_token(token)},
                              files={"file": ("总结.xlsx", content)})
        assert r.status_code == 200 and "已读取工作簿" in r.text
        assert 'value="已注册" selected' in r.text and 'name="f_report.overview"' in r.text
        r = await client.post("/brand/pilots/up/summary.xlsx", data={"csrf": csrf_token(token)},
                              files={"file": ("坏.xlsx", b"not a workbook")})
        assert r.status_code == 422 and "不是有效的 XLSX 工作簿" in r.text
    assert repo.pilot(sim.engine, "up").stage == "pilot"  # reading the workbook filed nothing
