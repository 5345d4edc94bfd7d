"""The console as ``make run`` serves it: one ``worker.py --demo --console`` process (embedded
Temporal dev server, worker, console, housekeeping) driven through its banner, the CLI, a
real browser and its own store; Ctrl-C at the end."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import ROOT, ServiceProcess, free_port
from tests.e2e.test_service_process import listening_addresses

pytestmark = pytest.mark.e2e

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", ROOT / "test-artifacts"))
DESIGNATION = Path(sys.executable).parent / "designation"


@pytest.fixture(scope="module")
def console_service(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("console")
    env = dict(os.environ)
    for name in ("TEMPORAL_ADDRESS", "DATABASE_URL", "TEMPORAL_NAMESPACE", "TEMPORAL_TASK_QUEUE", "DESIGNATION_TOKEN"):
        env.pop(name, None)
    env.update(DESIGNATION_DATA_DIR=str(tmp / ".data"), TEMPORAL_DEV_PORT=str(free_port()),
               TEMPORAL_UI_PORT=str(free_port()), CONSOLE_PORT=str(free_port()), CONSOLE_RECONCILE_EVERY="2",
               PYTHONPATH=str(ROOT))
    service = ServiceProcess(tmp, env, "--demo", "--console").start()
    service.url = f"http://127.0.0.1:{env['CONSOLE_PORT']}"
    try:
        yield service
    finally:
        service.stop()


def cli(service: ServiceProcess, *args: str, token: str | None = None, stdin: str | None = None):
    env = dict(service.env)
    if token:
        env["DESIGNATION_TOKEN"] = token
    done = subprocess.run([str(DESIGNATION), *args], cwd=service.tmp, env=env, capture_output=True, text=True,
                          input=stdin, timeout=60)
    return done.returncode, done.stdout, done.stderr


def token_for(service: ServiceProcess, username: str) -> str:
    code, out, err = cli(service, "user", "token", username)
    assert code == 0, err
    return out.strip().splitlines()[0]


def ensure_opinions_in(service: ServiceProcess) -> None:
    """demo-porcelain waits for the provincial body's opinion; give it (once) through the API."""
    token = token_for(service, "provincial")
    headers = {"Authorization": f"Bearer {token}"}
    shown = httpx.get(f"{service.url}/api/clusters/demo-porcelain", headers=headers, timeout=30).json()
    if "江西省轻工业联合会" in shown["outstanding_opinions"]:
        r = httpx.post(f"{service.url}/api/clusters/demo-porcelain/actions/record_opinion",
                       json={"text": "同意推荐", "recommend": True}, headers=headers, timeout=60)
        assert r.status_code == 200, r.text



def switch_user(page, url: str, username: str) -> None:
    """Sign out with the header's 退出 button, sign in as a demo user, back to the cluster."""
    page.click("header form button")  # 退出
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"{username}-demo")
    page.click("button[type=submit]")
    page.goto(f"{url}/clusters/demo-porcelain")

def test_make_run_serves_the_console_on_localhost_and_prints_one_demo_login_per_role(console_service):
    out = console_service.output()
    assert f"运行控制台            {console_service.url}" in out
    for role in ("secretariat", "leader", "association", "provincial", "expert", "applicant", "auditor"):
        assert re.search(rf"^\s+{role}\s+{role}-demo\s", out, re.M), role
    port = int(console_service.env["CONSOLE_PORT"])
    assert listening_addresses(port) <= {"0100007F", "00000000000000000000000001000000"}
    assert httpx.get(f"{console_service.url}/api/health", timeout=10).json() == {"status": "ok"}
    assert httpx.get(f"{console_service.url}/openapi.json", timeout=10).json()["paths"]["/api/clusters"]
    assert httpx.get(f"{console_service.url}/login", timeout=10).status_code == 200


