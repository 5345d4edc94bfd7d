"""Program 3's hooks on the platform (``service.programs``): its workflows and activities on
the one worker, its routes on the console, its commands, its demo set and logins, its to-do
items, its journals for the audit, its tables and its scenarios. Light at import: console and
CLI modules are imported only inside the functions that mount them."""

from __future__ import annotations

from datetime import date
from typing import Any

from activities.guangdong.round import GuangdongActivities
from service.programs import AuditHooks, NavLink, ProgramHooks, TodoEntry
from workflows.guangdong.contracts import RecordInput
from workflows.guangdong.filing import ZoneFilingWorkflow
from workflows.guangdong.round import AssessmentRoundWorkflow

KEY = "guangdong"
ROLES = ("zone_office", "local_government", "prefecture_bureau", "province_department", "auditor")


def _activities(engine: Any, client: Any, task_queue: str) -> list[Any]:
    from store.guangdong.repo import load_zones

    load_zones(engine)  # 附件1's zones are in the store from the worker's first start (idempotent)
    return GuangdongActivities(engine).all()


def _mount(app: Any) -> None:
    from console.guangdong import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)


def _workflow_id(journal_key: str) -> str:
    """guangdong.round-2026 → guangdong-round-2026; guangdong.filing-2026-<zone> → guangdong-filing-2026-<zone>."""
    return journal_key.replace(".", "-", 1)


async def _todo(state: Any, user: Any, today: date) -> list[TodoEntry]:
    from service.guangdong.todo import todo

    return await todo(state, user, today)


async def _demo(client: Any, engine: Any, task_queue: str) -> list[str]:
    from service.guangdong.demo import load_demo

    return await load_demo(client, engine, task_queue)


def _simulate(path: Any, shift_years: int, as_json: bool, check: bool) -> int:
    from service.guangdong.simulate import simulate_command

    return simulate_command(path, shift_years, as_json, check)


def _demo_users() -> tuple[Any, ...]:
    from service.cnlic.demo_users import DemoUser

    return (
        DemoUser("zone", "zone_office", "西樵镇纺织示范区办公室（演示）", clusters=("gd-foshan-xiqiao-textiles",)),
        DemoUser("county", "local_government", "佛山市南海区人民政府（演示）", cities=("南海区",)),
        DemoUser("prefecture", "prefecture_bureau", "佛山市经贸局（演示）", cities=("佛山市",)),
        DemoUser("province", "province_department", "广东省经济贸易委员会（演示）", provinces=("广东省",)),
    )


def _cli(app: Any) -> None:
    from cli.guangdong import register

    register(app)


HOOKS = ProgramHooks(
    key=KEY,
    label="广东省产业集群升级示范区",
    workflows=(AssessmentRoundWorkflow, ZoneFilingWorkflow),
    activities=_activities,
    passthrough=("workflows.guangdong.contracts",),
    mount=_mount,
    demo=_demo,
    demo_users=_demo_users(),
    nav=(NavLink("升级示范区", "/guangdong", ROLES),),
    todo=_todo,
    audit=AuditHooks(workflow_id=_workflow_id, record_activity="guangdong_record", record_input=RecordInput),
    store_models="store.guangdong.models",
    simulate=_simulate,
)
