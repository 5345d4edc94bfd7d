"""Program 3's store on SQLite and PostgreSQL: its Alembic branch creates the tables, 附件1's
zones load once, the record activity's write is idempotent (a retried write adds nothing and
keeps the chain), notifications go to the users in the zone's scope, documents are kept once
under the SHA-256 of their content."""

from __future__ import annotations

from datetime import date

from sqlalchemy import inspect
from sqlmodel import select

from domain.guangdong.model import Event
from domain.journal import head_of
from domain.roles import Actor
from service.users import UserService
from store.db import session
from store.guangdong import repo
from store.models import OutboxRow

KEY = "guangdong.filing-2026-gd-yunfu-stone"
WID = "guangdong-filing-2026-gd-yunfu-stone"


def _snapshot(step: str = "filling", **extra) -> dict:
    return {"step": step, "due": "2027-03-31", "overdue": False, "late": False, "returns": 0, "signed": [], **extra}


def test_the_branch_creates_program_3s_tables(engine):
    tables = set(inspect(engine).get_table_names())
    assert {"gd_zone", "gd_round", "gd_filing", "gd_draft", "gd_document"} <= tables


def test_the_36_zones_load_once(engine):
    assert repo.load_zones(engine) == 36
    assert repo.load_zones(engine) == 0
    assert [z.no for z in repo.zones(engine)] == list(range(1, 37))


def test_a_retried_record_writes_each_event_once_and_keeps_the_chain(engine):
    repo.load_zones(engine)
    events = [Event(1, date(2027, 1, 5), "opened", {"due": "2027-03-31"}, Actor("province_department", "省经贸委")),
              Event(2, date(2027, 3, 1), "reminder", {"due": "2027-03-31", "days_left": 30, "step": "filling",
                                                      "holder": "zone_office"})]
    for _ in range(2):
        repo.record(engine, WID, "run", KEY, "filing", 2026, "gd-yunfu-stone", "云浮市", events, "", _snapshot())
    rows = repo.journal(engine, KEY)
    assert [r.seq for r in rows] == [1, 2] and rows[-1].hash == head_of(KEY, events)
    assert repo.filing(engine, 2026, "gd-yunfu-stone").last_seq == 2


def test_a_reminder_reaches_the_users_in_the_zones_scope_only(engine):
    repo.load_zones(engine)
    users = UserService(engine)
    users.add("yunfu", "zone_office", "云浮石材示范区办公室", "password-123", clusters=["gd-yunfu-stone"])
    users.add("xiqiao", "zone_office", "西樵示范区办公室", "password-123", clusters=["gd-foshan-xiqiao-textiles"])
    users.add("prov", "province_department", "省经贸委", "password-123", provinces=["广东省"])
    reminder = Event(1, date(2027, 3, 1), "reminder", {"due": "2027-03-31", "days_left": 30, "step": "filling",
                                                       "holder": "zone_office"})
    overdue = Event(2, date(2027, 4, 1), "overdue", {"due": "2027-03-31", "step": "filling", "holder": "zone_office",
                                                     "escalated_to": "province_department"})
    repo.record(engine, WID, "run", KEY, "filing", 2026, "gd-yunfu-stone", "云浮市", [reminder, overdue], "",
                _snapshot(overdue=True, overdue_since="2027-04-01"))
    with session(engine) as s:
        sent = sorted(s.exec(select(OutboxRow.recipient, OutboxRow.kind)).all())
    assert sent == [("user:prov", "overdue"), ("user:yunfu", "overdue"), ("user:yunfu", "reminder")]


def test_a_document_is_kept_once_under_the_sha256_of_its_content(engine):
    a = repo.put_document(engine, "form", "gd-yunfu-stone", 2026, {"form": {"output": 12.5}}, "甲")
    b = repo.put_document(engine, "form", "gd-yunfu-stone", 2026, {"form": {"output": 12.5}}, "乙")
    assert a == b == repo.canonical_sha({"form": {"output": 12.5}})
    assert repo.document(engine, a).saved_by == "甲"
