"""Attachments on the running service (issue 10 item 4): an applicant uploads the county's
development plan through the cluster page in a real browser and it is in the evidence pack;
``designation attach`` attaches a report from the command line, and a wrong file is refused."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import httpx
import pytest

from tests.e2e.browser import chromium_page, demo_log_in
from tests.e2e.test_console import ARTIFACTS, cli, console_service, token_for  # noqa: F401

pytestmark = pytest.mark.e2e
PLAN = b"%PDF-1.7\n" + "安吉县竹产业发展规划（县人民政府批准）".encode() + b"\n%%EOF\n"


def test_an_applicant_uploads_a_plan_in_a_real_browser_and_it_is_in_the_evidence_pack(console_service, tmp_path):  # noqa: F811
    plan = tmp_path / "安吉县竹产业发展规划.pdf"
    plan.write_bytes(PLAN)
    sha = hashlib.sha256(PLAN).hexdigest()
    with chromium_page() as page:
        demo_log_in(page, console_service.url, "applicant")
        page.goto(f"{console_service.url}/clusters/demo-bamboo")
        form = page.locator("form[data-form=attach]")
        form.locator("select[name=purpose]").select_option("application")
        form.locator("input[type=file]").set_input_files(str(plan))
        form.locator("input[name=note]").fill("§三(一) 县级以上政府批准的发展规划")
        form.locator("button[type=submit]").click()
        page.wait_for_selector(f"tr[data-sha256='{sha}']")
        assert "已上传附件：安吉县竹产业发展规划.pdf" in page.content()
        page.screenshot(path=str(ARTIFACTS / "attachment-upload.png"), full_page=True)
    auditor = {"Authorization": f"Bearer {token_for(console_service, 'auditor')}"}
    pack = httpx.get(f"{console_service.url}/api/clusters/demo-bamboo/evidence", headers=auditor, timeout=120)
    assert pack.status_code == 200
    with zipfile.ZipFile(io.BytesIO(pack.content)) as z:
        assert z.read(f"attachments/{sha}-安吉县竹产业发展规划.pdf") == PLAN
        assert json.loads(z.read("manifest.json"))["ok"] is True


def test_designation_attach_uploads_from_the_command_line_and_refuses_a_wrong_file(console_service, tmp_path):  # noqa: F811
    token = token_for(console_service, "applicant")
    report = tmp_path / "2026年度报表.xlsx"
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["指标", "2026年"])
    workbook.save(report)
    code, out, err = cli(console_service, "attach", "demo-ceramics", str(report), "--purpose", "report", token=token)
    assert code == 0, err
    assert "已上传附件：demo-ceramics 报告“2026年度报表.xlsx”" in out
    listed = httpx.get(f"{console_service.url}/api/clusters/demo-ceramics/attachments",
                       headers={"Authorization": f"Bearer {token}"}, timeout=30).json()
    assert [a["name"] for a in listed] == ["2026年度报表.xlsx"]
    fake = tmp_path / "规划.pdf"
    fake.write_bytes(b"MZ not a pdf")
    code, _, err = cli(console_service, "attach", "demo-ceramics", str(fake), "--purpose", "report", token=token)
    assert code == 2 and "attachment_type_not_allowed" in err
    code, _, err = cli(console_service, "attach", "demo-paper", str(report), "--purpose", "report", token=token)
    assert code == 2 and "out_of_scope" in err
