"""``designation bodies``: the directory of opinion-giving bodies from the command line (RULES.md
"Bodies"); the secretariat's token keeps it, anyone with the store reads it."""

import pytest

from cli.main import run


@pytest.fixture(autouse=True)
def isolated_store(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    monkeypatch.chdir(tmp_path)


def cli(capsys, *args):
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def token(capsys, role: str, name: str, *scope: str) -> str:
    assert cli(capsys, "user", "add", role, "--role", role, "--name", name, *scope, "--password", "password-123")[0] == 0
    code, out, _ = cli(capsys, "user", "token", role)
    return out.splitlines()[0]


def test_bodies_cli_lists_adds_and_deactivates_as_the_secretariat(capsys):
    code, out, _ = cli(capsys, "bodies", "list", "--industry", "陶瓷", "--province", "广东省")
    assert code == 0 and "中国陶瓷工业协会" in out and "广东省轻工业联合会" in out and "中国造纸协会" not in out
    sec = token(capsys, "secretariat", "综合业务部")
    code, out, _ = cli(capsys, "bodies", "add", "佛山市轻工业协会", "--kind", "provincial", "--province", "广东省",
                       "--token", sec)
    assert code == 0 and "省级地方轻工行业组织" in out
    code, out, _ = cli(capsys, "bodies", "set", "佛山市轻工业协会", "--inactive", "--token", sec)
    assert code == 0 and "已停用" in out
    code, out, _ = cli(capsys, "bodies", "list", "--industry", "陶瓷", "--province", "广东省")
    assert "佛山市轻工业协会" not in out


def test_bodies_cli_refuses_anyone_but_the_secretariat(capsys):
    assoc = token(capsys, "association", "中国陶瓷工业协会", "--industry", "陶瓷")
    code, out, err = cli(capsys, "bodies", "add", "中国测试协会", "--kind", "association", "--industry", "测试",
                         "--token", assoc)
    assert code != 0 and "role_not_allowed" in out + err


def test_bodies_cli_exports_the_directory_and_imports_it_back_row_by_row(capsys, tmp_path):
    from openpyxl import load_workbook

    sec = token(capsys, "secretariat", "综合业务部")
    out = tmp_path / "directory.xlsx"
    assert cli(capsys, "bodies", "export", "--out", str(out))[0] == 0
    wb = load_workbook(out)
    ws = wb["意见单位名录"]
    ws.append(["中国日用玻璃协会", "全国性行业协（学）会、中心", "日用玻璃、玻璃器皿", "", "是", ""])
    ws.append(["某某联合会", "省级地方轻工行业组织", "", "", "是", ""])  # no province: refused
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "中国造纸协会":
            row[4].value = "否"
    wb.save(out)
    code, out_text, _ = cli(capsys, "bodies", "import", str(out), "--token", sec)
    assert code == 2
    assert "中国日用玻璃协会：已添加" in out_text and "中国造纸协会：已修改" in out_text
    assert "中国陶瓷工业协会：未改动" in out_text and "body_province_missing" in out_text
    code, listed, _ = cli(capsys, "bodies", "list", "--industry", "日用玻璃", "--province", "广东省")
    assert "中国日用玻璃协会" in listed
