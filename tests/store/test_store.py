"""The store: migrations, idempotent journal writes, the read model and the side records."""

from __future__ import annotations

from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, select

from domain.calendar import YearSchedule
from domain.cnlic.lifecycle import profile_from_dict
from domain.cnlic.model import Actor, Event
from store.cnlic import lifecycle as repo
from store.calendars import save_schedule, service_calendar, stored_schedules
from store.db import migrate, session
from store.models import OutboxRow
from store.cnlic.models import AnnualReportRow, PanelMemberRow, ScoreSheetRow
from tests.support import cluster

PROFILE = profile_from_dict(cluster())
WF = "designation-ceramics"


def snapshot(seq: int, stage: str = "applied", **extra) -> dict:
    base = {"stage": stage, "procedure": "designation", "title_status": "none", "title": "中国陶瓷之都·佛山",
            "valid_until": None, "conferred_on": None, "expired_on": None, "next_deadline": None,
            "next_deadline_what": None, "overdue": False, "policy_version": "cnlic-2022", "cycle": 0, "seq": seq}
    base.update(extra)
    return base


def ev(seq: int, kind: str, on: date = date(2027, 3, 1), actor=("secretariat", "综合业务部"), **data) -> Event:
    return Event(seq, on, kind, data, Actor(*actor))


def test_migrations_are_idempotent_and_the_models_match_them(engine):
    from service.programs import import_store_models

    import_store_models()  # programs 2–4's tables too: their migrations made them
    migrate(engine)  # a second run changes nothing
    with engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diffs == []


def test_a_retried_record_writes_each_event_once(engine):
    events = [ev(1, "registered"), ev(2, "stage", to="applied")]
    assert repo.record_events(engine, WF, "r1", PROFILE, snapshot(2), events, []) == 2
    assert repo.record_events(engine, WF, "r1", PROFILE, snapshot(2), events, []) == 0
    rows = repo.journal(engine, "ceramics")
    assert [r.seq for r in rows] == [1, 2]
    assert repo.cluster(engine, "ceramics").last_seq == 2


def test_the_read_model_never_moves_backwards(engine):
    repo.record_events(engine, WF, "r1", PROFILE, snapshot(3, stage="accepted"), [ev(3, "stage", to="accepted")], [])
    repo.record_events(engine, WF, "r1", PROFILE, snapshot(2, stage="applied"), [ev(2, "stage", to="applied")], [])
    assert repo.cluster(engine, "ceramics").stage == "accepted"
    assert {r.seq for r in repo.journal(engine, "ceramics")} == {2, 3}


def test_a_write_sets_only_the_read_model_columns_that_changed(engine):
    """SQLite rewrites the entry of every index whose column is in an UPDATE's SET list, changed
    or not, and the list keeps nine indexes on the cluster: a write that moves only the
    sequence sets only the sequence and the time (issue 15)."""
    from sqlalchemy import event

    repo.record_events(engine, WF, "r1", PROFILE, snapshot(1), [ev(1, "registered")], [])
    updates: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE CLUSTER"):
            updates.append(statement.split(" SET ", 1)[1].split(" WHERE ", 1)[0])

    event.listen(engine, "before_cursor_execute", seen)
    try:
        repo.record_events(engine, WF, "r1", PROFILE, snapshot(2), [ev(2, "action", action="record_opinion")], [])
        repo.record_events(engine, WF, "r1", PROFILE, snapshot(3, stage="accepted", next_deadline=date(2027, 3, 6)),
                           [ev(3, "stage", to="accepted")], [])
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert [sorted(part.split("=")[0].strip() for part in u.split(",")) for u in updates] == [
        ["last_seq", "updated_at"], ["last_seq", "next_deadline", "stage", "updated_at"]]
    row = repo.cluster(engine, "ceramics")
    assert (row.stage, row.next_deadline, row.last_seq, row.title) == ("accepted", date(2027, 3, 6), 3, "中国陶瓷之都·佛山")


