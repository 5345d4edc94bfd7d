"""Program 4's store on SQLite and PostgreSQL: journal writes are idempotent and chained, the
read model takes only a snapshot at least as new as its own, and the quota counts a province's
recommendations of one calendar year."""

from __future__ import annotations

from datetime import date

from domain.brand.model import Event, PilotProfile
from domain.journal import GENESIS, event_hash
from domain.roles import Actor
from store.brand import repo

PROFILE = PilotProfile("s1", "瓷都集聚区", "江西省", "景德镇市", "", "管委会", "other_agglomeration", ["陶瓷"])
BODY = Actor("implementing_body", "管委会")


def snap(stage: str, recommended_on: str | None = None) -> dict:
    return {"stage": stage, "procedure": "", "plan_years": 2, "recommended_on": recommended_on, "titles": [],
            "experts": [], "deadlines": [{"key": "summary-0-1", "what": "summary", "due": "2028-11-10", "period": 1,
                                          "overdue": False}], "next_due": "2028-11-10", "next_due_what": "summary"}


def test_a_retried_record_writes_each_event_once_chained_from_the_workflows_head(engine):
    assert repo.claim(engine, PROFILE, "brand-pilot-s1", "brand-2014", date(2027, 3, 1))
    assert not repo.claim(engine, PROFILE, "brand-pilot-s1", "brand-2014", date(2027, 3, 1))
    events = [Event(1, date(2027, 3, 1), "registered", BODY, {"application": {}}),
              Event(2, date(2027, 3, 5), "stage", BODY, {"from": "applied", "to": "sealed"})]
    assert repo.record(engine, "brand-pilot-s1", "r1", "brand.s1", events, GENESIS, PROFILE, snap("sealed")) == 2
    assert repo.record(engine, "brand-pilot-s1", "r1", "brand.s1", events, GENESIS, PROFILE, snap("sealed")) == 0
    rows = repo.journal(engine, "brand.s1")
    assert [r.seq for r in rows] == [1, 2]
    assert rows[1].hash == event_hash(event_hash(GENESIS, "brand.s1", events[0]), "brand.s1", events[1])
    row = repo.pilot(engine, "s1")
    assert row.stage == "sealed" and row.last_seq == 2 and row.deadlines[0]["what"] == "summary"
    repo.record(engine, "brand-pilot-s1", "r1", "brand.s1", events[:1], GENESIS, PROFILE, snap("applied"))
    assert repo.pilot(engine, "s1").stage == "sealed"  # an older snapshot does not move the read model back


def test_the_quota_counts_one_provinces_recommendations_of_one_calendar_year(engine):
    for key, on in (("a", "2027-01-05"), ("b", "2027-12-31"), ("c", "2028-01-01")):
        p = PilotProfile(key, key, "江西省", "景德镇市", "", "管委会", "other_agglomeration", ["陶瓷"])
        repo.claim(engine, p, f"brand-pilot-{key}", "brand-2014", date(2027, 1, 1))
        repo.record(engine, f"brand-pilot-{key}", "r", f"brand.{key}", [Event(1, date(2027, 1, 1), "stage", BODY, {})],
                    GENESIS, p, snap("recommended", on))
    assert repo.recommendations(engine, "江西省", 2027) == ["a", "b"]
    assert repo.recommendations(engine, "湖南省", 2027) == []
    scoped = repo.pilots(engine, {"provinces": ("江西省",)})
    assert [r.key for r in scoped] == ["a", "b", "c"]
    assert repo.pilots(engine, {"keys": ()}) == []
