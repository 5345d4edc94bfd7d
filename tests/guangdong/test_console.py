"""Program 3 in the console, API and pages, on the real workflows (time-skipping server): the
province opens a round, a zone office fills its 考核表 (typed form, or the XLSX in the form's
own layout), a share of 130% is refused naming the field, the zone submits, its county signs
off; scopes keep each user to their zones; the summary lists all 36."""

from __future__ import annotations

import pytest

from domain.guangdong.zones import BY_KEY
from service.guangdong.form_xlsx import read_form, write_form
from service.guangdong.sample import sample_contact, sample_form, sample_summary
from tests.guangdong.conftest import open_round

pytestmark = [pytest.mark.api, pytest.mark.workflow]
XIQIAO = "gd-foshan-xiqiao-textiles"


@pytest.fixture(scope="module")
async def year(gd):
    y = (await gd.sim.today()).year - 1
    from datetime import date

    await open_round(gd, y, date((await gd.sim.today()).year + 1, 3, 31))
    return y


async def test_only_the_province_opens_a_round(gd, year):
    r = await gd.client.post("/api/guangdong/rounds", json={"data_year": year - 1}, headers=gd.auth("zone"))
    assert r.status_code == 403 and r.json()["code"] == "role_not_allowed"
    r = await gd.client.post("/api/guangdong/rounds", json={"data_year": year}, headers=gd.auth("province"))
    assert r.status_code == 409 and r.json()["code"] == "round_exists"


async def test_a_zone_office_sees_its_zone_and_a_prefecture_its_city(gd, year):
    r = await gd.client.get("/api/guangdong/zones", headers=gd.auth("zone"))
    assert [z["key"] for z in r.json()] == [XIQIAO]
    r = await gd.client.get(f"/api/guangdong/rounds/{year}", headers=gd.auth("prefecture"))
    assert {f["zone"]["city"] for f in r.json()["filings"]} == {"佛山市"} and len(r.json()["filings"]) == 6
    r = await gd.client.get(f"/api/guangdong/rounds/{year}/zones/{XIQIAO}", headers=gd.auth("jiangmen"))
    assert r.status_code == 403 and r.json()["code"] == "out_of_scope"


async def test_a_share_of_130_percent_is_refused_naming_the_field(gd, year):
    r = await gd.client.put(f"/api/guangdong/rounds/{year}/zones/{XIQIAO}/draft",
                            json={"form": {"output_share_domestic": 130}}, headers=gd.auth("zone"))
    assert r.status_code == 422
    assert r.json()["code"] == "share_out_of_range"
    assert "特色产业产值占国内同类产品比重（％）" in r.json()["message"] and "130" in r.json()["message"]


async def test_an_uploaded_xlsx_with_a_share_of_130_percent_is_refused_naming_the_cell_and_the_field(gd, year):
    zone = BY_KEY[XIQIAO]
    values = sample_form(zone, year)
    values["top10_portal"] = 130
    r = await gd.client.post(f"/api/guangdong/rounds/{year}/zones/{XIQIAO}/form.xlsx",
                             content=write_form(zone, year, values), headers=gd.auth("zone"))
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] == "share_out_of_range"
    assert body["message"].startswith("考核表!D") and "销售额前10位企业建立门户网站比例" in body["message"]


