"""The ``designation`` command line for the domain core: calendar, score, diagram."""

import json

import pytest

from cli.main import run
from domain.cnlic.model import Stage


@pytest.fixture(autouse=True)
def isolated_store(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    monkeypatch.chdir(tmp_path)


def cli(capsys, *args):
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_working_days_prints_the_iso_date_first(capsys):
    code, out, _ = cli(capsys, "calendar", "add-working-days", "2026-09-25", "15")
    assert code == 0 and out.splitlines()[0] == "2026-10-22"


def test_is_workday_says_yes_for_the_makeup_saturday_and_why(capsys):
    code, out, _ = cli(capsys, "calendar", "is-workday", "2026-10-10")
    lines = out.splitlines()
    assert code == 0 and lines[0] == "yes" and "调休" in lines[1] and "(official)" in lines[2]


def test_is_workday_marks_estimates_provisional(capsys):
    code, out, _ = cli(capsys, "calendar", "is-workday", "2027-10-04")
    assert out.splitlines()[0] == "no" and "(provisional)" in out


@pytest.mark.parametrize("args, fragment", [
    (("calendar", "is-workday", "2026-02-30"), "invalid_date"),
    (("calendar", "is-workday", "1990-01-01"), "calendar_unavailable"),
    (("calendar", "add-working-days", "tomorrow", "3"), "invalid_date"),
    (("calendar", "add-working-days", "2026-01-01", "--", "-3"), "invalid_days"),
])
def test_bad_input_is_one_line_and_a_non_zero_exit(capsys, args, fragment):
    code, out, err = cli(capsys, *args)
    assert code != 0 and fragment in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_calendar_file_and_an_import_make_a_year_official(capsys, tmp_path):
    f = tmp_path / "2027.json"
    f.write_text(json.dumps({"holidays": ["2027-10-01", "2027-10-04"], "workdays": ["2027-10-09"]}))
    code, out, _ = cli(capsys, "calendar", "is-workday", "2027-10-09", "--calendar-file", str(f))
    assert out.splitlines()[0] == "yes" and "(official)" in out
    code, out, _ = cli(capsys, "calendar", "import", str(f))
    assert code == 0 and "2027" in out
    code, out, _ = cli(capsys, "calendar", "is-workday", "2027-10-09")
    assert out.splitlines()[0] == "yes" and "(official)" in out  # now from the store
    code, out, _ = cli(capsys, "calendar", "import", str(f))
    assert "未改动" in out


def test_import_refuses_a_malformed_schedule_with_one_line(capsys, tmp_path):
    f = tmp_path / "bad.json"
    f.write_text('{"holidays": ["2027-10-01"], "workdays": ["2027-09-28"]}')
    code, _, err = cli(capsys, "calendar", "import", str(f))
    assert code == 2 and "周末" in err and len(err.strip().splitlines()) == 1
    code, _, err = cli(capsys, "calendar", "import", str(tmp_path / "missing.json"))
    assert code == 2 and "不存在" in err


def test_score_accepts_a_valid_passing_sheet(capsys, tmp_path):
    f = tmp_path / "sheet.json"
    f.write_text(json.dumps({"part1_met": 12, "part1": 52, "part2_first5_met": 5, "part2_vetoes_clear": True,
                             "part2": 18, "part3": 9, "part4": 9, "total": 88}))
    code, out, _ = cli(capsys, "score", str(f))
    assert code == 0 and "pass" in out and "88" in out


def test_score_exits_one_for_a_valid_failing_sheet(capsys, tmp_path):
    f = tmp_path / "sheet.json"
    f.write_text(json.dumps({"part1_met": 8, "part1": 36, "part2_first5_met": 3, "part2_vetoes_clear": True,
                             "part2": 10, "part3": 6, "part4": 6, "total": 58}))
    code, out, _ = cli(capsys, "score", str(f))
    assert code == 1 and "fail" in out


def test_score_rejects_fifty_points_with_nine_indicators_met_with_the_reason(capsys, tmp_path):
    f = tmp_path / "sheet.json"
    f.write_text(json.dumps({"part1_met": 9, "part1": 50, "part2_first5_met": 5, "part2_vetoes_clear": True,
                             "part2": 18, "part3": 9, "part4": 9, "total": 86}))
    code, out, _ = cli(capsys, "score", str(f), "--json")
    result = json.loads(out)
    assert code == 2 and not result["valid"]
    assert [v["code"] for v in result["violations"]] == ["score_band_part1"]
    assert "8–10" in result["violations"][0]["message"]


@pytest.mark.parametrize("content, fragment", [("{oops", "JSON"), ('{"part1": 50}', "score_missing_part")])
def test_score_reports_malformed_or_incomplete_sheets(capsys, tmp_path, content, fragment):
    f = tmp_path / "sheet.json"
    f.write_text(content)
    code, out, err = cli(capsys, "score", str(f))
    assert code == 2 and fragment in out + err and "Traceback" not in out + err


def test_diagram_contains_every_stage(capsys):
    code, out, _ = cli(capsys, "diagram")
    assert code == 0
    for stage in Stage:
        assert stage.value in out


@pytest.mark.parametrize("command, name, content, fragment", [
    (("act", "-", "hold_meeting", "--data"), "meeting.yaml", "decisions: {x: approve}\nheld_on: 2026-13-45\n",
     "meeting.yaml:2:10: 日期 2026-13-45 无效：月份应为 1–12"),
    (("act", "c-1", "withdraw", "--data"), "data.yaml", "reason: &r x\nagain: *r\n", "data.yaml:2:8: "),
    (("simulate",), "bomb.yaml", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9)), "bomb.yaml:7:5: 展开别名后超过"),  # scenarios: LIMITS.scenario_nodes
    (("score",), "sheet.json", '{"part1": NaN}', "sheet.json:1:11: NaN 不是有效的 JSON 数值"),
    (("calendar", "import"), "2027.yaml", "holidays: [2027-10-01, 2027-10-32]\n", "2027.yaml:1:24: 日期 2027-10-32 无效"),
    (("calendar", "is-workday", "2027-10-01", "--calendar-file"), "cal.json", "[" * 50_000, "cal.json:1:33: 嵌套超过"),
])
def test_a_hostile_or_broken_file_is_one_line_with_its_position_and_exit_two(capsys, tmp_path, command, name,
                                                                               content, fragment):
    f = tmp_path / name
    f.write_text(content, encoding="utf-8")
    code, out, err = cli(capsys, *command, str(f))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in out + err, err
    assert fragment in err


