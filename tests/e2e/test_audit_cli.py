"""The audit and calendar-revision commands against the running service, as an auditor and
the secretariat would use them."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import zipfile
from datetime import date, timedelta

import chinese_calendar
import pytest

from tests.e2e.conftest import ServiceProcess

pytestmark = pytest.mark.e2e


def designation(env, *args, cwd):
    done = subprocess.run([sys.executable, "-c", "from cli.main import main; main()", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_an_auditor_replays_verifies_and_exports_and_tampering_is_named(tmp_path, service_env):
    service = ServiceProcess(tmp_path, service_env, "--demo").start()
    try:
        replay = designation(service_env, "audit", "replay", "demo-paper", "--json", "--by", "审计员", cwd=tmp_path)
        report = json.loads(replay.stdout)
        assert replay.returncode == 0 and report["ok"] and report["agrees"] and report["deterministic"]
        assert any(i["kind"] == "deadline" and i["data"]["what"] == "formal_review" for i in report["timeline"])

        verify = designation(service_env, "audit", "verify", "--all", cwd=tmp_path)
        lines = verify.stdout.splitlines()
        assert verify.returncode == 0 and all("日志完整" in line for line in lines)
        # every program-1 cluster of the demo (program 2's demo adds four), and programs 2–4's
        # journals keyed <program>.<entity>
        clusters = sqlite3.connect(tmp_path / ".data" / "designation.db").execute(
            "select count(*) from cluster").fetchone()[0]
        assert clusters >= 7 and sum("." not in line.split(":")[0] for line in lines) == clusters
        assert {line.split(".")[0] for line in lines if "." in line.split(":")[0]} >= {"demonstration", "guangdong",
                                                                                       "brand"}

        pack = tmp_path / "pack.zip"
        export = designation(service_env, "audit", "export", "demo-paper", "--out", str(pack), cwd=tmp_path)
        assert export.returncode == 0 and zipfile.ZipFile(pack).testzip() is None

        db = sqlite3.connect(tmp_path / ".data" / "designation.db")
        db.execute("update journal set actor_name = '冒名' where cluster_key = 'demo-paper' and seq = 9")
        db.commit()
        verify = designation(service_env, "audit", "verify", "demo-paper", cwd=tmp_path)
        assert verify.returncode == 1 and "第 9 行" in verify.stdout
        reads = [r[0] for r in db.execute("select what from audit_read order by id")]
        assert reads == ["replay", "verify", "export", "verify"]
        db.close()
    finally:
        service.interrupt()


def test_the_secretariat_imports_a_schedule_and_open_deadlines_move(tmp_path, service_env):
    service = ServiceProcess(tmp_path, service_env, "--demo").start()
    try:
        db = sqlite3.connect(tmp_path / ".data" / "designation.db")
        (due,) = db.execute("select due from deadline where cluster_key='demo-paper' and what='formal_review'").fetchone()
        due = date.fromisoformat(due)
        # the year's official schedule as published, with one more holiday before the due date
        extra = due - timedelta(days=1)
        while not chinese_calendar.is_workday(extra):
            extra -= timedelta(days=1)
        year = due.year
        days = [date(year, 1, 1) + timedelta(days=i) for i in range(366 if year % 4 == 0 else 365)]
        schedule = {
            "holidays": [d.isoformat() for d in days if chinese_calendar.is_holiday(d) and (
                d.weekday() < 5 or chinese_calendar.get_holiday_detail(d)[1])] + [extra.isoformat()],
            "workdays": [d.isoformat() for d in days if d.weekday() >= 5 and chinese_calendar.is_workday(d)],
        }
        f = tmp_path / f"{year}.json"
        f.write_text(json.dumps(schedule))
        assert designation(service_env, "calendar", "import", str(f), cwd=tmp_path).returncode == 0
        moved = designation(service_env, "deadlines", "recompute", "--reason", "国务院公布安排", cwd=tmp_path)
        assert moved.returncode == 0 and f"demo-paper：形式审查（15个工作日） {due}" in moved.stdout
        replay = designation(service_env, "audit", "replay", "demo-paper", "--json", cwd=tmp_path)
        report = json.loads(replay.stdout)
        (move,) = [i for i in report["timeline"] if i["kind"] == "deadline_moved"]
        assert move["data"]["old_due"] == due.isoformat() and move["data"]["reason"] == "国务院公布安排"
        assert report["ok"]
        db.close()
    finally:
        service.interrupt()