async def test_the_zone_uploads_its_filled_form_submits_and_its_county_signs_off(gd, year):
    zone = BY_KEY[XIQIAO]
    filled = write_form(zone, year, sample_form(zone, year), sample_contact(zone))
    r = await gd.client.post(f"/api/guangdong/rounds/{year}/zones/{XIQIAO}/form.xlsx", content=filled,
                             headers=gd.auth("zone"))
    assert r.status_code == 200, r.text
    assert r.json()["draft"] and len([v for v in r.json()["form"].values() if v not in (None, "")]) == 94
    # not complete yet: the summary is missing
    r = await gd.client.post(f"/api/guangdong/rounds/{year}/zones/{XIQIAO}/submit", json={}, headers=gd.auth("zone"))
    assert r.status_code == 422 and r.json()["code"] == "summary_section_missing"
    r = await gd.client.post(f"/api/guangdong/rounds/{year}/zones/{XIQIAO}/submit",
                             json={"summary": sample_summary(zone, year)}, headers=gd.auth("zone"))
    assert r.status_code == 200, r.text
    assert r.json()["step"] == "local_review"
    # the 经贸局 cannot sign before the county
    r = await gd.client.post(f"/api/guangdong/rounds/{year}/zones/{XIQIAO}/sign-off", json={"opinion": "同意"},
                             headers=gd.auth("prefecture"))
    assert r.status_code == 403 and r.json()["code"] == "role_not_allowed"
    r = await gd.client.post(f"/api/guangdong/rounds/{year}/zones/{XIQIAO}/sign-off", json={},
                             headers=gd.auth("county"))
    assert r.status_code == 422 and r.json()["code"] == "opinion_required"
    r = await gd.client.post(f"/api/guangdong/rounds/{year}/zones/{XIQIAO}/sign-off",
                             json={"opinion": "经审核，同意报送。"}, headers=gd.auth("county"))
    assert r.status_code == 200 and r.json()["step"] == "prefecture_review"
    # the submitted form downloads as it was filed
    r = await gd.client.get(f"/api/guangdong/rounds/{year}/zones/{XIQIAO}/form.xlsx", headers=gd.auth("prefecture"))
    values, _ = read_form(r.content, zone, year)
    assert values == read_form(filled, zone, year)[0]


async def test_a_return_and_its_correction_are_in_the_journal(gd, year):
    key = "gd-foshan-dali-nonferrous"
    zone = BY_KEY[key]
    r = await gd.client.post(f"/api/guangdong/rounds/{year}/zones/{key}/submit", headers=gd.auth("zone-dali"),
                             json={"form": sample_form(zone, year), "summary": sample_summary(zone, year)})
    assert r.status_code == 200, r.text
    r = await gd.client.post(f"/api/guangdong/rounds/{year}/zones/{key}/return", json={"reason": ""},
                             headers=gd.auth("county"))
    assert r.status_code == 422 and r.json()["code"] == "reason_required"
    r = await gd.client.post(f"/api/guangdong/rounds/{year}/zones/{key}/return", json={"reason": "企业数有误"},
                             headers=gd.auth("county"))
    assert r.json()["step"] == "returned"
    r = await gd.client.post(f"/api/guangdong/rounds/{year}/zones/{key}/submit", json={}, headers=gd.auth("zone-dali"))
    assert r.status_code == 200 and r.json()["events"][0]["kind"] == "corrected"
    r = await gd.client.get(f"/api/guangdong/rounds/{year}/zones/{key}", headers=gd.auth("province"))
    kinds = [e["kind"] for e in r.json()["journal"]]
    assert kinds[-3:] == ["submitted", "returned", "corrected"]
    returned = r.json()["journal"][-2]
    assert returned["data"]["reason"] == "企业数有误" and returned["actor"]["name"] == "佛山市南海区人民政府"


async def test_the_summary_lists_all_36_zones_as_a_page_a_workbook_and_a_chart(gd, year):
    r = await gd.client.get(f"/api/guangdong/rounds/{year}/summary", headers=gd.auth("province"))
    assert len(r.json()["rows"]) == 36
    r = await gd.client.get(f"/api/guangdong/rounds/{year}/summary.xlsx", headers=gd.auth("province"))
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(r.content)).active
    names = [ws.cell(row, 2).value for row in range(4, 40)]
    assert set(names) == {z.name for z in BY_KEY.values()}
    page = await gd.login("province")
    r = await page.get(f"/guangdong/rounds/{year}/summary")
    assert r.status_code == 200 and r.text.count('data-zone="') == 36 and "<svg" in r.text


