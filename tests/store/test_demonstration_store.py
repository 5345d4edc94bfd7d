"""Program 2's store on SQLite and PostgreSQL: the ``demonstration`` migration branch, the round's
journal written once however often the activity retries, chained like program 1's, and the
read model derived from it (candidates, votes, objections, notifications)."""

from __future__ import annotations

from datetime import date

from audit.verify import verify_rows
from domain.demonstration.eligibility import JournalFact, TitleFact
from domain.demonstration.forms import parse_recommendation
from domain.demonstration.policy import DEMONSTRATION_2017 as P
from domain.demonstration.round import open_round
from domain.journal import head_of
from domain.roles import Actor
from store.cnlic import lifecycle as journal_repo
from store.demonstration import rounds as repo
from tests.demonstration_support import form

SECRETARIAT = Actor("secretariat", "综合业务部")
CERAMICS = Actor("association", "中国陶瓷工业协会")
TITLES = [TitleFact(f"c{i}", "陶瓷", "valid", date(2030, 1, 1)) for i in range(10)]
OPENED = date(2028, 3, 1)


def a_round():
    r = open_round("r1", P, titles=TITLES, conference_on=date(2028, 7, 1), recommendation_deadline=date(2028, 4, 1),
                   quotas={}, actor=SECRETARIAT, today=OPENED)
    f = parse_recommendation(form(), P)
    facts = [JournalFact(1, date(2026, 1, 1), "title", {"status": "valid", "valid_until": "2030-01-01"})]
    r.recommend("c1", f, r.eligibility_for("c1", f, facts), CERAMICS, ("陶瓷",), date(2028, 3, 10))
    return r


def test_the_round_is_journaled_once_chained_and_derived_into_the_read_model(engine):
    r = a_round()
    events = r.drain()
    head = head_of("demonstration.r1", events)
    assert repo.record_round(engine, "demonstration-round-r1", "run", "r1", r.snapshot(), events) == len(events)
    assert repo.record_round(engine, "demonstration-round-r1", "run", "r1", r.snapshot(), events) == 0  # a retry
    rows = journal_repo.journal(engine, "demonstration.r1")
    report = verify_rows("demonstration.r1", rows, (events[-1].seq, head))
    assert report.ok, report.problems
    row = repo.round_row(engine, "r1")
    assert (row.cap, row.valid_titles, row.counted[:2]) == (2, 10, ["c0", "c1"])
    (c,) = repo.candidates(engine, "r1")
    assert c.eligible is False and "national_rank" in c.failed and c.form["postcode"] == "528000"
    assert repo.candidates(engine, "r1", industries=["家具"]) == []


def test_clock_events_reach_the_outbox_once_per_recipient(engine):
    r = a_round()
    repo.record_round(engine, "demonstration-round-r1", "run", "r1", r.snapshot(), r.drain())
    from domain.demonstration.clocks import ClockPlan

    r.arm(ClockPlan("recommendation", "recommendation", date(2028, 4, 1), (date(2028, 3, 29),), "v", False, ""),
          OPENED)
    r.fire_clocks(date(2028, 4, 2))
    events = r.drain()
    for _ in range(2):  # the activity retried: one row per recipient all the same
        repo.record_round(engine, "demonstration-round-r1", "run", "r1", r.snapshot(), events)
    out = [o for o in journal_repo.outbox(engine) if (o.cluster_key or "").startswith("demonstration.") or
           o.recipient == "association"]
    assert sorted((o.kind, o.recipient) for o in out) == [("escalation", "secretariat"), ("reminder", "association"),
                                                           ("reminder", "secretariat")]
