"""Program 3 in a real browser (the service as ``make run`` starts it, with its demo set): the
demo zone office, whose 考核表 draft still lacks two figures, downloads its form, fills it in
(as Excel would: the same workbook, two cells added), uploads it and submits; its county
government (南海区) finds the filing on its to-do list and signs it off with an opinion."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from tests.e2e.browser import chromium_page, demo_log_in
from tests.e2e.test_console import ARTIFACTS, cli, console_service, token_for  # noqa: F401

pytestmark = pytest.mark.e2e
ZONE = "gd-foshan-xiqiao-textiles"


def _fill_in_excel(content: bytes) -> bytes:
    """What the clerk does in Excel: the two figures the draft lacks, typed into their cells."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content))
    ws = wb["考核表"]
    typed = {"去年企业获取的专利总数": 420, "其中发明专利数量": 61}
    for row in ws.iter_rows(max_col=4):
        for i in (0, 2):
            if row[i].value in typed:
                row[i + 1].value = typed[row[i].value]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_zone_office_uploads_its_filled_form_and_the_county_signs_it_off_in_a_real_browser(
        console_service, tmp_path):  # noqa: F811
    year = date.today().year - 1  # the demo's round: last year's data
    url = console_service.url
    with chromium_page() as page:
        demo_log_in(page, url, "zone")
        page.click(f"#program-todo tr[data-key='{ZONE}'] a")
        page.wait_for_url(f"**/guangdong/rounds/{year}/zones/{ZONE}")
        assert page.inner_text("#step") == "示范区填报"
        # submitting the draft as it stands is refused, naming what is missing
        page.click("form[data-action=submit] button")
        assert "去年企业获取的专利总数：未填写" in page.inner_text("p.refusal")

        with page.expect_download() as download:
            page.click("#download-form")
        workbook = tmp_path / "考核表.xlsx"
        workbook.write_bytes(_fill_in_excel(Path(download.value.path()).read_bytes()))
        page.set_input_files("#upload-form input[type=file]", str(workbook))
        page.click("#upload-form button[type=submit]")
        page.wait_for_url("**?done=upload_form")
        assert page.locator("tr[data-field=patents] td").nth(1).inner_text() == "420"
        page.click("form[data-action=submit] button")
        page.wait_for_url("**?done=submit")
        assert page.inner_text("#step") == "待市县人民政府审核"
        page.screenshot(path=str(ARTIFACTS / "guangdong-submitted.png"), full_page=False)
        page.click("header .who button")  # 退出

        demo_log_in(page, url, "county")
        page.click(f"#program-todo tr[data-key='{ZONE}'] a")
        page.wait_for_url(f"**/guangdong/rounds/{year}/zones/{ZONE}")
        page.fill("form[data-action=sign_off] textarea[name=opinion]", "经审核，数据属实，同意报送佛山市经贸局。")
        page.click("form[data-action=sign_off] button")
        page.wait_for_url("**?done=sign_off")
        assert page.inner_text("#step") == "待地级市经贸局审核"
        journal = page.inner_text("#journal")
        assert "佛山市南海区人民政府（演示）" in journal and "同意报送佛山市经贸局" in journal
        page.screenshot(path=str(ARTIFACTS / "guangdong-signed-off.png"), full_page=False)


def test_the_cli_shows_the_round_writes_the_form_and_the_summary_and_the_prefecture_returns_a_filing(
        console_service, tmp_path):  # noqa: F811
    """The same round from the command line: a 经贸局 sees its city's six zones, downloads a
    form, returns a filing with a reason; the province writes the summary workbook."""
    from openpyxl import load_workbook

    year = date.today().year - 1
    prefecture, province = token_for(console_service, "prefecture"), token_for(console_service, "province")
    code, out, err = cli(console_service, "guangdong", "status", str(year), "--json", token=prefecture)
    assert code == 0, err
    import json

    status = {z["zone"]: z["step"] for z in json.loads(out)}
    assert len(status) == 6 and status["gd-foshan-danzao-hardware"] == "prefecture_review"
    form = tmp_path / "丹灶.xlsx"
    code, out, err = cli(console_service, "guangdong", "form-template", str(year), "gd-foshan-danzao-hardware",
                         "-o", str(form), token=prefecture)
    assert code == 0 and load_workbook(form)["考核表"]["B2"].value == "gd-foshan-danzao-hardware", err
    code, out, err = cli(console_service, "guangdong", "return", str(year), "gd-foshan-danzao-hardware",
                         "--reason", "出口交货值与海关数据不符，请核实。", token=prefecture)
    assert code == 0 and "现在：退回修改" in out, err
    code, out, err = cli(console_service, "guangdong", "receive", str(year), "gd-foshan-danzao-hardware",
                         token=province)
    assert code == 2 and "action_not_allowed" in err and "Traceback" not in err
    summary = tmp_path / "汇总.xlsx"
    code, out, err = cli(console_service, "guangdong", "summary", str(year), "-o", str(summary), token=province)
    assert code == 0, err
    ws = load_workbook(summary).active
    assert sum(1 for r in range(4, 60) if ws.cell(r, 1).value) == 36
