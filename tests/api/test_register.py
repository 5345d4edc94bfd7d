"""Registering and onboarding clusters (issue 10 item 2) through ``POST /api/clusters``, the
bulk XLSX import and the 登记集群 page: every way a lifecycle starts, the refusals as
``{code, message}``, the start schemas in OpenAPI, and a re-import that changes nothing."""

from __future__ import annotations

import io
import itertools
import time
import zipfile
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
from openpyxl import Workbook, load_workbook

from console.app import create_app
from service.cnlic.console import ConsoleService
from service.cnlic.simulate import Simulation
from service.users import UserService
from tests.api.conftest import ROLES, ConsoleEnv

from domain.calendar import add_months
from service.cnlic.registration import DATA_SHEET, XLSX, columns
from service.cnlic.starts import header
from service.users import csrf_token
from tests.api.test_pages import log_in

pytestmark = pytest.mark.api

_n = itertools.count(1)


def profile(prefix: str, industry: str = "陶瓷", **changes: Any) -> dict[str, Any]:
    n = next(_n)
    c = {"key": f"{prefix}-{n}", "industry": industry, "product": industry, "tier": "capital",
         "region": {"province": "广东省", "city": "佛山市", "county": "禅城区", "code": f"45{n:04d}", "name": "佛山"}}
    c.update(changes)
    return c


def onboarding(conferred_on: date, **changes: Any) -> dict[str, Any]:
    data = {"kind": "onboarding", "cluster": profile("onb"), "conferred_on": conferred_on.isoformat(),
            "document_number": "中轻联综合〔2023〕88号", "title": "",
            "evaluation": {"evaluated_on": (conferred_on - timedelta(days=90)).isoformat(), "national_rank": 2,
                           "output": 120.5, "value": 800, "firms": 400, "employees": 20000}}
    data.update(changes)
    return data


async def post(env, data: dict[str, Any], who: str = "secretariat"):
    return await env.client.post("/api/clusters", json=data, headers=env.auth(who))


async def shown(env, key: str) -> dict[str, Any]:
    await env.sim.settle()
    r = await env.client.get(f"/api/clusters/{key}", headers=env.auth("secretariat"))
    assert r.status_code == 200, r.text
    return r.json()


async def test_post_clusters_takes_a_cluster_into_cultivation_and_registers_an_application(env):
    r = await post(env, {"kind": "cultivation", "cluster": profile("cult"), "planned_years": 2})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["workflow_id"] == f"designation-{body['key']}" and body["outcome"] == "accepted"
    assert (await shown(env, body["key"]))["stage"] == "cultivation"

    r = await post(env, {"kind": "application", "cluster": profile("app"), "route": "association",
                         "bodies": ["中国陶瓷工业协会"], "industry_history_years": 20})
    assert r.status_code == 201, r.text
    detail = await shown(env, r.json()["key"])
    assert detail["stage"] == "applied" and detail["outstanding_opinions"] == ["中国陶瓷工业协会"]


async def test_onboarding_a_valid_title_starts_its_clocks_from_today_and_keeps_its_last_evaluation(env):
    today = await env.sim.today()
    conferred = add_months(today, -41)  # in its fourth year: re-evaluation due within months
    r = await post(env, onboarding(conferred))
    assert r.status_code == 201, r.text
    key = r.json()["key"]
    d = await shown(env, key)
    assert d["stage"] == "designated" and d["title_status"] == "valid" and d["conferred_on"] == conferred.isoformat()
    annual = [x for x in d["deadlines"] if x["what"] == "annual_report"]
    owed = today.year - 1 if today <= date(today.year, 4, 30) else today.year
    # only the next report is owed: the years before onboarding are outside the record
    assert [x["key"] for x in annual] == [f"annual_report:{owed}"]
    assert annual[0]["due"] == date(owed + 1, 4, 30).isoformat()
    assert {x["what"] for x in d["deadlines"]} >= {"expiry", "reevaluation_application"}
    registered = d["timeline"][0]
    assert registered["kind"] == "registered"
    assert registered["data"]["start"]["document_number"] == "中轻联综合〔2023〕88号"
    assert registered["data"]["start"]["evaluation"]["indicators"] == {"output": 120.5, "value": 800.0,
                                                                       "firms": 400.0, "employees": 20000.0}
    view = await env.sim.service.view(key)
    assert view.stage == "designated"


