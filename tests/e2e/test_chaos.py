"""The short form of the chaos run (``bench/chaos.py``): ``make run``'s service driving thirty
clusters to the meeting while its worker is killed three times, its Temporal server once and,
when a private PostgreSQL can be started, the store is down for ten seconds."""

from __future__ import annotations

import pytest

from bench import chaos

pytestmark = pytest.mark.e2e

SHORT = dict(clusters=30, kills=3, server_kills=1, store_outage=None, outage_seconds=10, duration=12, seed=9)


async def test_kills_and_outages_lose_no_transition_write_no_row_twice_break_no_chain_and_answer_no_500(tmp_path):
    report = await chaos.run(chaos.Config(**SHORT, root=tmp_path))
    text = report.text()
    assert report.lost == [], text
    assert report.duplicates == [], text
    assert report.broken == [], text
    assert report.unexpected == [], text
    assert report.reached == SHORT["clusters"] and report.tally.meeting is not None, text