def test_the_region_check_reads_only_the_clusters_it_could_clash_with(engine):
    """Issue 15: a registration compares itself with the live clusters of its industry whose
    code or normalised names match (indexed), not with every live cluster; the rule itself
    (``same_region``) still decides among them."""
    from domain.cnlic.model import Region
    from domain.cnlic.naming import same_region

    def add(key: str, industry: str, province: str, city: str, county: str, code: str = "") -> None:
        profile = profile_from_dict(cluster(key, industry=industry, region={"province": province, "city": city,
                                                                            "county": county, "code": code}))
        repo.record_events(engine, f"designation-{key}", "r1", profile, snapshot(1), [ev(1, "registered")], [])

    add("chancheng", "陶瓷", "广东省", "佛山市", "禅城区")
    add("coded", "陶瓷", "广东省", "佛山市", "南海区", "440605")
    add("renamed", "陶瓷", "广东", "佛山", "南海", "440699")  # same names as "coded", another code
    add("furniture", "家具", "广东省", "佛山市", "禅城区")
    for n in range(30):
        add(f"other{n}", "陶瓷", "江西省", "景德镇市", f"{n}区")

    def candidates(region: Region, industry: str = "陶瓷") -> set[str]:
        return {k for k, _, _ in repo.live_regions(engine, industry, region)}

    assert candidates(Region(province="广东", city="佛山", county="禅城")) == {"chancheng"}
    assert candidates(Region(province="广东省", city="佛山市", county="南海区", code="440605")) == {"coded", "renamed"}
    assert candidates(Region(province="广东省", city="佛山市", county="禅城区"), "家具") == {"furniture"}
    assert candidates(Region(province="浙江省", city="温州市", county="鹿城区", code="330302")) == set()
    coded = Region(province="广东省", city="佛山市", county="南海区", code="440605")
    assert [k for k, r, _ in repo.live_regions(engine, "陶瓷", coded) if same_region(coded, r)] == ["coded"]


def test_side_records_are_derived_from_the_journal(engine):
    panel = [{"name": "李专家", "senior": True, "field": "technology", "region_code": "110105", "lead": True}]
    score = {"part1_met": 12, "part1": 52, "part2_first5_met": 5, "part2_vetoes_clear": True, "part2": 18,
             "part3": 9, "part4": 9, "total": 88, "passed": True, "pass_mark": 70}
    events = [
        ev(1, "action", action="approve_site_visit", panel=panel, visit_on="2027-03-10", actor=("leader", "张会长")),
        ev(2, "action", action="record_site_report", report={"score": score, "recommend": True}),
        ev(3, "action", action="submit_annual_report", late=True,
           report={"year": 2027, "indicators": {"revenue": 1.0}, "growth": {"revenue": None}}),
        ev(4, "decision", meeting_id="2027-06-20-1", held_on="2027-06-20", decision="approve"),
        ev(5, "overdue", what="formal_review", key="formal_review", due="2027-03-20"),
    ]
    repo.record_events(engine, WF, "r1", PROFILE, snapshot(5), events, [])
    repo.record_events(engine, WF, "r1", PROFILE, snapshot(5), events, [])  # a retry derives nothing twice
    with session(engine) as s:
        assert [m.name for m in s.exec(select(PanelMemberRow)).all()] == ["李专家"]
        assert [sc.total for sc in s.exec(select(ScoreSheetRow)).all()] == [88]
        (report,) = s.exec(select(AnnualReportRow)).all()
        assert report.year == 2027 and report.late
        notices = s.exec(select(OutboxRow)).all()
    assert repo.decided_clusters(engine, "2027-06-20-1") == {"ceramics"}
    assert {(n.kind, n.recipient) for n in notices} == {("decision", "applicant"), ("decision", "secretariat"),
                                                        ("overdue", "secretariat")}


def test_a_cluster_key_can_be_claimed_once(engine):
    with session(engine) as s:
        repo.claim_cluster(s, PROFILE, WF, "cnlic-2022", "cultivation", date(2027, 1, 4))
    with pytest.raises(IntegrityError):
        with session(engine) as s:
            repo.claim_cluster(s, PROFILE, WF, "cnlic-2022", "cultivation", date(2027, 1, 4))
    assert repo.live_lifecycles(engine) == [("ceramics", "440604", "陶瓷")]


