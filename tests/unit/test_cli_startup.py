"""What a one-cluster audit command does at start-up (issue 15, row 6): Typer builds only the
group the command line names, the command's imports run without the cyclic collector, and its
reads and the audit log's row touch no ORM mapper. Timings live in ``bench/audit_replay.py``;
these check the mechanisms, so a change that undoes one fails here."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from cli import main as cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _registered():
    cli._register_extensions()


def _names(app) -> list[str]:
    return sorted(g.name for g in app.registered_groups)


def test_a_group_on_the_command_line_is_the_only_group_typer_builds():
    slim = cli.only_named_group(["audit", "replay", "demo-paper"])
    assert _names(slim) == ["audit"] and slim.registered_commands == []
    assert {"audit", "cluster", "calendar"} <= set(_names(cli.app))  # the shared tree is left whole
    assert cli.app.registered_commands  # top-level commands (score, diagram …) still there


@pytest.mark.parametrize("argv", [[], ["--help"], ["score", "x.json"], ["no-such-group"], ["diagram"]])
def test_anything_but_a_group_gets_the_whole_tree(argv):
    assert cli.only_named_group(argv) is cli.app


def test_a_pruned_tree_answers_as_the_whole_one(capsys):
    assert cli.run(["audit", "no-such-command"]) == 2
    err = capsys.readouterr().err
    assert "No such command 'no-such-command'" in err and "designation audit" in err
    assert cli.run(["calendar", "is-workday", "2026-10-01"]) == 0  # 国庆: a holiday
    assert capsys.readouterr().out.startswith("no")


def test_quiet_imports_turns_the_collector_back_on_and_freezes_what_was_built():
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    try:
        with cli.quiet_imports():
            assert not gc.isenabled()
            built = [[i] for i in range(1000)]  # noqa: F841  (what an import leaves behind)
        assert gc.isenabled() and gc.get_freeze_count() >= frozen + 1000
    finally:
        gc.unfreeze()  # the rest of the suite collects as usual


def test_quiet_imports_leaves_a_disabled_collector_disabled():
    gc.disable()
    try:
        with cli.quiet_imports():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_the_audit_reads_and_its_log_row_configure_no_orm_mapper(tmp_path):
    """A first ORM query configures every mapper (~40 ms of a CLI run): the audit's one-cluster
    reads go through Core. Run in a fresh interpreter, where nothing has configured them yet."""
    code = """
import sys
from sqlalchemy.orm import mapperlib
from store.db import make_engine, migrate
import audit.service
import store.cnlic.lifecycle as repo, store.audit as audit_log
e = make_engine(sys.argv[1]); migrate(e)
assert any(r._new_mappers for r in mapperlib._mapper_registries), "configured before the reads"
found = (repo.has_cluster(e, "x"), repo.has_journal(e, "demonstration.x"), repo.journal_rows(e, "x"))
audit_log.record_read(e, "审计员", "replay", "x", "一致")
print("unconfigured" if any(r._new_mappers for r in mapperlib._mapper_registries) else "configured", found)
reads = audit_log.reads(e)  # the ORM from here on
print(len(reads), reads[0].actor, reads[0].outcome)
"""
    done = subprocess.run([sys.executable, "-c", code, f"sqlite:///{tmp_path / 'store.db'}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    first, second = done.stdout.splitlines()
    assert first == "unconfigured (False, False, [])"
    assert second == "1 审计员 一致"