# ---------------------------------------------------------------- cluster add / import (issue 10)


@pytest.fixture
def as_secretariat(sim, monkeypatch):
    """The cluster commands over the test's time-skipping service, as the secretariat."""
    import contextlib

    from cli.cnlic import cluster_commands
    from domain.cnlic.access import User
    from service.cnlic.console import ConsoleService

    @contextlib.asynccontextmanager
    async def service(token):
        yield ConsoleService(sim.service, sim.engine), User("sec", "secretariat", "综合业务部")

    monkeypatch.setattr(cluster_commands, "_service", service)
    return sim


async def cli_async(capsys, *args):
    import asyncio

    code = await asyncio.to_thread(run, list(args))  # the CLI runs its own event loop; the worker keeps ours
    out, err = capsys.readouterr()
    return code, out, err


async def test_cluster_add_starts_each_kind_of_lifecycle_from_a_data_file(capsys, tmp_path, as_secretariat):
    from domain.calendar import add_months

    today = await as_secretariat.today()
    region = "region: {province: 广东省, city: 佛山市, county: 禅城区, name: 佛山, code: '%s'}"
    files = {
        "cultivation": f"kind: cultivation\nplanned_years: 2\ncluster: {{key: cli-cult, industry: 陶瓷, product: 陶瓷, "
                       f"tier: capital, {region % '470001'}}}\n",
        "applied": f"kind: application\nroute: association\nbodies: [中国陶瓷工业协会]\nindustry_history_years: 30\n"
                   f"cluster: {{key: cli-app, industry: 陶瓷, product: 陶瓷, tier: capital, {region % '470002'}}}\n",
        "designated": f"kind: onboarding\nconferred_on: {add_months(today, -30)}\ndocument_number: 中轻联综合〔2024〕5号\n"
                      f"evaluation: {{output: 100, value: 500, national_rank: 2}}\n"
                      f"cluster: {{key: cli-onb, industry: 陶瓷, product: 陶瓷, tier: capital, {region % '470003'}}}\n",
        "expired": f'{{"kind": "onboarding", "conferred_on": "{add_months(today, -60)}", "document_number": "2021-1",'
                   f' "evaluation": {{"firms": 300}}, "cluster": {{"key": "cli-old", "industry": "陶瓷", "product": "陶瓷",'
                   f' "tier": "capital", "region": {{"province": "广东省", "code": "470004", "name": "佛山"}}}}}}',
    }
    for stage, text in files.items():
        f = tmp_path / f"{stage}.yaml"
        f.write_text(text, encoding="utf-8")
        code, out, err = await cli_async(capsys, "cluster", "add", "--data", str(f))
        assert code == 0, err
        assert "已登记" in out and "designation-cli-" in out
    await as_secretariat.settle()
    stages = {k: (await as_secretariat.service.view(k)).stage for k in ("cli-cult", "cli-app", "cli-onb", "cli-old")}
    assert stages == {"cli-cult": "cultivation", "cli-app": "applied", "cli-onb": "designated", "cli-old": "expired"}
    code, out, _ = await cli_async(capsys, "cluster", "add", "--data", str(tmp_path / "designated.yaml"))
    assert code == 0 and "未改动" in out