async def test_onboarding_an_expired_title_lands_in_expired(env):
    today = await env.sim.today()
    r = await post(env, onboarding(add_months(today, -53)))
    assert r.status_code == 201, r.text
    d = await shown(env, r.json()["key"])
    assert d["stage"] == "expired" and d["title_status"] == "expired"


@pytest.mark.parametrize("change, status, code", [
    ({"kind": "cultivation", "planned_years": 5}, 422, "cultivation_years_out_of_range"),
    ({"kind": "application", "route": "somewhere", "bodies": [], "industry_history_years": 20}, 422, "route_unknown"),
    ({"kind": "application", "route": "association", "bodies": ["中国陶瓷工业协会"], "industry_history_years": 3},
     422, "industry_history_too_short"),
    ({"kind": "bogus"}, 422, "invalid_data"),
])
async def test_a_start_the_schema_refuses_is_a_code_and_a_chinese_message(env, change, status, code):
    r = await post(env, {"cluster": profile("bad"), **change})
    assert r.status_code == status and r.json()["code"] == code, r.text
    assert set(r.json()) == {"code", "message"} and any("\u4e00" <= ch <= "\u9fff" for ch in r.json()["message"])


async def test_onboarding_refuses_a_future_conferral_and_missing_figures(env):
    today = await env.sim.today()
    r = await post(env, onboarding(today + timedelta(days=3)))
    assert r.status_code == 422 and r.json()["code"] == "invalid_date"
    data = onboarding(add_months(today, -12))
    data["evaluation"] = {"national_rank": 3}
    r = await post(env, data)
    assert r.status_code == 422 and r.json()["code"] == "evaluation_figures_missing", r.text
    data["evaluation"] = {"firms": 10 ** 400}  # JSON carries it; the schema's bound stops it
    r = await post(env, data)
    assert r.status_code == 422 and r.json()["code"] == "invalid_data", r.text
    r = await post(env, onboarding(date(1900, 1, 1)))
    assert r.status_code == 422 and r.json()["code"] == "invalid_data", r.text


async def test_who_may_register_the_secretariat_all_an_association_cultivation_in_its_industries(env):
    today = await env.sim.today()
    r = await post(env, {"kind": "cultivation", "cluster": profile("assoc"), "planned_years": 1}, "association")
    assert r.status_code == 201, r.text
    r = await post(env, {"kind": "cultivation", "cluster": profile("assoc", industry="家具")}, "association")
    assert r.status_code == 403 and r.json()["code"] == "out_of_scope"
    r = await post(env, onboarding(add_months(today, -12)), "association")
    assert r.status_code == 403 and r.json()["code"] == "role_not_allowed"
    for who, code in (("provincial", "role_not_allowed"), ("auditor", "read_only"), ("expert", "role_not_allowed")):
        r = await post(env, {"kind": "cultivation", "cluster": profile("nobody")}, who)
        assert r.status_code == 403 and r.json()["code"] == code


async def test_the_same_registration_twice_is_unchanged_and_different_data_under_its_key_is_refused(env):
    today = await env.sim.today()
    data = onboarding(add_months(today, -20))
    assert (await post(env, data)).status_code == 201
    again = await post(env, data)
    assert again.status_code == 200 and again.json()["outcome"] == "unchanged"
    data["document_number"] = "中轻联综合〔2024〕1号"
    r = await post(env, data)
    assert r.status_code == 409 and r.json()["code"] == "cluster_exists"