def test_the_cli_manages_users_and_acts_lists_and_refuses_through_the_service(console_service, tmp_path):
    code, out, _ = cli(console_service, "user", "list")
    assert code == 0 and "江西省轻工业联合会" in out and "auditor" in out
    code, _, err = cli(console_service, "user", "add", "clerk", "--role", "secretariat", "--name", "秘书处职员",
                       "--password", "clerk-password")
    assert code == 0, err
    code, _, err = cli(console_service, "user", "add", "clerk", "--role", "secretariat", "--name", "另一人",
                       "--password", "clerk-password")
    assert code == 2 and "user_exists" in err and len(err.strip().splitlines()) == 1
    provincial = token_for(console_service, "provincial")
    code, _, err = cli(console_service, "cluster", "list")
    assert code == 2 and "令牌" in err  # no token, no answer

    code, out, err = cli(console_service, "cluster", "list", "--json", token=provincial)
    assert code == 0, err
    assert [json.loads(line)["key"] for line in out.splitlines()] == ["demo-porcelain"]  # 江西省 only
    code, out, err = cli(console_service, "cluster", "show", "demo-paper", token=provincial)
    assert code == 2 and "out_of_scope" in err and "Traceback" not in err

    data = tmp_path / "opinion.yaml"
    data.write_text("text: 同意推荐\nrecommend: true\n", encoding="utf-8")
    code, out, err = cli(console_service, "act", "demo-porcelain", "record_opinion", "--data", str(data),
                         token=provincial)
    assert (code == 0 and "出具审查意见" in out) or "opinion_duplicate" in err, err
    code, _, err = cli(console_service, "act", "demo-porcelain", "accept_application", token=provincial)
    assert code == 2 and err.startswith("错误 [role_not_allowed]") and len(err.strip().splitlines()) == 1

    secretariat = token_for(console_service, "secretariat")
    code, out, err = cli(console_service, "cluster", "show", "demo-porcelain", token=secretariat)
    assert code == 0 and "可办理    受理申请" in out and "accept_application" not in out, err
    code, out, err = cli(console_service, "radar", "--json", token=secretariat)
    items = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and items and [i["due"] for i in items] == sorted(i["due"] for i in items)
    assert any(i["overdue"] and i["cluster"] == "demo-ceramics" for i in items)
    code, out, err = cli(console_service, "cluster", "list", "--stage", "designated", token=secretariat)
    assert code == 0 and "demo-ceramics" in out and "demo-furniture" in out and "demo-paper" not in out


