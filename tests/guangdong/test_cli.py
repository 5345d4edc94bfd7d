"""``designation guangdong zones`` and ``designation simulate`` on program 3's example, as a
user runs them (the simulator dispatches a scenario whose ``program:`` is guangdong)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from domain.calendar import add_years

ROOT = Path(__file__).resolve().parents[2]
DESIGNATION = Path(sys.executable).parent / "designation"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(DESIGNATION), *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_the_zones_command_lists_annex_1():
    done = run("guangdong", "zones", "--json")
    assert done.returncode == 0 and len(json.loads(done.stdout)) == 36


@pytest.mark.workflow
def test_the_example_round_simulates_and_meets_its_expectations():
    years = 0
    while add_years(date(2027, 1, 5), years) < date.today():
        years += 1
    done = run("simulate", "examples/guangdong/round-2026.yaml", "--check", "--shift-years", str(years))
    assert done.returncode == 0, done.stderr
    assert "逾期上报省级" in done.stdout and "退回修改" in done.stdout and "省级已接收 36 个" in done.stdout