async def test_every_page_renders_for_each_role(gd, year):
    for who in ("zone", "county", "prefecture", "province", "auditor"):
        page = await gd.login(who)
        for url in ("/guangdong", f"/guangdong/rounds/{year}", f"/guangdong/rounds/{year}/zones/{XIQIAO}",
                    f"/guangdong/zones/{XIQIAO}", "/todo"):
            r = await page.get(url)
            assert r.status_code == 200, (who, url, r.text[:500])
    page = await gd.login("jiangmen")
    r = await page.get(f"/guangdong/rounds/{year}/zones/{XIQIAO}")
    assert r.status_code == 403


async def test_year_on_year_changes_are_shown_for_every_numeric_field_against_the_previous_round(gd, year):
    from datetime import date

    key = "gd-foshan-shunde-appliances"
    zone = BY_KEY[key]
    await open_round(gd, year - 1, date((await gd.sim.today()).year + 1, 1, 31))
    gd.users.add("shunde", "zone_office", "顺德家电示范区办公室", "password-123", clusters=[key])
    gd.tokens["shunde"] = gd.users.issue_token("shunde")
    for y in (year - 1, year):
        r = await gd.client.post(f"/api/guangdong/rounds/{y}/zones/{key}/submit", headers=gd.auth("shunde"),
                                 json={"form": sample_form(zone, y), "summary": sample_summary(zone, y)})
        assert r.status_code == 200, r.text
    r = await gd.client.get(f"/api/guangdong/rounds/{year}/zones/{key}", headers=gd.auth("province"))
    changes = r.json()["changes"]
    assert len(changes) == 59 and all(c["last_year"] is not None and c["change"] is not None for c in changes)
    output = next(c for c in changes if c["key"] == "output")
    assert output["growth"] == round((output["this_year"] - output["last_year"]) / output["last_year"] * 100, 2)
    r = await gd.client.get(f"/api/guangdong/rounds/{year}/summary", headers=gd.auth("province"))
    row = next(x for x in r.json()["rows"] if x["zone"]["key"] == key)
    assert row["cells"]["output"]["growth"] == output["growth"]
    r = await gd.client.get(f"/api/guangdong/zones/{key}/history", headers=gd.auth("province"))
    assert [h["data_year"] for h in r.json()] == [year, year - 1]
    page = await gd.login("province")
    r = await page.get(f"/guangdong/rounds/{year}/zones/{key}")
    assert r.text.count('个百分点') >= 16  # every share's change in points


async def test_the_audit_verifies_and_replays_program_3s_journals(gd, year):
    from audit.service import AuditService

    audit = AuditService(gd.sim.env.client, gd.sim.engine)
    reports = await audit.verify(None, "测试")
    mine = [r for r in reports if r.cluster_key.startswith("guangdong.")]
    assert len(mine) >= 37 and all(r.ok for r in mine), [r.summary() for r in mine if not r.ok]
    replay = await audit.replay(f"guangdong.filing-{year}-gd-foshan-dali-nonferrous", "测试")
    assert replay.ok and replay.deterministic and len(replay.timeline) == replay.journal_rows


async def test_an_attachment_of_the_summary_is_kept_and_journaled_and_a_wrong_file_is_refused(gd, year):
    key = "gd-foshan-danzao-hardware"
    gd.users.add("danzao", "zone_office", "丹灶小五金示范区办公室", "password-123", clusters=[key])
    gd.tokens["danzao"] = gd.users.issue_token("danzao")
    pdf = b"%PDF-1.4\n" + b"0" * 300_000  # beyond the 256 KB of an ordinary body
    url = f"/api/guangdong/rounds/{year}/zones/{key}/attachments"
    r = await gd.client.post(url, params={"name": "附页：品牌建设情况.pdf"}, content=pdf, headers=gd.auth("danzao"))
    assert r.status_code == 200, r.text
    (event,) = r.json()["events"]
    assert event["kind"] == "attachment" and event["data"]["size"] == len(pdf)
    r = await gd.client.post(url, params={"name": "tool.exe"}, content=b"MZ" + b"0" * 10, headers=gd.auth("danzao"))
    assert r.status_code == 422 and r.json()["code"] == "attachment_type_not_allowed"
    r = await gd.client.post(url, params={"name": "x.pdf"}, content=pdf, headers=gd.auth("county"))
    assert r.status_code == 403