async def test_openapi_shows_one_schema_per_way_to_start_with_chinese_titles(env):
    doc = (await env.client.get("/openapi.json")).json()
    schemas = doc["components"]["schemas"]
    for name in ("CultivationStart", "ApplicationStart", "OnboardingStart", "EvaluationIn", "ClusterIn"):
        assert name in schemas
    assert schemas["CultivationStart"]["properties"]["planned_years"]["maximum"] == 3
    assert schemas["EvaluationIn"]["properties"]["exports"]["title"] == "出口额"
    assert "万美元" in schemas["EvaluationIn"]["properties"]["exports"]["description"]
    body = doc["paths"]["/api/clusters"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert "discriminator" in body or "oneOf" in body


# ---------------------------------------------------------------- bulk onboarding


def workbook(rows: list[dict[str, Any]]) -> bytes:
    """An import file as a clerk fills the template: Chinese headers, one row per cluster."""
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    cols = columns()
    ws.append([header(f) for _, f in cols])
    for row in rows:
        ws.append([row.get(name) for name, _ in cols])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def import_rows(today: date, count: int, bad_every: int) -> tuple[list[dict[str, Any]], set[int]]:
    rows, bad = [], set()
    for i in range(count):
        n = next(_n)
        row = {"cluster.key": f"imp-{n}", "cluster.name": f"导入集群{n}", "cluster.industry": "陶瓷",
               "cluster.product": "陶瓷", "cluster.tier": "都" if i % 2 else "capital", "cluster.province": "广东省",
               "cluster.region.province": "广东省", "cluster.region.code": f"46{n:04d}", "cluster.region.name": "佛山",
               "conferred_on": add_months(today, -(6 + i % 40)), "document_number": f"中轻联综合〔2023〕{n}号",
               "evaluation.output": 100 + i, "evaluation.firms": 300}
        del row["cluster.province"]
        if i % bad_every == 0:
            bad.add(i)
            row[("evaluation.output", "cluster.tier", "conferred_on", "document_number")[(i // bad_every) % 4]] = (
                None if (i // bad_every) % 4 != 1 else "大都会")
            if (i // bad_every) % 4 == 0:
                row["evaluation.firms"] = None
        rows.append(row)
    return rows, bad


@pytest_asyncio.fixture
async def own_env():
    """A console of its own: 200 more clusters in the shared session would crowd other tests'
    lists (a to-do list shows 200 items)."""
    async with Simulation() as sim:
        users = UserService(sim.engine)
        app = create_app(ConsoleService(sim.service, sim.engine), users)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://console.test") as client:
            e = ConsoleEnv(sim, users, app.state.console, client, {}, {})
            e.add_user("secretariat", **dict(ROLES["secretariat"]))
            yield e


async def test_an_import_of_200_rows_onboards_the_valid_ones_and_a_reimport_changes_nothing(own_env):
    env = own_env
    today = await env.sim.today()
    rows, bad = import_rows(today, 200, 10)
    content = workbook(rows)
    began = time.monotonic()
    r = await env.client.post("/api/cluster-imports", content=content,
                              headers={**env.auth("secretariat"), "Content-Type": XLSX})
    first = time.monotonic() - began
    assert r.status_code == 200, r.text
    report = r.json()
    assert (report["accepted"], report["refused"], report["unchanged"]) == (200 - len(bad), len(bad), 0)
    refused = {x["row"] - 2: x for x in report["rows"] if x["outcome"] == "refused"}
    assert set(refused) == bad
    assert {x["code"] for x in refused.values()} == {"evaluation_figures_missing", "tier_unknown", "invalid_data",
                                                      "document_number_missing"}
    assert all(x["message"] for x in refused.values())
    await env.sim.settle()
    good = rows[1]
    d = await shown(env, good["cluster.key"])
    assert d["stage"] in ("designated", "expired") and d["conferred_on"] == good["conferred_on"].isoformat()

    r = await env.client.post("/api/cluster-imports", content=content,
                              headers={**env.auth("secretariat"), "Content-Type": XLSX})
    again = r.json()
    assert (again["accepted"], again["refused"], again["unchanged"]) == (0, len(bad), 200 - len(bad))
    print(f"\n200-row import: {first:.1f} s first, {again['elapsed_s']:.1f} s again")
    assert first < 60


async def test_an_import_refuses_a_file_over_its_bounds_before_parsing_it(env):
    headers = {**env.auth("secretariat"), "Content-Type": XLSX}
    r = await env.client.post("/api/cluster-imports", content=b"not a zip", headers=headers)
    assert r.status_code == 422 and r.json()["code"] == "file_invalid"
    not_xlsx = io.BytesIO()
    with zipfile.ZipFile(not_xlsx, "w") as z:
        z.writestr("xl/workbook.xml", "<not really>")
    r = await env.client.post("/api/cluster-imports", content=not_xlsx.getvalue(), headers=headers)
    assert r.status_code == 422 and r.json()["code"] == "file_invalid"
    r = await env.client.post("/api/cluster-imports", content=b"x" * (2 * 1024 * 1024 + 1), headers=headers)
    assert r.status_code == 413
    r = await env.client.post("/api/cluster-imports", content=workbook([]), headers=env.auth("association"))
    assert r.status_code == 403 and r.json()["code"] == "role_not_allowed"


async def test_the_template_has_chinese_headers_and_an_instructions_sheet(env):
    r = await env.client.get("/api/cluster-imports/template", headers=env.auth("secretariat"))
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["集群", "填写说明"]
    heads = [c.value for c in wb["集群"][1]]
    assert "集群编号" in heads and "授名发文日期" in heads and "出口额（万美元）" in heads


# ---------------------------------------------------------------- the page


async def test_the_register_page_has_real_fields_and_registers_through_the_form(env):
    token = await log_in(env, "secretariat")
    page = await env.client.get("/register")
    assert page.status_code == 200 and 'href="/register"' in page.text
    assert '<select name="kind"' in page.text and '<select name="cluster.tier"' in page.text
    assert '<select name="route"' in page.text and 'type="date" name="conferred_on"' in page.text
    assert "JSON" not in page.text
    c = profile("form")
    form = {"csrf": csrf_token(token), "kind": "cultivation", "cluster.key": c["key"], "cluster.industry": "陶瓷",
            "cluster.product": "陶瓷", "cluster.tier": "capital", "cluster.region.province": "广东省",
            "cluster.region.code": c["region"]["code"], "cluster.region.name": "佛山", "planned_years": "2",
            "route": "association", "conferred_on": ""}
    r = await env.client.post("/register", data=form)
    assert r.status_code == 303 and r.headers["location"] == f"/clusters/{c['key']}", r.text
    r = await env.client.post("/register", data={**form, "cluster.key": "form-x", "planned_years": "9"})
    assert r.status_code == 422 and "cultivation_years_out_of_range" in r.text and "计划培育年限" in r.text
    upload = await env.client.post("/register/import", data={"csrf": csrf_token(token)},
                                   files={"file": ("import.xlsx", workbook(import_rows(await env.sim.today(), 3, 99)[0]),
                                                   XLSX)})
    assert upload.status_code == 200 and "导入结果" in upload.text and "已登记 2 个" in upload.text, upload.text


async def test_the_register_page_is_not_offered_to_those_who_may_not_register(env):
    await log_in(env, "expert")
    assert 'href="/register"' not in (await env.client.get("/clusters")).text
    assert (await env.client.get("/register")).status_code == 403


async def test_the_register_page_onboards_a_title_and_shows_a_refusal_with_the_values_kept(env):
    token = await log_in(env, "secretariat")
    today = await env.sim.today()
    c = profile("form-onb")
    form = {"csrf": csrf_token(token), "kind": "onboarding", "cluster.key": c["key"], "cluster.industry": "陶瓷",
            "cluster.product": "陶瓷", "cluster.tier": "base", "cluster.title_word": "城",
            "cluster.elements": ["智能"], "cluster.region.province": "广东省", "cluster.region.code": c["region"]["code"],
            "cluster.region.name": "佛山", "conferred_on": add_months(today, -14).isoformat(),
            "document_number": "中轻联综合〔2025〕9号", "evaluation.value": "650.5", "evaluation.national_rank": "4",
            "planned_years": "3"}
    r = await env.client.post("/register", data={**form, "evaluation.value": ""})
    assert r.status_code == 422 and "evaluation_figures_missing" in r.text
    assert f'value="{c["key"]}"' in r.text and "checked" in r.text  # what was typed is still there
    r = await env.client.post("/register", data=form)
    assert r.status_code == 303, r.text
    d = await shown(env, c["key"])
    assert d["stage"] == "designated" and d["title"] == "中国陶瓷智能城·佛山"
