"""Audit: replaying the histories, re-deriving the timeline, the tamper-evident journal, the
evidence pack, and calendar revisions reaching running lifecycles."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from sqlmodel import select
from temporalio.client import WorkflowHistory

from audit.service import AuditService
from domain.calendar import SHIPPED, YearSchedule
from domain.cnlic.model import Actor
from store import audit as audit_log
from store.calendars import save_schedule
from store.db import session
from store.models import JournalRow
from tests.support import APPLICANT
from tests.workflows.helpers import Y, approve, d, designate, events, meeting, ok, register, to_formal_review, to_meeting

pytestmark = pytest.mark.workflow
AUDITOR = "审计员甲"


async def three_cycles(sim) -> None:
    await designate(sim, meeting_on=d(6, 20))
    for years in (4, 8):
        await ok(sim, "ceramics", "file_reevaluation", {}, APPLICANT, d(3, 5, years=years))
        await to_meeting(sim, "ceramics", d(3, 6, years=years), new_cluster=False)
        await approve(sim, d(6, 10, years=years), ["ceramics"])


async def test_replay_of_a_lifecycle_over_three_validity_cycles_replays_every_run_and_agrees(sim):
    await three_cycles(sim)
    report = await AuditService(sim.env.client, sim.engine).replay("ceramics", AUDITOR)
    assert len(report.runs) == 4 and all(run.ok for run in report.runs)
    assert report.agrees and report.verification.ok and report.ok
    assert len(report.timeline) == report.journal_rows == (await sim.service.view("ceramics")).seq
    kinds = {item["kind"] for item in report.timeline}
    assert {"stage", "action", "deadline", "reminder", "overdue", "decision", "title"} <= kinds
    deadline = next(i for i in report.timeline if i["kind"] == "deadline")
    assert deadline["data"]["calendar_version"].startswith("prc-")
    action = next(i for i in report.timeline if i["kind"] == "action")
    assert action["actor"]["role"] and action["actor"]["name"]


def tamper(engine, seq: int, change) -> None:
    with session(engine) as s:
        row = s.exec(select(JournalRow).where(JournalRow.cluster_key == "ceramics", JournalRow.seq == seq)).one()
        change(s, row)


async def verified(sim):
    (report,) = await AuditService(sim.env.client, sim.engine).verify("ceramics", AUDITOR)
    return report


async def test_an_edited_journal_row_is_detected_and_named(sim):
    await designate(sim)
    assert (await verified(sim)).ok

    def edit(s, row):
        row.actor_name = "某人"
        s.add(row)

    tamper(sim.engine, 12, edit)
    report = await verified(sim)
    assert not report.ok and report.first_bad == 12 and report.problems[0].kind == "edited"


async def test_a_deleted_journal_row_is_detected_and_named(sim):
    await designate(sim)
    tamper(sim.engine, 7, lambda s, row: s.delete(row))
    report = await verified(sim)
    assert report.first_bad == 7 and report.problems[0].kind == "missing"


async def test_reordered_journal_rows_are_detected(sim):
    await designate(sim)
    tamper(sim.engine, 5, lambda s, row: setattr(row, "seq", 1005) or s.add(row))
    tamper(sim.engine, 6, lambda s, row: setattr(row, "seq", 5) or s.add(row))
    tamper(sim.engine, 1005, lambda s, row: setattr(row, "seq", 6) or s.add(row))
    report = await verified(sim)
    assert not report.ok and report.first_bad == 5


async def test_a_truncated_tail_is_detected_against_the_head_the_workflow_recorded(sim):
    await designate(sim)
    last = (await sim.service.view("ceramics")).seq
    for seq in (last, last - 1):
        tamper(sim.engine, seq, lambda s, row: s.delete(row))
    report = await verified(sim)  # the remaining chain is intact: only the head reveals the cut
    assert not report.ok and report.problems[0].kind == "truncated" and report.first_bad == last - 1


async def test_every_audit_read_is_itself_journaled(sim):
    await designate(sim)
    service = AuditService(sim.env.client, sim.engine)
    await service.replay("ceramics", AUDITOR)
    await service.verify(None, AUDITOR)
    await service.export("ceramics", AUDITOR)
    assert [(r.what, r.actor) for r in audit_log.reads(sim.engine)] == [
        ("replay", AUDITOR), ("verify", AUDITOR), ("export", AUDITOR)]


@pytest.mark.parametrize("key, message", [("no-such-cluster", "没有编号为 no-such-cluster 的集群"),
                                          ("demonstration.no-such-round", "没有编号为 demonstration.no-such-round 的日志")])
async def test_an_unknown_cluster_or_journal_is_refused_by_name_and_no_read_is_recorded(sim, key, message):
    from domain.errors import DomainError

    audit = AuditService(sim.env.client, sim.engine)
    for read in (audit.replay, audit.verify, audit.export):
        with pytest.raises(DomainError) as e:
            await read(key, AUDITOR)
        assert (e.value.code, e.value.message) == ("cluster_unknown", message)
    assert audit_log.reads(sim.engine, key) == []


async def test_the_evidence_pack_opens_and_its_histories_load(sim):
    await designate(sim)
    await ok(sim, "ceramics", "file_reevaluation", {}, APPLICANT, d(3, 5, years=4))
    await to_meeting(sim, "ceramics", d(3, 6, years=4), new_cluster=False)
    await approve(sim, d(6, 10, years=4), ["ceramics"])
    report, pack = await AuditService(sim.env.client, sim.engine).export("ceramics", AUDITOR)
    with zipfile.ZipFile(io.BytesIO(pack)) as z:
        names = z.namelist()
        histories = [n for n in names if n.startswith("histories/")]
        assert len(histories) == len(report.runs) == 3
        for name in histories:
            history = WorkflowHistory.from_json("designation-ceramics", z.read(name).decode())
            assert history.events[0].event_type == 1  # WorkflowExecutionStarted
        assert {"journal.json", "journal.csv", "replay.json", "verify.json", "timeline.csv", "timeline.xlsx",
                "manifest.json", "README.txt"} <= set(names)
        manifest = json.loads(z.read("manifest.json"))
        assert manifest["ok"] is True and len(manifest["sha256"]) == len(names) - 1
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(z.read("timeline.xlsx"))).active
        assert sheet.max_row == len(report.timeline) + 1
        assert z.read("timeline.csv").decode("utf-8-sig").splitlines()[0].startswith("seq,on,kind")


async def test_a_calendar_import_that_adds_a_holiday_moves_an_armed_formal_review_deadline_by_one_working_day(sim):
    await register(sim, stage="applied", on=d(9, 1))
    await to_formal_review(sim, "ceramics", d(9, 1), received=d(9, 14))
    (armed,) = events(sim, "ceramics", "deadline", what="formal_review")
    old_due = date.fromisoformat(armed.data["due"])
    # the State Council's schedule for the year: the estimated days off, plus one more
    # holiday on a working day inside the review window
    shipped = SHIPPED
    extra = old_due - timedelta(days=1)
    while not shipped.is_working_day(extra):
        extra -= timedelta(days=1)
    year_days = [date(Y, 1, 1) + timedelta(days=i) for i in range(366 if Y % 4 == 0 else 365)]
    holidays = [day for day in year_days if shipped.day(day).kind == "holiday"] + [extra]
    workdays = [day for day in year_days if shipped.day(day).kind == "makeup_workday"]
    await sim.advance_to(d(9, 16))
    save_schedule(sim.engine, YearSchedule.from_mapping(
        {"holidays": [h.isoformat() for h in holidays], "workdays": [w.isoformat() for w in workdays]}, "official"))
    moved = await sim.service.recompute_deadlines(Actor("secretariat", "综合业务部"), "国务院公布节假日安排")
    await sim.settle()
    (move,) = moved["ceramics"]
    new_due = date.fromisoformat(move.data["new_due"])
    assert shipped.working_days_between(old_due, new_due) == 1  # one more working day
    assert move.data["old_calendar_version"] != move.data["new_calendar_version"]
    view = await sim.service.view("ceramics")
    assert [dl.due for dl in view.deadlines if dl.what == "formal_review"] == [new_due]
    timeline = await sim.timeline(["ceramics"], d(9, 16))
    assert any(i["event"] == "deadline_moved" and i["due"] == new_due.isoformat() for i in timeline)
    report = await AuditService(sim.env.client, sim.engine).replay("ceramics", AUDITOR)
    assert report.ok and any(i["kind"] == "deadline_moved" for i in report.timeline)
    # a second recompute finds nothing to move, and passed deadlines are never rewritten
    assert await sim.service.recompute_deadlines(Actor("secretariat", "综合业务部"), "again") == {}


async def test_recompute_is_for_the_secretariat(sim):
    from domain.errors import DomainError

    await register(sim, stage="cultivation", on=d(1, 4))
    with pytest.raises(DomainError) as e:
        await sim.service.recompute_deadlines(Actor("applicant", "x"), "no")
    assert e.value.code == "role_not_allowed"