def test_recognition_lists_are_taken_as_of_31_december(engine):
    def title(key: str, seq: int, on: date, status: str, valid_until: str) -> None:
        profile = profile_from_dict(cluster(key))
        stage = {"valid": "designated", "expired": "expired", "rectifying": "rectification"}[status]
        repo.record_events(engine, f"designation-{key}", "r", profile, snapshot(seq, stage=stage),
                           [ev(seq, "title", on=on, status=status, valid_until=valid_until)], [])

    title("valid", 1, date(2027, 6, 20), "valid", "2031-06-19")
    title("lapsing", 1, date(2023, 12, 31), "valid", "2027-12-31")
    title("lapsing", 2, date(2028, 1, 1), "expired", "2027-12-31")  # expired after 31 Dec: still recognised
    title("old", 1, date(2025, 3, 1), "expired", "2025-02-28")
    title("recent", 1, date(2026, 6, 1), "expired", "2026-05-31")
    title("fixing", 1, date(2027, 5, 1), "rectifying", "2027-04-30")
    lists = repo.compile_recognition(engine, 2027, 2, date(2028, 1, 15))
    assert lists["recognised"] == ["lapsing", "valid"]
    assert set(lists["revoked"]) == {"old"} and set(lists["overdue"]) == {"recent"}
    assert lists["rectifying"] == ["fixing"]
    assert repo.record_recognition(engine, lists) and not repo.record_recognition(engine, lists)


def test_official_schedules_are_stored_once_and_shape_the_service_calendar(engine):
    schedule = YearSchedule.from_mapping({"holidays": ["2027-10-01", "2027-10-04"], "workdays": ["2027-10-09"]}, "2027.json")
    assert save_schedule(engine, schedule, "测试") is True
    assert save_schedule(engine, schedule, "测试") is False
    assert [s.year for s in stored_schedules(engine)] == [2027]
    calendar = service_calendar(engine)
    assert calendar.is_working_day(date(2027, 10, 9)) and calendar.day(date(2027, 10, 4)).provenance == "official"


def test_a_meeting_this_quarter_is_found(engine):
    assert not repo.meeting_held_in_quarter(engine, date(2027, 5, 1))
    repo.record_meeting(engine, "2027-04-10-1", date(2027, 4, 10), "综合业务部", {})
    assert repo.meeting_held_in_quarter(engine, date(2027, 5, 1))
    assert not repo.meeting_held_in_quarter(engine, date(2027, 7, 1))
    assert not repo.record_meeting(engine, "2027-04-10-1", date(2027, 4, 10), "综合业务部", {})


def test_upgrading_a_store_written_before_the_hash_chain_backfills_a_valid_chain(tmp_path):
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from audit.verify import verify_rows
    from domain.journal import head_of
    from store.db import MIGRATIONS, make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0002")
    events = [ev(1, "registered", start={"stage": "applied"}), ev(2, "stage", to="applied", procedure="designation"),
              ev(3, "action", action="record_opinion", industry_history_years=20.0)]
    with engine.begin() as connection:
        for e in events:
            connection.execute(
                text('insert into journal (idem_key, cluster_key, workflow_id, run_id, seq, "on", kind, actor_role, '
                     'actor_name, data, recorded_at) values (:k, :c, :w, "", :s, :o, :kind, :r, :n, :d, :t)'),
                {"k": f"{WF}#{e.seq}", "c": "ceramics", "w": WF, "s": e.seq, "o": e.on.isoformat(), "kind": e.kind,
                 "r": e.actor.role, "n": e.actor.name, "d": __import__("json").dumps(e.data, ensure_ascii=False),
                 "t": "2027-03-01 00:00:00"})
    migrate(engine)
    rows = repo.journal(engine, "ceramics")
    assert verify_rows("ceramics", rows, (3, head_of("ceramics", events))).ok
