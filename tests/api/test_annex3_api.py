"""附件三 through the API: the workbook in the annex's own layout, downloaded with the years
the procedure owes today, filled, uploaded back into the filing's data and filed; a refusal
names the sheet, row and cell; a re-evaluation's workbook is prefilled from this cluster's
last evaluation."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from domain.cnlic.model import Actor
from service.cnlic.annex3 import TABLE1_SHEET, TABLE2_SHEET, XLSX
from tests.annexes import annex3
from tests.support import SECRETARIAT, cluster

XLSX_HEADERS = {"Content-Type": XLSX}


def _row_of(ws, label: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == label)


def _fill(content: bytes, broken: str | None = None) -> bytes:
    """Fill the downloaded workbook as an applicant would, cell by cell."""
    wb = load_workbook(io.BytesIO(content))
    data = annex3()
    ws = wb[TABLE1_SHEET]
    from domain.cnlic.annex3 import TABLE1_ROWS, TABLE2
    for r in TABLE1_ROWS:
        ws.cell(_row_of(ws, r.label), 3, data["table1"][r.key])
    ws = wb[TABLE2_SHEET]
    for key, cells in data["table2"].items():
        row = _row_of(ws, TABLE2[key].label)
        for i, col in enumerate(("year1", "year2", "year3")):
            ws.cell(row, 3 + i, cells.get(col))
        ws.cell(row, 6, cells.get("national_share"))
    if broken:
        ws.cell(_row_of(ws, TABLE2["sales"].label), 4, broken)
    ws = wb["表四 重点企业 1"]
    ws.cell(_row_of(ws, "企业名称"), 2, "佛山陶瓷股份有限公司")
    ws.cell(_row_of(ws, "是否为上市公司"), 2, "是")
    ws.cell(_row_of(ws, "从业人数"), 2, 2000)
    types = _row_of(ws, "业务类型")
    ws.cell(types, 2, "生产制造企业 √")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


async def test_annex3_xlsx_round_trip_download_fill_upload_and_file(env):
    key = await env.register("a3", stage="cultivation")
    today = await env.sim.today()
    r = await env.client.get(f"/api/clusters/{key}/annex3/template?action=file_application", headers=env.auth("secretariat"))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(XLSX)
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames[:3] == [TABLE1_SHEET, TABLE2_SHEET, "表四 重点企业 1"]
    head = [wb[TABLE2_SHEET].cell(4, c).value for c in range(1, 7)]
    y = today.year - 1
    assert head == ["项目", "单位", f"{y - 2}年", f"{y - 1}年", f"{y}年", "最近一年占全国同行业比重（%）"]

    r = await env.client.post(f"/api/clusters/{key}/annex3?action=file_application", content=_fill(r.content),
                              headers={**env.auth("secretariat"), **XLSX_HEADERS})
    assert r.status_code == 200, r.text
    tables = r.json()
    assert tables["table2_years"] == [y - 2, y - 1, y]
    assert tables["table2"]["total_output"] == {"year1": 100, "year2": 110, "year3": 121, "national_share": 12.5}
    assert tables["firms"][0] == {"name": "佛山陶瓷股份有限公司", "listed": True, "employees": 2000,
                                  "business_types": ["manufacturer"]}
    # the answer is the filing's annex3 as it stands
    app = {"route": "association", "bodies": ["中国陶瓷工业协会"], "industry_history_years": 20, "annex3": tables}
    await env.ok("secretariat", key, "file_application", app)


async def test_a_bad_cell_is_refused_naming_the_sheet_row_and_column(env):
    key = await env.register("a3", stage="cultivation")
    r = await env.client.get(f"/api/clusters/{key}/annex3/template", headers=env.auth("secretariat"))
    r = await env.client.post(f"/api/clusters/{key}/annex3", content=_fill(r.content, broken="很多"),
                              headers={**env.auth("secretariat"), **XLSX_HEADERS})
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "annex3_invalid"
    assert "工作表“表二 集群基本情况”第 7 行 D 列" in body["message"] and "很多" in body["message"]


async def test_a_new_filing_through_the_api_must_carry_annex3(env):
    key = await env.register("a3", stage="cultivation")
    r = await env.act("secretariat", key, "file_application",
                      {"route": "association", "bodies": ["中国陶瓷工业协会"], "industry_history_years": 20})
    assert r.status_code == 422 and r.json()["code"] == "annex3_missing"
    # years typed against the procedure: the domain names the years owed
    r = await env.act("secretariat", key, "file_application",
                      {"route": "association", "bodies": ["中国陶瓷工业协会"], "industry_history_years": 20,
                       "annex3": annex3(years=[2001, 2002, 2003])})
    assert r.status_code == 422 and r.json()["code"] == "annex3_years_mismatch"


async def test_a_reevaluation_workbook_is_prefilled_from_this_clusters_last_evaluation(env):
    today = await env.sim.today()
    conferred = date(today.year - 3, 6, 1)
    spec = cluster("a3-onb", region={**cluster()["region"], "code": "445301"})
    await env.sim.register(spec, {"stage": "designated", "on": conferred.isoformat(), "document_number": "中轻联〔2023〕9号",
                                  "evaluation": {"indicators": {"value": 800, "firms": 420, "employees": 30000}}},
                           Actor(**SECRETARIAT))
    await env.sim.settle()
    r = await env.client.get("/api/clusters/a3-onb/annex3/template", headers=env.auth("secretariat"))
    assert r.status_code == 200, r.text
    ws = load_workbook(io.BytesIO(r.content))[TABLE2_SHEET]
    y = today.year - 1
    ev = conferred.year - 1  # the year the last evaluation's figures describe
    assert [ws.cell(4, c).value for c in (3, 4, 5)] == [f"{ev}年", f"{y - 1}年", f"{y}年"]
    assert ws.cell(_row_of(ws, "特色产业总产值"), 3).value == 800
    assert ws.cell(_row_of(ws, "企业数量"), 3).value == 420
    assert ws.cell(_row_of(ws, "从业人员"), 3).value == 3  # 万人


async def test_openapi_documents_the_annex3_paths_and_the_filings_tables(env):
    spec = (await env.client.get("/openapi.json")).json()
    assert "/api/clusters/{key}/annex3/template" in spec["paths"]
    assert XLSX in spec["paths"]["/api/clusters/{key}/annex3"]["post"]["requestBody"]["content"]
    schemas = spec["components"]["schemas"]
    assert "annex3" in schemas["ApplicationData"]["properties"]
    assert "annex3" in schemas["ApplicationData"]["required"]
    assert {"basics", "leader", "deputies", "opinions", "conclusion", "signed_by", "signed_on"} <= \
        set(schemas["SiteReportData"]["properties"])


async def test_a_reevaluation_report_form_is_prefilled_from_this_cluster_and_lists_its_annual_reports(env):
    """附件四 on the page: 组长 chosen from the approved panel, the previous evaluation's figures
    and the re-evaluation's 表二 figures prefilled, the annual reports since the title listed;
    the form as prefilled (plus the opinions) is a report the rules accept."""
    import re

    from service.users import csrf_token
    from tests.annexes import annex4
    from tests.api.test_pages import log_in
    from tests.support import VALID_SHEET, site_visit

    today = await env.sim.today()
    conferred = date(today.year - 3, 6, 1)
    spec = cluster("a3-re", region={**cluster()["region"], "code": "445302"})
    await env.sim.register(spec, {"stage": "designated", "on": conferred.isoformat(),
                                  "evaluation": {"indicators": {"value": 800, "firms": 400}}}, Actor(**SECRETARIAT))
    await env.sim.settle()
    # 表二: the evaluation's year first (800 as recorded), the latest year 1000 → +25 %
    tables = annex3(total_output={"year1": 800, "year2": 900, "year3": 1000}, firms={"year1": 400, "year2": 450,
                                                                                   "year3": 500})
    await env.ok("secretariat", "a3-re", "file_reevaluation", {"annex3": tables, "route": "association",
                                                                "bodies": ["中国陶瓷工业协会"], "industry_history_years": 20})
    await env.ok("association", "a3-re", "record_opinion", {"text": "同意复评"})
    await env.ok("secretariat", "a3-re", "accept_application")
    await env.ok("leader", "a3-re", "approve_site_visit", site_visit(today))

    token = await log_in(env, "expert")
    page = (await env.client.get("/clusters/a3-re")).text
    form = re.search(r'<form class="action[^"]*"[^>]*data-action="record_site_report".*?</form>', page, re.S).group(0)
    assert re.search(r'<select name="f_leader"[^>]*>.*?<option value="李专家" selected>', form, re.S)
    assert 'name="f_indicators.value.previous" value="800"' in form
    assert 'name="f_indicators.value.value" value="1000"' in form
    assert "授名以来的年度报表" in form and "未报送" in form

    fields = {k: v for k, v in re.findall(r'name="([^"]+)" value="([^"]*)"', form)  # as the browser sends it
              if not k.startswith(("f_deputies", "f_signed_by"))}  # (checkboxes: the ticked ones below)
    fields.update({"f_leader": "李专家", "f_deputies.1": "专家1"})
    fields.update({f"f_signed_by.{i}": n for i, n in enumerate(["李专家", "专家1", "专家2", "专家3", "专家4"])})
    fields.update({f"f_opinions.{i}.{k}": o[k] for i, o in enumerate(annex4()["opinions"]) for k in ("title", "text")})
    fields.update({"csrf": csrf_token(token), "f_recommendations": "品牌建设\n智能制造\n标准体系\n人才培养",
                   "f_recommend": "yes", "f_conclusion": "同意通过复评。"})
    for k, v in VALID_SHEET.items():
        fields[f"f_score_sheet.{k}"] = ("yes" if v else "no") if isinstance(v, bool) else str(v)
    r = await env.client.post("/clusters/a3-re/actions/record_site_report", data=fields)
    assert r.status_code == 303, re.findall(r'class="refusal"[^>]*>(.*?)</p>', r.text)
    await env.sim.settle()
    events = (await env.client.get("/api/clusters/a3-re", headers=env.auth("secretariat"))).json()["timeline"]
    report = next(e for e in reversed(events) if e["kind"] == "action" and e["data"]["action"] == "record_site_report")
    change = {c["indicator"]: c["change_pct"] for c in report["data"]["report"]["comparisons"]}
    assert change["value"] == 25.0 and change["firms"] == 25.0
    assert report["data"]["annex4"]["panel"][0] == {"name": "李专家", "role": "leader"}
    # onboarded: reports before the import are outside the record, the next one is not yet due
    assert report["data"]["annex4"]["annual_reports"] == {"filed": [], "late": [], "missing": []}


async def test_the_reevaluation_form_heads_table2_with_its_years_and_prefills_the_evaluation_column(env):
    import re

    from tests.api.test_pages import log_in

    today = await env.sim.today()
    conferred = date(today.year - 3, 6, 1)
    spec = cluster("a3-form", region={**cluster()["region"], "code": "445303"})
    await env.sim.register(spec, {"stage": "designated", "on": conferred.isoformat(),
                                  "evaluation": {"indicators": {"value": 800}}}, Actor(**SECRETARIAT))
    await env.sim.settle()
    await log_in(env, "secretariat")
    page = (await env.client.get("/clusters/a3-form")).text
    form = re.search(r'<form class="action[^"]*"[^>]*data-action="file_reevaluation".*?</form>', page, re.S).group(0)
    y = today.year - 1
    assert f"<th>{conferred.year - 1}年</th><th>{y - 1}年</th><th>{y}年</th>" in form.replace("\n", "").replace(" ", "")
    assert 'name="f_annex3.table2.total_output.year1" value="800"' in form
    assert 'enctype="multipart/form-data"' in form and 'name="f_annex3_xlsx"' in form


async def test_on_the_page_an_uploaded_workbook_fills_the_form_and_a_filing_takes_it_as_a_file(env):
    from service.users import csrf_token
    from tests.api.test_pages import log_in

    key = await env.register("a3p", stage="cultivation")
    token = await log_in(env, "secretariat")
    blank = (await env.client.get(f"/clusters/{key}/annex3.xlsx?action=file_application")).content
    filled = _fill(blank)
    files = {"file": ("附件三.xlsx", filled, XLSX)}
    r = await env.client.post(f"/clusters/{key}/annex3", data={"csrf": csrf_token(token), "action": "file_application"},
                              files=files)
    assert r.status_code == 200
    assert 'name="f_annex3.table1.gdp" value="1000"' in r.text
    assert 'name="f_annex3.table2.total_output.year3" value="121"' in r.text
    assert 'name="f_annex3.firms.0.name" value="佛山陶瓷股份有限公司"' in r.text
    bad = {"file": ("附件三.xlsx", _fill(blank, broken="很多"), XLSX)}
    r = await env.client.post(f"/clusters/{key}/annex3", data={"csrf": csrf_token(token), "action": "file_application"},
                              files=bad)
    assert r.status_code == 422 and "第 7 行 D 列" in r.text
    # the filing's own form with the workbook attached: the workbook is the annex3
    form = {"csrf": csrf_token(token), "f_route": "association", "f_bodies.0": "中国陶瓷工业协会",
            "f_industry_history_years": "20"}
    r = await env.client.post(f"/clusters/{key}/actions/file_application", data=form,
                              files={"f_annex3_xlsx": ("附件三.xlsx", filled, XLSX)})
    assert r.status_code == 303, r.text[:300]
    await env.sim.settle()
    assert (await env.sim.service.view(key)).stage == "applied"
    filing = next(e for e in reversed((await env.client.get(f"/api/clusters/{key}", headers=env.auth("secretariat")))
                                      .json()["timeline"]) if e["kind"] == "action")
    assert filing["data"]["annex3"]["firms"][0]["name"] == "佛山陶瓷股份有限公司"
