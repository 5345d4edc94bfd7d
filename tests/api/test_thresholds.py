"""达标值 tables through the API and the pages (issue 11; RULES.md "Thresholds"): the XLSX
template downloads, uploads into a new version, re-uploading the same content creates none, a
refusal names each row and indicator, an association files only for its own industries; the
附件一 score sheet downloads as XLSX and uploads back into the sheet's data."""

from __future__ import annotations

import io
import itertools
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from service.users import csrf_token
from tests.api.test_pages import log_in

pytestmark = pytest.mark.api

_n = itertools.count(1)


def industry() -> str:
    return f"香料{next(_n)}"  # each test its own industry: the session's store is shared


def fill(content: bytes, value: float = 10, effective: str = "2026-01-01", **cells) -> bytes:
    wb = load_workbook(io.BytesIO(content))
    ws = wb.active
    ws["B3"] = effective
    for r in range(6, ws.max_row + 1):
        if ws.cell(r, 1).value and ws.cell(r, 1).value != "output_share" and ws.cell(r, 1).value != "profit_margin":
            ws.cell(r, 6).value = value
    for ref, v in cells.items():
        ws[ref] = v
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


async def test_threshold_xlsx_round_trip_creates_one_version_and_reuploading_creates_none(env):
    ind = industry()
    base = f"/api/thresholds/{quote(ind)}/base"
    r = await env.client.get(f"{base}/template.xlsx", headers=env.auth("secretariat"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws["B2"].value == ind and ws["A6"].value == "output_value" and ws["C7"].value == "或：占本地区工业总产值比例"
    filled = fill(r.content, 12)
    first = await env.client.post(f"{base}/xlsx", files={"file": ("t.xlsx", filled)}, headers=env.auth("secretariat"))
    assert first.status_code == 200, first.text
    assert first.json()["version"] == 1 and first.json()["outcome"] == "created"
    again = await env.client.post(f"{base}/xlsx", files={"file": ("t.xlsx", filled)}, headers=env.auth("secretariat"))
    assert again.json()["version"] == 1 and again.json()["outcome"] == "unchanged"
    shown = (await env.client.get(base, headers=env.auth("expert"))).json()
    assert shown["ref"] == f"{ind}·基地·第1版" and {r["key"]: r["value"] for r in shown["rows"]}["patents"] == 12
    prefilled = await env.client.get(f"{base}/template.xlsx", headers=env.auth("secretariat"))
    assert load_workbook(io.BytesIO(prefilled.content)).active["F6"].value == 12
    second = await env.client.post(f"{base}/xlsx", files={"file": ("t.xlsx", fill(prefilled.content, 15, "2027-01-01"))},
                                   headers=env.auth("secretariat"))
    assert second.json()["version"] == 2
    listed = [t for t in (await env.client.get("/api/thresholds", headers=env.auth("auditor"))).json()
              if t["industry"] == ind]
    assert [v["version"] for v in listed[0]["versions"]] == [1, 2]


async def test_threshold_upload_refusal_names_the_row_and_the_indicator(env):
    ind = industry()
    base = f"/api/thresholds/{quote(ind)}/town"
    template = (await env.client.get(f"{base}/template.xlsx", headers=env.auth("secretariat"))).content
    bad = fill(template, 10, F13="很多", E15="大约")  # row 13: 区域内企业数' value; row 15: 专利's direction
    r = await env.client.post(f"{base}/xlsx", files={"file": ("t.xlsx", bad)}, headers=env.auth("secretariat"))
    assert r.status_code == 422
    errors = {(e["row"], e["indicator"], e["code"]) for e in r.json()["errors"]}
    assert errors == {(13, "firms", "thresholds_value_invalid"), (15, "patents", "thresholds_direction_invalid")}
    assert "第 13 行（区域内企业数）" in r.json()["message"] and "第 15 行（有效期内专利数量）" in r.json()["message"]
    assert (await env.client.get(base, headers=env.auth("secretariat"))).status_code == 404


async def test_an_association_may_file_thresholds_only_for_its_own_industries(env):
    r = await env.client.post("/api/thresholds/家具/base", json={"effective_from": "2026-01-01", "rows": []},
                              headers=env.auth("association"))
    assert r.status_code == 403 and r.json()["code"] == "thresholds_not_permitted"
    rows = [{"key": k, "value": 10} for k in (
        "output_value", "sales_revenue", "main_revenue", "profit_tax", "exports", "firms", "above_scale_firms",
        "patents", "standards", "brands", "employees", "rd_ratio", "market_share", "safety_cert_share",
        "iso9000_share", "iso14000_share", "iso22000_share", "pass_rate")]
    r = await env.client.post("/api/thresholds/陶瓷/town", json={"effective_from": "2020-01-01", "rows": rows},
                              headers=env.auth("association"))
    assert r.status_code == 200, r.text


async def test_the_score_sheet_xlsx_downloads_for_a_cluster_and_uploads_into_the_sheets_data(env):
    key = await env.register("ts")
    r = await env.client.get(f"/api/clusters/{key}/score-sheet.xlsx", headers=env.auth("secretariat"))
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb.active
    keys = [ws.cell(n, 1).value for n in range(6, ws.max_row + 1)]
    assert keys[:2] == ["output_value", "output_share"] and "safety_accident" in keys and "total" in keys
    for n in range(6, ws.max_row + 1):
        k = ws.cell(n, 1).value
        if k in ("output_share", "profit_margin", None):
            continue
        ws.cell(n, 6).value = {"quality_incident": "无", "pollution_incident": "无", "safety_accident": "无",
                               "part1": 52, "part2": 18, "part3_grade": "好", "part3": 9, "part4_grade": "好",
                               "part4": 9, "total": 88}.get(k, 20)
    out = io.BytesIO()
    wb.save(out)
    r = await env.client.post("/api/score-sheet/xlsx", files={"file": ("s.xlsx", out.getvalue())},
                              headers=env.auth("expert"))
    assert r.status_code == 200, r.text
    sheet = r.json()
    assert sheet["total"] == 88 and sheet["part3_grade"] == "good" and len(sheet["values"]) == 13 + 8
    assert sheet["values"]["pollution_incident"] == "无"


async def test_the_thresholds_page_lists_tables_and_refuses_an_upload_row_by_row(env):
    ind = industry()
    template = (await env.client.get(f"/api/thresholds/{quote(ind)}/capital/template.xlsx",
                                     headers=env.auth("secretariat"))).content
    token = await log_in(env, "secretariat")
    r = await env.client.post("/thresholds/upload", data={"csrf": csrf_token(token)},
                              files={"file": ("t.xlsx", fill(template, 10, F13="很多"))})
    assert r.status_code == 422 and "第 13 行（区域内企业数）" in r.text
    r = await env.client.post("/thresholds/upload", data={"csrf": csrf_token(token)},
                              files={"file": ("t.xlsx", fill(template, 10))})
    assert r.status_code == 303 and "version=1" in r.headers["location"]
    r = await env.client.get("/thresholds")
    assert r.status_code == 200 and ind in r.text
    r = await env.client.get(f"/thresholds/{quote(ind)}/capital")
    assert r.status_code == 200 and "第 1 版" in r.text and "有效期内专利数量" in r.text


async def test_the_site_report_form_is_filled_from_the_score_sheet_xlsx_and_records_the_table_version(env):
    from datetime import timedelta

    from tests.support import site_report, site_visit

    rows = [{"key": k, "value": 10} for k in (
        "output_value", "sales_revenue", "main_revenue", "profit_tax", "exports", "firms", "above_scale_firms",
        "patents", "standards", "brands", "employees", "rd_ratio", "market_share", "safety_cert_share",
        "iso9000_share", "iso14000_share", "iso22000_share", "pass_rate")]
    r = await env.client.post("/api/thresholds/陶瓷/capital", json={"effective_from": "2020-01-01", "rows": rows},
                              headers=env.auth("secretariat"))
    version = r.json()["version"]
    key = await env.register("sheet")
    await env.ok("association", key, "record_opinion", {"text": "同意"})
    await env.ok("secretariat", key, "accept_application")
    today = await env.sim.today()
    await env.ok("leader", key, "approve_site_visit", site_visit(today + timedelta(days=3)))
    template = (await env.client.get(f"/api/clusters/{key}/score-sheet.xlsx", headers=env.auth("expert"))).content
    wb = load_workbook(io.BytesIO(template))
    ws = wb.active
    assert ws["B2"].value == f"陶瓷·都·第{version}版"
    answers = {"quality_incident": "无", "pollution_incident": "无", "safety_accident": "无", "part1": 52, "part2": 18,
               "part3_grade": "好", "part3": 9, "part4_grade": "好", "part4": 9, "total": 88, "patents": 5}
    for n in range(6, ws.max_row + 1):
        k = ws.cell(n, 1).value
        if k and k not in ("output_share", "profit_margin"):
            ws.cell(n, 6).value = answers.get(k, 20)
    out = io.BytesIO()
    wb.save(out)
    token = await log_in(env, "expert")
    r = await env.client.post(f"/clusters/{key}/score-sheet", data={"csrf": csrf_token(token)},
                              files={"file": ("s.xlsx", out.getvalue())})
    assert r.status_code == 200, r.text
    assert 'name="f_score_sheet.values.patents" value="5"' in r.text
    assert 'name="f_score_sheet.total" value="88"' in r.text
    parsed = await env.client.post("/api/score-sheet/xlsx", files={"file": ("s.xlsx", out.getvalue())},
                                   headers=env.auth("expert"))
    r = await env.act("expert", key, "record_site_report", site_report(score_sheet=parsed.json()))
    assert r.status_code == 200, r.text
    await env.sim.settle()
    events = [e for e in env.sim.journal(key) if e.kind == "action" and e.data.get("action") == "record_site_report"]
    score = events[-1].data["report"]["score"]
    assert score["thresholds"] == f"陶瓷·都·第{version}版" and score["part1_met"] == 12
    done = await env.client.get(f"/api/clusters/{key}/score-sheet.xlsx", params={"recorded": "true"},
                                headers=env.auth("secretariat"))
    ws = load_workbook(io.BytesIO(done.content)).active
    by_key = {ws.cell(n, 1).value: [ws.cell(n, c).value for c in range(5, 8)] for n in range(6, ws.max_row + 1)}
    assert ws["B2"].value == f"陶瓷·都·第{version}版"
    assert by_key["patents"] == ["不低于 10个", 5, "未达标"] and by_key["firms"] == ["不低于 10个", 20, "达标"]
    assert by_key["total"][1] == 88


@pytest.mark.parametrize("method, path, kw", [
    ("post", "/api/thresholds/{ind}/capital", {"json": {"effective_from": "0001-01-01", "rows": [{"key": "x", "value": 1e308}]}}),
    ("post", "/api/thresholds/{ind}/capital", {"json": {"effective_from": "2026-01-01", "rows": [{"key": "firms", "value": -1, "direction": "?"}]}}),
    ("post", "/api/thresholds/{ind}/capital", {"json": {"rows": "no"}}),
    ("post", "/api/thresholds/{ind}/nowhere", {"json": {"effective_from": "2026-01-01", "rows": []}}),
    ("post", "/api/thresholds/{ind}/capital/xlsx", {"content": b"not a form"}),
    ("post", "/api/thresholds/{ind}/capital/xlsx", {"files": {"file": ("t.xlsx", b"PK\x03\x04 broken")}}),
    ("post", "/api/score-sheet/xlsx", {"files": {"file": ("t.xlsx", b"plain text")}}),
    ("get", "/api/thresholds/{ind}/capital?version=99999999999999999999", {}),
    ("get", "/api/thresholds/{ind}/capital?on=9999-12-31", {}),
    ("get", "/api/clusters/nobody/score-sheet.xlsx", {}),
])
async def test_malformed_threshold_requests_are_refused_not_server_errors(env, method, path, kw):
    r = await getattr(env.client, method)(path.format(ind=quote(industry())), headers=env.auth("secretariat"), **kw)
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    assert r.json()["code"]
