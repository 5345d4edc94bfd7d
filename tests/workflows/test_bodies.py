"""RULES.md "Bodies": an application's opinion-giving bodies are chosen from the directory and
their kind is read from it, never guessed from a name (the first build took 佛山市轻工业协会 for a
national association because its name does not start with a province)."""

import pytest

from domain.cnlic.access import User
from domain.errors import DomainError
from service.cnlic.bodies import BodiesService
from tests.support import APPLICANT, application
from tests.workflows.helpers import d, ok, refused, register

pytestmark = pytest.mark.workflow

SECRETARIAT_USER = User("sec", "secretariat", "综合业务部")


async def test_body_kind_comes_from_the_directory_not_from_the_name(sim):
    BodiesService(sim.engine).add(SECRETARIAT_USER, {"name": "佛山市轻工业协会", "kind": "provincial", "province": "广东省"})
    await register(sim, stage="cultivation", on=d(1, 4))
    # the directory says provincial: the provincial route takes it, the association route does not
    assert await refused(sim, "ceramics", "file_application",
                         application(route="association", bodies=["佛山市轻工业协会"]), APPLICANT, d(3, 1)) \
        == "route_bodies_mismatch"
    await ok(sim, "ceramics", "file_application", application(route="provincial", bodies=["佛山市轻工业协会"]),
             APPLICANT, d(3, 1))
    view = await sim.service.view("ceramics")
    assert view.stage == "applied"
    recorded = [e.data["application"] for e in sim.journal("ceramics") if "application" in (e.data or {})][-1]
    assert [(b["name"], b["kind"]) for b in recorded["bodies"]] == [("佛山市轻工业协会", "provincial")]


async def test_body_not_in_the_directory_is_refused_before_the_workflow(sim):
    await register(sim, stage="cultivation", on=d(1, 4))
    assert await refused(sim, "ceramics", "file_application",
                         application(route="association", bodies=["佛山市轻工业协会"]), APPLICANT, d(3, 1)) \
        == "body_unknown"


async def test_body_must_serve_the_clusters_industry_or_province(sim):
    await register(sim, stage="cultivation", on=d(1, 4))
    assert await refused(sim, "ceramics", "file_application",
                         application(route="association", bodies=["中国造纸协会"]), APPLICANT, d(3, 1)) \
        == "body_not_serving"
    assert await refused(sim, "ceramics", "file_application",
                         application(route="provincial", bodies=["江西省轻工业联合会"]), APPLICANT, d(3, 1)) \
        == "body_not_serving"


async def test_body_deactivated_in_the_directory_cannot_be_chosen(sim):
    BodiesService(sim.engine).set_active(SECRETARIAT_USER, "中国陶瓷工业协会", False)
    with pytest.raises(DomainError) as e:
        await register(sim, stage="applied", on=d(3, 1))
    assert e.value.code == "body_inactive"
