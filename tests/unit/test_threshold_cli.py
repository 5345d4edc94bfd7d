"""``designation thresholds``: template, import (a new version once; errors named per row),
list and show, over a store in a temporary directory."""


import pytest
from openpyxl import load_workbook

from cli.main import run
from service.users import UserService
from store.db import make_engine, migrate


@pytest.fixture()
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    engine = make_engine(url)
    migrate(engine)
    users = UserService(engine)
    users.add("ceramics", "association", "中国陶瓷工业协会", "password-123", industries=["陶瓷"])
    return users.issue_token("ceramics")


def cli(capsys, *args):
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def filled(path, value, **cells):
    wb = load_workbook(path)
    ws = wb.active
    ws["B3"] = "2026-01-01"
    for r in range(6, ws.max_row + 1):
        if ws.cell(r, 1).value not in ("output_share", "profit_margin"):
            ws.cell(r, 6).value = value
    for ref, v in cells.items():
        ws[ref] = v
    wb.save(path)


def test_thresholds_cli_template_import_list_show(store, capsys, tmp_path):
    path = tmp_path / "t.xlsx"
    code, out, _ = cli(capsys, "thresholds", "template", "陶瓷", "capital", "--out", str(path))
    assert code == 0 and path.exists()
    filled(path, 10, F13="很多")
    code, _, err = cli(capsys, "thresholds", "import", str(path), "--token", store)
    assert code == 2 and "第 13 行" in err and "区域内企业数" in err
    filled(path, 10)
    code, out, _ = cli(capsys, "thresholds", "import", str(path), "--token", store)
    assert code == 0 and "第 1 版" in out and "陶瓷·都·第1版" in out
    code, out, _ = cli(capsys, "thresholds", "import", str(path), "--token", store)
    assert code == 0 and out.startswith("未改动")
    code, out, _ = cli(capsys, "thresholds", "list", "--on", "2026-06-01")
    assert code == 0 and "陶瓷" in out and "第 1 版生效" in out
    code, out, _ = cli(capsys, "thresholds", "show", "陶瓷", "都")
    assert code == 0 and "有效期内专利数量（个）\t不低于 10" in out


def test_thresholds_cli_an_association_cannot_import_another_industry(store, capsys, tmp_path):
    path = tmp_path / "t.xlsx"
    cli(capsys, "thresholds", "template", "家具", "base", "--out", str(path), "--blank")
    filled(path, 10)
    code, _, err = cli(capsys, "thresholds", "import", str(path), "--token", store)
    assert code == 2 and "thresholds_not_permitted" in err


def test_score_checks_entered_values_against_the_table_in_force(store, capsys, tmp_path):
    import json

    path = tmp_path / "t.xlsx"
    cli(capsys, "thresholds", "template", "陶瓷", "capital", "--out", str(path))
    filled(path, 10)
    assert cli(capsys, "thresholds", "import", str(path), "--token", store)[0] == 0
    part1 = ["output_value", "sales_revenue", "main_revenue", "profit_tax", "exports", "firms", "above_scale_firms",
             "patents", "standards", "brands", "employees", "rd_ratio", "market_share"]
    values = {k: (20 if i < 9 else 5) for i, k in enumerate(part1)}  # nine rows meet the table
    values.update({k: 20 for k in ("safety_cert_share", "iso9000_share", "iso14000_share", "iso22000_share",
                                   "pass_rate")}, quality_incident="无", pollution_incident="无", safety_accident="无")
    sheet = tmp_path / "sheet.json"
    sheet.write_text(json.dumps({"values": values, "part1": 52, "part2": 18, "part3": 9, "part4": 9, "total": 88},
                                ensure_ascii=False), encoding="utf-8")
    code, out, _ = cli(capsys, "score", str(sheet), "--industry", "陶瓷", "--tier", "capital", "--on", "2026-06-01")
    assert code == 2 and "score_band_part1" in out
    code, out, err = cli(capsys, "score", str(sheet), "--industry", "陶瓷", "--tier", "capital", "--on", "2025-06-01")
    assert code == 2 and "thresholds_missing" in err
