"""One platform, four programs (README "Layout"): every program present in this build plugs in
through service.programs, their workflows share one worker, their API schemas one OpenAPI
document without colliding, and each role is told which programs it works in."""

from __future__ import annotations

from domain.roles import ROLE_PROGRAMS, USER_ROLES, Role, check_new_user
from service import programs
from service.temporal import WORKFLOWS


def test_programs_two_to_four_are_all_plugged_in_with_their_workflows_on_the_one_worker():
    keys = [p.key for p in programs.programs()]
    assert keys == ["demonstration", "guangdong", "brand"]
    names = {w.__temporal_workflow_definition.name for w in WORKFLOWS}
    assert {"DesignationWorkflow", "DemonstrationRoundWorkflow", "GuangdongRoundWorkflow",
            "GuangdongFilingWorkflow", "BrandPilotWorkflow"} <= names
    assert len(names) == len(WORKFLOWS)  # no two programs register the same workflow type


def test_every_program_has_its_navigation_audit_todo_demo_and_scenario_runner():
    for p in programs.programs():
        assert p.nav and p.audit is not None and p.todo is not None and p.demo is not None, p.key
        assert p.simulate is not None and p.mount is not None, p.key


def test_the_openapi_document_names_every_schema_once_without_module_prefixes():
    from console.app import create_app

    schemas = create_app(None, None).openapi()["components"]["schemas"]
    clashing = [n for n in schemas if "__" in n and not n.startswith("Body_")]
    assert clashing == []


def test_every_console_role_works_in_at_least_one_program_and_the_navigation_follows_it():
    for role in USER_ROLES:
        assert ROLE_PROGRAMS.get(role.value), role
    zone_links = {link.href for link in programs.nav_for(Role.ZONE_OFFICE.value)}
    assert zone_links and all(h.startswith("/guangdong") for h in zone_links)
    assert not [h for h in (link.href for link in programs.nav_for(Role.APPLICANT.value))
                if h.startswith(("/guangdong", "/brand"))]


def test_a_prefecture_bureau_needs_its_city_and_a_provincial_department_its_province():
    import pytest

    from domain.errors import DomainError

    with pytest.raises(DomainError) as e:
        check_new_user("fs", "prefecture_bureau", "佛山市经济和信息化局")
    assert e.value.code == "scope_missing"
    user = check_new_user("fs", "prefecture_bureau", "佛山市经济和信息化局", cities=["佛山市"])
    assert user.cities == ("佛山市",) and user.works_in("guangdong") and not user.works_in("cnlic")
