"""Onboarding an existing title through the real workflow (issue 10): the start carries the
joint document's number and the last evaluation into the history and the journal, the run
replays deterministically, and the clocks stand where today's true position puts them."""

from datetime import date

import pytest

from audit.replay import replay_cluster
from domain.calendar import add_months
from domain.cnlic.model import Actor
from service.cnlic.registration import RegistrationService
from tests.support import SECRETARIAT, cluster

pytestmark = pytest.mark.workflow

FIGURES = {"national_rank": 2, "indicators": {"output": 120.5, "firms": 400}}


async def test_an_onboarded_title_keeps_its_document_and_figures_and_replays(sim):
    today = await sim.today()
    conferred = add_months(today, -30)
    start = {"stage": "designated", "on": conferred.isoformat(), "document_number": "中轻联综合〔2024〕7号",
             "evaluation": FIGURES}
    await sim.register(cluster("onboarded"), start, Actor(**SECRETARIAT))
    view = await sim.service.view("onboarded")
    assert view.stage == "designated" and view.conferred_on == conferred
    owed = today.year - 1 if today <= date(today.year, 4, 30) else today.year
    assert [x.key for x in view.deadlines if x.what == "annual_report"] == [f"annual_report:{owed}"]
    registered = sim.journal("onboarded")[0]
    assert registered.kind == "registered"
    assert registered.data["start"]["document_number"] == "中轻联综合〔2024〕7号"
    assert registered.data["start"]["evaluation"]["indicators"] == {"output": 120.5, "firms": 400.0}
    report = await replay_cluster(sim.env.client, sim.engine, "onboarded")
    assert report.deterministic and report.agrees, report.differences


async def test_an_import_row_and_a_single_add_are_one_registration(sim):
    """The service's idempotence: the same onboarding twice is unchanged, not a second lifecycle."""
    from domain.cnlic.access import User

    today = await sim.today()
    secretariat = User("sec", "secretariat", "综合业务部")
    data = {"kind": "onboarding", "cluster": cluster("twice"), "conferred_on": add_months(today, -10).isoformat(),
            "document_number": "中轻联综合〔2026〕1号", "evaluation": {"value": 500}}
    service = RegistrationService(sim.service)
    assert (await service.add(secretariat, data)).outcome == "accepted"
    await sim.settle()
    assert (await service.add(secretariat, data)).outcome == "unchanged"
    assert len([r for r in sim.journal("twice") if r.kind == "registered"]) == 1