async def test_cluster_add_refuses_in_one_line_with_the_rule_and_exit_two(capsys, tmp_path, as_secretariat):
    f = tmp_path / "bad.yaml"
    f.write_text("kind: cultivation\nplanned_years: 4\ncluster: {key: cli-bad, industry: 陶瓷, product: 陶瓷, "
                 "tier: capital, region: {province: 广东省}}\n", encoding="utf-8")
    code, out, err = await cli_async(capsys, "cluster", "add", "--data", str(f))
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "cultivation_years_out_of_range" in err and "计划培育年限" in err


async def test_cluster_import_reports_each_row_and_a_second_import_changes_nothing(capsys, tmp_path, as_secretariat):
    from openpyxl import load_workbook

    today = await as_secretariat.today()
    template = tmp_path / "template.xlsx"
    code, _, _ = await cli_async(capsys, "cluster", "template", "--out", str(template))
    wb = load_workbook(template)
    ws = wb["集群"]
    heads = [c.value for c in ws[1]]

    def row(**values):
        ws.append([values.get(h) for h in heads])

    row(**{"集群编号": "xl-1", "行业": "陶瓷", "主导产品": "陶瓷", "授名分类": "capital", "省份": "广东省",
           "行政区划代码": "480001", "称号中的地区名": "佛山", "授名发文日期": today.replace(year=today.year - 2),
           "发文文号": "中轻联〔2024〕1号", "产值（亿元）": 500})
    row(**{"集群编号": "xl-2", "行业": "家具", "主导产品": "家具", "授名分类": "基地（城、园、区等）", "省份": "广东省",
           "行政区划代码": "480002", "称号中的地区名": "东莞", "授名发文日期": today.replace(year=today.year - 1),
           "发文文号": "中轻联〔2025〕2号", "企业数（个）": 200})
    row(**{"集群编号": "xl-3", "行业": "竹", "主导产品": "竹", "授名分类": "town", "省份": "浙江省",
           "授名发文日期": today.replace(year=today.year - 1), "发文文号": "中轻联〔2025〕3号"})
    f = tmp_path / "import.xlsx"
    wb.save(f)
    code, out, err = await cli_async(capsys, "cluster", "import", str(f))
    assert code == 1, err
    assert "已登记 2，未改动 0，拒绝 1" in out and "evaluation_figures_missing" in out
    await as_secretariat.settle()
    code, out, _ = await cli_async(capsys, "cluster", "import", str(f), "--json")
    lines = [json.loads(x) for x in out.splitlines()]
    assert [x["outcome"] for x in lines] == ["unchanged", "unchanged", "refused"]


@pytest.mark.parametrize("action, content, fragment", [
    ("revoke", "{}\n", "[reason_missing] 取消理由（reason）：必须填写"),
    ("approve_site_visit", "visit_on: 2999-01-01\npanel: []\n", "考评日期（visit_on）：应不大于 2099-12-31"),
    ("request_supplement", "items: [材料]\ntypo: 1\n", "“typo”：不是可填写的字段"),
    ("hold_meeting", "decisions: {x: approve-ish}\n", "决定（decisions）"),
])
def test_act_checks_the_data_file_against_the_actions_schema_before_connecting(capsys, tmp_path, monkeypatch, action,
                                                                             content, fragment):
    monkeypatch.setenv("TEMPORAL_ADDRESS", "127.0.0.1:1")  # nothing listens: a refusal must come first
    f = tmp_path / "data.yaml"
    f.write_text(content, encoding="utf-8")
    code, out, err = cli(capsys, "act", "c-1", action, "--data", str(f))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in out + err, err
    assert fragment in err
