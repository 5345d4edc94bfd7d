"""``designation documents …`` over a store (no Temporal needed): the recognition list and the
revocation announcement written as DOCX with their Chinese names, PDF falling back to DOCX
where no converter is installed, and a refusal as one line (issue 11 item 5)."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timezone

import docx
import pytest
from sqlmodel import Session

from cli.main import run
from service.users import UserService
from store.db import make_engine, migrate
from store.cnlic.models import Cluster, RecognitionRow


@pytest.fixture
def token(tmp_path, monkeypatch):
    """A store with a 2030 recognition (one title recognised, one revoked) and an applicant's token."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))  # no LibreOffice here
    monkeypatch.chdir(tmp_path)
    engine = make_engine(url)
    migrate(engine)
    with Session(engine) as s:
        for key, industry, county, status in (("ceramics", "陶瓷", "禅城区", "valid"), ("leather", "皮革", "南海区", "revoked")):
            s.add(Cluster(key=key, workflow_id=f"designation-{key}", title=f"中国{industry}基地·{county[:2]}", industry=industry,
                          product=industry, tier="base", province="广东省", city="佛山市", county=county, stage=status,
                          procedure="designation", title_status=status, valid_until=date(2032, 5, 9),
                          policy_version="p", registered_on=date(2028, 5, 10), updated_at=datetime.now(timezone.utc)))
        s.add(RecognitionRow(year=2030, announced_on=date(2031, 1, 15), recognised=["ceramics"], overdue=[],
                             rectifying=[], revoked=["leather"], recorded_at=datetime.now(timezone.utc)))
        s.commit()
    users = UserService(engine)
    users.add("reader", "applicant", "某县人民政府", "password-123", clusters=["elsewhere"])
    return users.issue_token("reader")


def cli(capsys, *args):
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_documents_recognition_writes_the_list_as_docx_under_its_chinese_name(capsys, tmp_path, token):
    code, out, err = cli(capsys, "documents", "recognition", "2030", "--token", token)
    assert code == 0, err
    path = tmp_path / "2030年度认定名单.docx"
    assert f"已生成：{path.name}" in out
    cells = [c.text for t in docx.Document(io.BytesIO(path.read_bytes())).tables for r in t.rows for c in r.cells]
    assert "中国陶瓷基地·禅城" in cells and "中国皮革基地·南海" not in cells


def test_documents_revocation_as_pdf_without_a_converter_writes_the_docx_and_says_so(capsys, tmp_path, token):
    code, out, err = cli(capsys, "documents", "revocation", "2030", "--format", "pdf", "--out", str(tmp_path), "--token", token)
    assert code == 0, err
    assert "本机未安装 LibreOffice，未生成 PDF，已生成 DOCX" in out
    path = tmp_path / "2030年度取消称号公告.docx"
    cells = [c.text for t in docx.Document(io.BytesIO(path.read_bytes())).tables for r in t.rows for c in r.cells]
    assert "中国皮革基地·南海" in cells
    assert not (tmp_path / "2030年度取消称号公告.pdf").exists()


def test_documents_list_and_refusals_are_one_line(capsys, token):
    code, out, _ = cli(capsys, "documents", "list", "--json", "--token", token)
    assert code == 0 and json.loads(out) == {"pdf": False, "years": [2030], "meetings": []}
    code, _, err = cli(capsys, "documents", "recognition", "2001", "--token", token)
    assert code == 2 and err.strip().startswith("错误 [recognition_unknown]") and len(err.strip().splitlines()) == 1
    code, _, err = cli(capsys, "documents", "site-report", "ceramics", "--token", token)
    assert code == 2 and "[out_of_scope]" in err
    code, _, err = cli(capsys, "documents", "recognition", "2030", "--token", "wrong")
    assert code == 2 and "令牌无效" in err
