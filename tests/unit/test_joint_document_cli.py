"""``designation meeting-document`` (issue 11, §三(四)): the secretariat records a meeting's joint
document from the command line; a date the schema refuses is one Chinese line before connecting."""

import asyncio
import contextlib

import pytest

from cli.main import run
from tests.workflows.helpers import d, meeting, register, to_meeting


@pytest.fixture(autouse=True)
def isolated_store(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def as_secretariat(sim, monkeypatch):
    from cli.cnlic import console_commands
    from domain.cnlic.access import User
    from service.cnlic.console import ConsoleService

    @contextlib.asynccontextmanager
    async def service(token):
        yield ConsoleService(sim.service, sim.engine), User("sec", "secretariat", "综合业务部")

    monkeypatch.setattr(console_commands, "_service", service)
    return sim


def test_meeting_document_checks_its_date_before_connecting(capsys, monkeypatch):
    monkeypatch.setenv("TEMPORAL_ADDRESS", "127.0.0.1:1")  # nothing listens: the refusal must come first
    code = run(["meeting-document", "--number", "中轻联综字〔2027〕1号", "--issued-on", "2999-01-01"])
    out, err = capsys.readouterr()
    assert code == 2 and len(err.strip().splitlines()) == 1 and "发文日期" in err and "Traceback" not in out + err


async def test_meeting_document_confers_the_titles_the_latest_meeting_approved(capsys, as_secretariat):
    sim = as_secretariat
    await register(sim, "ceramics", stage="applied", on=d(3, 1))
    await to_meeting(sim, "ceramics", d(3, 1))
    await meeting(sim, d(6, 20), {"ceramics": "approve"})
    await sim.advance_to(d(6, 25))
    code = await asyncio.to_thread(run, ["meeting-document", "--number", "中轻联综字〔2027〕7号",
                                         "--issued-on", d(6, 24).isoformat(), "--body", "中国轻工业联合会",
                                         "--body", "中国陶瓷工业协会"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "中轻联综字〔2027〕7号" in out and "ceramics" in out
    await sim._until(lambda: any(r.kind == "title" for r in sim.journal("ceramics")), "document not recorded")
    view = await sim.service.view("ceramics")
    assert view.stage == "designated" and view.valid_until == d(6, 23, years=4)