def test_the_secretariat_accepts_an_application_in_a_real_browser(console_service):
    from tests.e2e.browser import chromium_page  # here: that module imports this one's constants

    with chromium_page(height=900) as page:
        ensure_opinions_in(console_service)
        page.goto(f"{console_service.url}/")
        assert "/login" in page.url
        page.fill("input[name=username]", "secretariat")
        page.fill("input[name=password]", "secretariat-demo")
        page.click("button[type=submit]")
        page.wait_for_selector("svg.lifecycle")
        page.screenshot(path=str(ARTIFACTS / "console-overview.png"), full_page=True)

        page.click("header nav >> text=集群")
        page.click("a[href='/clusters/demo-porcelain']")
        assert page.inner_text("#stage") == "申请"
        page.click("form[data-action=accept_application] button[type=submit]")
        page.wait_for_url("**/clusters/demo-porcelain?done=accept_application")
        assert page.inner_text("#stage") == "受理"
        visit = page.locator("tr[data-deadline=site_visit]")
        assert visit.count() == 1 and "考评批准" in visit.inner_text() and "个工作日" in visit.inner_text()
        assert page.locator("svg.timeline .deadline-bar").count() >= 1
        page.screenshot(path=str(ARTIFACTS / "console-accepted.png"), full_page=True)

        # the council leader approves the site visit with too few senior experts: refused inline
        switch_user(page, console_service.url, "leader")
        # the panel is a table of rows generated from the schema (no JSON): five experts, one senior
        form = page.locator("form[data-action=approve_site_visit]")
        fields = ["industry_management", "policy_research", "technology", "environment", "standards"]
        for i, field in enumerate(fields):
            form.locator(f"input[name='f_panel.{i}.name']").fill(f"专家{i + 1}")
            form.locator(f"select[name='f_panel.{i}.field']").select_option(field)
            form.locator(f"input[name='f_panel.{i}.region_code']").fill("110105")
        form.locator("input[name='f_panel.0.senior']").check()
        form.locator("input[name='f_panel.0.lead']").check()
        rows = form.locator("table[data-rows='f_panel'] tbody tr")
        count = rows.count()
        form.locator("button.add-row").click()  # the page's script adds a blank row; a blank row is no member
        assert rows.count() == count + 1
        assert form.locator(f"input[name='f_panel.{count}.name']").input_value() == ""
        form.locator("button[type=submit]").click()
        refusal = page.locator("form[data-action=approve_site_visit] .refusal")
        refusal.wait_for()
        assert "panel_too_few_senior" in refusal.inner_text() and "高级职称" in refusal.inner_text()
        assert page.inner_text("#stage") == "受理"
        refusal.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "console-refused.png"), full_page=True)

        # the typed rows are kept on the refusal: make three seniors, the demo expert the lead, and approve
        form = page.locator("form[data-action=approve_site_visit]")
        assert form.locator("input[name='f_panel.4.name']").input_value() == "专家5"
        form.locator("input[name='f_panel.0.name']").fill("李专家")
        form.locator("input[name='f_panel.1.senior']").check()
        form.locator("input[name='f_panel.2.senior']").check()
        form.locator("button[type=submit]").click()
        page.wait_for_url("**/clusters/demo-porcelain?done=approve_site_visit")
        assert page.inner_text("#stage") == "考评"

        # the lead expert records the site report: findings line by line, the 附件一 score sheet table
        switch_user(page, console_service.url, "expert")
        report = page.locator("form[data-action=record_site_report]")
        for i, t in enumerate(("产业规模居全国前列", "龙头企业带动作用强", "公共服务平台完善", "绿色转型成效明显")):
            report.locator(f"input[name='f_opinions.{i}.title']").fill(t)  # 附件四: each opinion with its text
            report.locator(f"textarea[name='f_opinions.{i}.text']").fill(f"{t}：详细阐述。")
        report.locator("textarea[name=f_recommendations]").fill("加强区域品牌建设\n推进智能制造\n完善标准体系\n培育专业人才")
        sheet = {"part1_met": "12", "part1": "52", "part2_first5_met": "5", "part2": "18", "part3": "9", "part4": "9",
                 "total": "80"}  # the total is not the sum: the rule refuses it inline
        for name, value in sheet.items():
            report.locator(f"input[name='f_score_sheet.{name}']").fill(value)
        report.locator("select[name='f_score_sheet.part2_vetoes_clear']").select_option("yes")
        report.locator("select[name=f_recommend]").select_option("yes")
        report.locator("input[name='f_indicators.output.value']").fill("86")
        report.locator("input[name='f_indicators.output.rank']").fill("2")
        assert "各部分之和 88" in report.locator(".score-sum").inner_text()  # shown as typed, beside the total
        report.locator("button[type=submit]").click()
        refusal = page.locator("form[data-action=record_site_report] .refusal")
        refusal.wait_for()
        assert "score_total_mismatch" in refusal.inner_text() or "总得分" in refusal.inner_text()
        report = page.locator("form[data-action=record_site_report]")
        report.locator("input[name='f_score_sheet.total']").fill("88")
        report.locator("button[type=submit]").click()
        page.wait_for_url("**/clusters/demo-porcelain?done=record_site_report")
        assert page.inner_text("#stage") == "行业意见"
        page.screenshot(path=str(ARTIFACTS / "console-site-report.png"), full_page=True)
    assert (ARTIFACTS / "console-accepted.png").stat().st_size > 10_000


def test_reconciliation_repairs_a_drifted_read_model_row_and_logs_it(console_service):
    db = console_service.tmp / ".data" / "designation.db"
    with sqlite3.connect(db, timeout=10) as c:
        c.execute("UPDATE cluster SET stage = 'withdrawn', overdue = 1 WHERE key = 'demo-furniture'")
        c.execute("DELETE FROM deadline WHERE cluster_key = 'demo-furniture'")
    deadline = time.monotonic() + 60
    while True:
        with sqlite3.connect(db, timeout=10) as c:
            stage, overdue = c.execute("SELECT stage, overdue FROM cluster WHERE key = 'demo-furniture'").fetchone()
            deadlines = c.execute("SELECT count(*) FROM deadline WHERE cluster_key = 'demo-furniture'").fetchone()[0]
        if stage == "designated" and not overdue and deadlines >= 3:
            break
        assert time.monotonic() < deadline, f"not repaired: {stage} {overdue} {deadlines}\n{console_service.output()}"
        time.sleep(0.5)
    assert re.search(r"reconcile repaired demo-furniture: stage: 'withdrawn' → 'designated'", console_service.output())


def test_ctrl_c_stops_the_console_the_worker_and_the_server_cleanly(console_service):
    code = console_service.interrupt()
    out = console_service.output()
    assert code == 0 and "正在停止" in out and "Traceback" not in out
    port = int(console_service.env["CONSOLE_PORT"])
    assert not listening_addresses(port)

