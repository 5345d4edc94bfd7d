"""附件五 as an XLSX in the annex's own layout through the API (issue 11): the download is
prefilled from the cluster, a clerk's filled workbook uploads into the same schema and
round-trips exactly, a bad cell is named, and the reports filed and missing reach the page."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from service.cnlic.annex5 import MAIN_SHEET, read_workbook, workbook
from tests.support import annual_report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def designated_with_owed_report(env) -> tuple[str, str, int]:
    """A title onboarded two years ago; time moved to March of the year after the owed report."""
    today = await env.sim.today()
    key = await env.register("annex5", stage="designated", conferred_on=date(today.year - 2, 6, 1).isoformat())
    view = await env.sim.service.view(key)
    owed = min(int(d.key.split(":")[1]) for d in view.deadlines if d.what == "annual_report")
    await env.sim.advance_to(max(today, date(owed + 1, 3, 1)))
    username = f"applicant-{key}"
    env.add_user(username, role="applicant", name=f"{key} 人民政府", clusters=[key])
    return key, username, owed


def fill(content: bytes, year: int, **changes) -> bytes:
    """What a clerk does in Excel: types the whole report into the downloaded layout."""
    data = annual_report(year, **changes)
    filled = workbook(year, data["header"], None, data)
    # the clerk's file is the downloaded one with the cells typed in: same layout, same sheets
    assert load_workbook(io.BytesIO(content)).sheetnames == load_workbook(io.BytesIO(filled)).sheetnames
    return filled


async def test_a_filled_annex_five_workbook_uploads_and_round_trips_exactly(env):
    key, who, year = await designated_with_owed_report(env)
    got = await env.client.get(f"/api/clusters/{key}/annual-reports/{year}/annex5.xlsx", headers=env.auth(who))
    assert got.status_code == 200 and got.headers["content-type"] == XLSX
    ws = load_workbook(io.BytesIO(got.content))[MAIN_SHEET]
    assert ws["A2"].value == "特色区域和产业集群发展情况年度报表"
    assert ws["B3"].value == "广东省佛山市禅城区"  # prefilled from the cluster itself
    assert ws["C8"].value == f"{year} 年" and ws["E8"].value == "同比增长/%"
    assert [ws.cell(r, 1).value for r in (9, 28)] == ["营业收入", "其他荣誉"]

    filled = fill(got.content, year, leading_firms=3, market_share_basis="industry")
    parsed = await env.client.post(f"/api/clusters/{key}/annual-reports/annex5?dry_run=true", content=filled,
                                   headers={**env.auth(who), "content-type": XLSX})
    assert parsed.status_code == 200, parsed.text
    expected = annual_report(year, leading_firms=3, market_share_basis="industry")
    assert parsed.json() == expected  # the same schema's data, exactly

    r = await env.client.post(f"/api/clusters/{key}/annual-reports/annex5", content=filled,
                              headers={**env.auth(who), "content-type": XLSX})
    assert r.status_code == 200, r.text
    await env.sim.settle()
    again = await env.client.get(f"/api/clusters/{key}/annual-reports/{year}/annex5.xlsx", headers=env.auth(who))
    assert read_workbook(again.content) == expected  # the filed report downloads as it was filled

    listed = (await env.client.get(f"/api/clusters/{key}/annual-reports", headers=env.auth("secretariat"))).json()
    assert [e["status"] for e in listed["entries"] if e["year"] == year] == ["filed"]
    assert listed["reports"][str(year)]["leading_firms"][2]["name"] == "佛山第3陶瓷有限公司"



async def test_a_bad_cell_is_named_by_its_sheet_and_cell_and_nothing_is_filed(env):
    key, who, year = await designated_with_owed_report(env)
    data = annual_report(year)
    wb = load_workbook(io.BytesIO(workbook(year, data["header"], None, data)))
    ws = wb[MAIN_SHEET]
    ws["C9"] = "一千"  # 营业收入 in words
    ws["C25"] = None  # 绿色设计产品 left blank
    ws["A18"] = "市场占有率(或行业占比)"  # the 或 row not ticked
    out = io.BytesIO()
    wb.save(out)
    r = await env.client.post(f"/api/clusters/{key}/annual-reports/annex5", content=out.getvalue(),
                              headers={**env.auth(who), "content-type": XLSX})
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "annex5_invalid"
    assert "附件五!C9" in body["message"] and "附件五!C25" in body["message"] and "附件五!A18" in body["message"]
    listed = (await env.client.get(f"/api/clusters/{key}/annual-reports", headers=env.auth("secretariat"))).json()
    assert all(e["status"] != "filed" for e in listed["entries"])


async def test_the_cluster_page_offers_the_workbook_beside_the_form_takes_the_upload_and_shows_the_record(env):
    from service.users import csrf_token
    from tests.api.test_pages import log_in

    key, who, year = await designated_with_owed_report(env)
    token = await log_in(env, who)
    page = await env.client.get(f"/clusters/{key}")
    assert page.status_code == 200
    assert f'/clusters/{key}/annual-reports/{year}/annex5.xlsx' in page.text  # the download beside the form
    assert 'action="/clusters/' + key + '/annual-reports/annex5"' in page.text  # the upload form
    assert 'name="f_indicators.green_factories"' in page.text and 'name="f_leading_firms.7.email"' in page.text
    data = annual_report(year, revenue=1234.0)
    r = await env.client.post(f"/clusters/{key}/annual-reports/annex5", data={"csrf": csrf_token(token)},
                              files={"file": ("附件五.xlsx", workbook(year, data["header"], None, data), XLSX)})
    assert r.status_code == 303, r.text
    await env.sim.settle()
    page = await env.client.get(f"/clusters/{key}")
    assert 'id="annual-record"' in page.text and f'data-year="{year}" data-status="filed"' in page.text
    assert "1234" in page.text and 'data-row="20"' in page.text
    env.client.cookies.clear()


async def test_during_a_reevaluation_the_page_lists_the_annual_reports_missing_since_conferral(env):
    from tests.annexes import annex3
    from tests.api.test_pages import log_in

    key, who, year = await designated_with_owed_report(env)
    await env.sim.advance_to(date(year + 1, 5, 2))  # the owed report is now overdue and not filed
    r = await env.client.post(f"/api/clusters/{key}/actions/file_reevaluation", headers=env.auth(who),
                              json={"route": "cnlic_only", "industry_history_years": 20, "annex3": annex3()})
    assert r.status_code == 200, r.text
    await env.sim.settle()
    listed = (await env.client.get(f"/api/clusters/{key}/annual-reports", headers=env.auth("secretariat"))).json()
    assert year in listed["missing"]
    await log_in(env, "secretariat")
    page = await env.client.get(f"/clusters/{key}")
    assert "复评要求" in page.text and f'data-year="{year}" data-status="missing"' in page.text
    assert "逾期未报送 1 份" in page.text
    env.client.cookies.clear()
