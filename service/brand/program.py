"""Program 4 on the platform (service.programs): MIIT regional-brand pilots and demonstration
zones. Light on purpose: the console, CLI, demo and simulator are imported inside the hooks."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.programs import AuditHooks, NavLink, ProgramHooks, TodoEntry
from workflows.brand.batch import BrandBatchWorkflow
from service.brand.demo_users import DEMO_USERS
from workflows.brand.contracts import RecordInput, StartHead, workflow_id_of_journal
from workflows.brand.pilot import BrandPilotWorkflow

ROLES = ("implementing_body", "local_government", "province_department", "miit_reviewer", "expert", "auditor")


def _activities(engine: Any, client: Any, task_queue: str) -> list[Any]:
    from activities.brand.activities import BrandActivities

    return BrandActivities(engine, client, task_queue).all()


def _mount(app: Any) -> None:
    from console.brand import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)


def _cli(app: Any) -> None:  # pragma: no cover - cli/brand registers itself through cli.main
    from cli.brand import register

    register(app)


async def _todo(state: Any, user: Any, today: date) -> list[TodoEntry]:
    from service.brand.todo import todo_for

    return todo_for(state.console.engine, user, today)


async def _demo(client: Any, engine: Any, task_queue: str) -> list[str]:
    from service.brand.demo import load_demo

    return await load_demo(client, engine, task_queue)


async def _recompute(client: Any, engine: Any, actor: Any, reason: str) -> dict[str, list[str]]:
    from service.brand.pilots import recompute_deadlines

    return await recompute_deadlines(client, engine, actor, reason)


def _simulate(path: Any, shift_years: int, as_json: bool, check: bool) -> int:
    from service.brand.simulate import run_file

    return run_file(path, shift_years, as_json, check)


HOOKS = ProgramHooks(
    key="brand",
    label="产业集群区域品牌建设试点示范",
    workflows=(BrandPilotWorkflow, BrandBatchWorkflow),
    activities=_activities,
    passthrough=("workflows.brand.contracts",),
    mount=_mount,
    nav=(NavLink("品牌试点", "/brand/pilots", ROLES), NavLink("部批次", "/brand/batches", ("miit_reviewer", "auditor")),
         NavLink("典型经验", "/brand/experiences", ROLES)),
    todo=_todo,
    demo=_demo,
    demo_users=DEMO_USERS,
    # a run that has journaled nothing yet carries the head in its start input's state
    audit=AuditHooks(workflow_id=workflow_id_of_journal, record_activity="brand_record", record_input=RecordInput,
                     start_input=StartHead),
    store_models="store.brand.models",
    simulate=_simulate,
    recompute=_recompute,
)
