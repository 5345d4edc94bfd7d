"""The ``designation`` command line for the domain core: calendar, score, diagram."""

import json

import pytest

from cli.main import run
from domain.model import Stage


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
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9)), "bomb.yaml:6:5: 展开别名后超过"),
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
