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
