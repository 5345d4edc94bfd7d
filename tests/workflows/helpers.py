"""Dated steps for workflow tests. Dates are built from next year, so the tests keep
working as the calendar moves on (the time-skipping server starts at today)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain.calendar import SHANGHAI
from domain.cnlic.model import Actor
from service.cnlic.simulate import Rejection, Simulation
from tests.support import (
    APPLICANT,
    ASSOCIATION,
    LEAD_EXPERT,
    LEADER,
    SECRETARIAT,
    application,
    cluster,
    site_report,
    site_visit,
)

Y = datetime.now(SHANGHAI).year + 1  # a whole year ahead of the server's start


def d(month: int, day: int, years: int = 0) -> date:
    return date(Y + years, month, day)


def who(spec: dict[str, str]) -> Actor:
    return Actor(**spec)


async def ok(sim: Simulation, key: str | None, action: str, data: dict | None, by: dict[str, str], on: date):
    await sim.advance_to(on)
    result = await sim.act(key, action, data or {}, who(by))
    assert not isinstance(result, Rejection), f"{action} refused: [{result.code}] {result.reason}"
    return result


async def refused(sim: Simulation, key: str | None, action: str, data: dict | None, by: dict[str, str],
                  on: date) -> str:
    """Apply an action expected to be refused; check that nothing was recorded."""
    await sim.advance_to(on)
    before = len(sim.journal(key)) if key else None
    result = await sim.act(key, action, data or {}, who(by))
    assert isinstance(result, Rejection), f"{action} was accepted"
    if key:
        assert len(sim.journal(key)) == before, "a refused action recorded something"
    return result.code


async def register(sim: Simulation, key: str = "ceramics", stage: str = "cultivation", on: date | None = None,
                   **changes):
    start = {"stage": stage, "on": (on or d(1, 4)).isoformat()}
    if stage == "cultivation":
        start["planned_years"] = changes.pop("planned_years", 1)
    if stage == "applied":
        start["application"] = changes.pop("application", application())
    return await sim.register(cluster(key, **changes), start, who(SECRETARIAT))


async def to_formal_review(sim: Simulation, key: str, start: date, received: date, new_cluster: bool = True,
                           association: dict[str, str] = ASSOCIATION) -> None:
    """From an application on file to formal review: opinion and acceptance on ``start``, the
    site visit approved two days later, its report after the visit, the association's formal
    opinion received on ``received`` (which arms the 15-working-day clock)."""
    await ok(sim, key, "record_opinion", {"text": "同意"}, association, start)
    await ok(sim, key, "accept_application", {}, SECRETARIAT, start)
    await ok(sim, key, "approve_site_visit", site_visit(start + timedelta(days=10)), LEADER, start + timedelta(days=2))
    await ok(sim, key, "record_site_report", site_report(new_cluster), LEAD_EXPERT, start + timedelta(days=11))
    await ok(sim, key, "record_formal_opinion", {"recommend": True}, association, received)


async def to_meeting(sim: Simulation, key: str, start: date, new_cluster: bool = True, review_days: int = 30,
                     association: dict[str, str] = ASSOCIATION) -> date:
    """From an application on file to the meeting queue; returns the day review completed."""
    await to_formal_review(sim, key, start, start + timedelta(days=15), new_cluster, association)
    done = start + timedelta(days=review_days)
    await ok(sim, key, "complete_formal_review", {}, SECRETARIAT, done)
    return done


async def meeting(sim: Simulation, on: date, decisions: dict[str, str]):
    return await ok(sim, None, "hold_meeting", {"decisions": decisions}, SECRETARIAT, on)


async def joint_document(sim: Simulation, on: date, number: str = "中轻联综字〔2027〕1号", **data):
    """The secretariat records the joint document of the latest meeting's approvals (§三(四))."""
    return await ok(sim, None, "record_joint_document",
                    {"number": number, "issued_on": on.isoformat(), "bodies": ["中国轻工业联合会"], **data},
                    SECRETARIAT, on)


async def approve(sim: Simulation, on: date, keys: list[str], document_on: date | None = None):
    """The meeting approves ``keys``; the joint document follows (default the same day)."""
    result = await meeting(sim, on, {key: "approve" for key in keys})
    await joint_document(sim, document_on or on)
    return result


async def designate(sim: Simulation, key: str = "ceramics", applied_on: date | None = None,
                    meeting_on: date | None = None, **changes):
    """Cultivation on 4 Jan, application, the whole procedure, approval at the meeting and the
    joint document the same day."""
    await register(sim, key, **changes)
    applied_on = applied_on or d(3, 1)
    await ok(sim, key, "file_application", application(), APPLICANT, applied_on)
    await to_meeting(sim, key, applied_on)
    await approve(sim, meeting_on or d(6, 20), [key])


def events(sim: Simulation, key: str, kind: str, **match) -> list:
    return [r for r in sim.journal(key) if r.kind == kind and all(r.data.get(k) == v for k, v in match.items())]
