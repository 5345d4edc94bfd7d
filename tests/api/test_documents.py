"""The published documents through the API and the pages (issue 11 item 5): the right content
type, a Chinese file name per RFC 5987, scope for the site report, any signed-in user for the
published lists, and DOCX only (said on the page) where no PDF converter is installed."""

from __future__ import annotations

import io
from datetime import date, timedelta
from urllib.parse import quote, unquote

import docx
import httpx
import pytest
import pytest_asyncio

from console.app import create_app
from domain.cnlic.model import Actor
from service.cnlic.console import ConsoleService
from service.cnlic.documents import DOCX
from service.cnlic.simulate import Simulation
from service.users import UserService
from tests.support import SECRETARIAT, application, cluster, site_report, site_visit

pytestmark = pytest.mark.api


@pytest_asyncio.fixture(scope="module")
async def docs_env():
    """A store and server of this module's own: the test moves the clock into next year."""
    async with Simulation() as sim:
        users = UserService(sim.engine)
        app = create_app(ConsoleService(sim.service, sim.engine), users)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://console.test") as client:
            tokens = {}
            for username, role, name, extra in (
                ("secretariat", "secretariat", "综合业务部", {}),
                ("leader", "leader", "张会长", {}),
                ("association", "association", "中国陶瓷工业协会", {"industries": ["陶瓷"]}),
                ("expert", "expert", "李专家", {}),
                ("furniture", "association", "中国家具协会", {"industries": ["家具"]}),
            ):
                users.add(username, role, name, "password-123", **extra)
                tokens[username] = users.issue_token(username)
            yield sim, client, tokens


def auth(tokens: dict[str, str], who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[who]}"}


def chinese_name(response: httpx.Response) -> str:
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=\"")  # the ASCII fallback first
    star = disposition.split("filename*=UTF-8''", 1)[1]
    return unquote(star)


async def _act(sim, client, tokens, who, key, action, data=None):
    r = await client.post(f"/api/clusters/{key}/actions/{action}", json=data or {}, headers=auth(tokens, who))
    assert r.status_code == 200, r.text
    await sim.settle()


async def test_documents_download_as_docx_with_a_chinese_file_name_and_follow_the_rules_scope(docs_env, monkeypatch):
    sim, client, tokens = docs_env
    today = await sim.today()
    await sim.register(cluster("doc-ceramics"), {"stage": "applied", "on": today.isoformat(), "application": application()},
                       Actor(**SECRETARIAT))
    await _act(sim, client, tokens, "association", "doc-ceramics", "record_opinion", {"text": "同意"})
    await _act(sim, client, tokens, "secretariat", "doc-ceramics", "accept_application")
    await _act(sim, client, tokens, "leader", "doc-ceramics", "approve_site_visit", site_visit(today + timedelta(days=3)))
    await sim.advance_to(today + timedelta(days=4))
    await _act(sim, client, tokens, "expert", "doc-ceramics", "record_site_report", site_report())

    # 附件四: DOCX, named in Chinese (RFC 5987), with the panel and the score
    r = await client.get("/api/clusters/doc-ceramics/site-report.docx", headers=auth(tokens, "association"))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == DOCX
    name = chinese_name(r)
    assert name.startswith("专家考评报告-doc-ceramics-") and name.endswith(".docx")
    assert quote(name, safe="") in r.headers["content-disposition"]
    d = docx.Document(io.BytesIO(r.content))
    assert any(row.cells[1].text == "李专家" and row.cells[2].text == "组长" for row in d.tables[0].rows)
    assert d.tables[-1].rows[-1].cells[0].text == "总得分"

    # the site report follows the cluster's scope: the furniture association is refused
    r = await client.get("/api/clusters/doc-ceramics/site-report.docx", headers=auth(tokens, "furniture"))
    assert r.status_code == 403 and r.json()["code"] == "out_of_scope"
    r = await client.get("/api/clusters/doc-ceramics/site-report.docx")
    assert r.status_code == 401

    # no PDF converter on this machine's PATH: the index says so, a PDF request is a clear 404
    monkeypatch.setenv("PATH", "/nonexistent")
    index = (await client.get("/api/documents", headers=auth(tokens, "furniture"))).json()
    assert index["pdf"] is False
    r = await client.get("/api/clusters/doc-ceramics/site-report.pdf", headers=auth(tokens, "association"))
    assert r.status_code == 404 and r.json()["code"] == "pdf_unavailable" and "DOCX" in r.json()["message"]

    # a title onboarded long past expiry and one still valid; the recognition of 15 January
    for key, industry, conferred in (("doc-old", "皮革", date(today.year - 6, 6, 1)),
                                     ("doc-valid", "家具", date(today.year - 1, 6, 1))):
        spec = cluster(key, industry=industry, product=industry)
        spec["region"] = {**spec["region"], "code": f"44{len(key):02d}{ord(key[-1]):03d}"}
        await sim.register(spec, {"stage": "designated", "on": conferred.isoformat()}, Actor(**SECRETARIAT))
    await sim.advance_to(date(today.year + 1, 1, 20))
    year = today.year

    # the published lists: any signed-in user, whole (the ceramics association sees furniture)
    r = await client.get(f"/api/documents/recognition/{year}.docx", headers=auth(tokens, "association"))
    assert r.status_code == 200 and r.headers["content-type"] == DOCX
    assert chinese_name(r) == f"{year}年度认定名单.docx"
    assert f'filename="recognition-{year}.docx"' in r.headers["content-disposition"]
    cells = [c.text for t in docx.Document(io.BytesIO(r.content)).tables for row in t.rows for c in row.cells]
    assert any("家具" in c for c in cells)
    r = await client.get(f"/api/documents/revocation/{year}.docx", headers=auth(tokens, "expert"))
    assert r.status_code == 200 and chinese_name(r) == f"{year}年度取消称号公告.docx"
    cells = [c.text for t in docx.Document(io.BytesIO(r.content)).tables for row in t.rows for c in row.cells]
    assert any("皮革" in c for c in cells)
    r = await client.get("/api/documents/recognition/2001.docx", headers=auth(tokens, "expert"))
    assert r.status_code == 404 and r.json()["code"] == "recognition_unknown"
    r = await client.get(f"/api/documents/recognition/{year}.xlsx", headers=auth(tokens, "expert"))
    assert r.status_code == 422

    # the page lists them, DOCX only, and says why
    login = await client.post("/login", data={"username": "association", "password": "password-123", "next": "/"})
    assert login.status_code == 303
    page = await client.get("/documents")
    assert page.status_code == 200
    assert f"/documents/recognition-{year}.docx" in page.text and f"/documents/recognition-{year}.pdf" not in page.text
    assert "本机未安装 LibreOffice，暂只提供 DOCX" in page.text
    r = await client.get(f"/documents/revocation-{year}.docx")
    assert r.status_code == 200 and r.headers["content-type"] == DOCX
    r = await client.get("/clusters/doc-ceramics")
    assert "/clusters/doc-ceramics/site-report.docx?seq=" in r.text
    r = await client.get(f"/documents/recognition-{year}.xlsx")
    assert r.status_code == 422 and "Traceback" not in r.text
    r = await client.get("/clusters/doc-ceramics/site-report.docx?seq=999")
    assert r.status_code == 404 and "没有第 999 条考评报告" in r.text
    r = await client.get("/documents/joint-2001-01-01-1.docx")
    assert r.status_code == 404 and "没有编号为 2001-01-01-1 的会长办公会记录" in r.text
