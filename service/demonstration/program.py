"""Program 2's hooks on the platform (``service.programs``): the round workflow and its
activities, the console's routes and navigation, 我的待办, the demo set and logins, the audit
of the rounds' journals, the CLI and the simulator. Light at import: console and CLI modules
load inside the functions that mount them."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.programs import PROGRAM_LABELS, AuditHooks, NavLink, ProgramHooks, TodoEntry
from workflows.demonstration.contracts import RecordRoundInput, workflow_id_of_journal
from workflows.demonstration.round import DemonstrationRoundWorkflow

KEY = "demonstration"


def _activities(engine: Any, client: Any, task_queue: str) -> list[Any]:
    from activities.demonstration.round import RoundActivities

    return RoundActivities(engine, client).all()


def _mount(app: Any) -> None:
    from console.demonstration import mount

    mount(app)


def _cli(app: Any) -> None:
    from cli.demonstration import register

    register(app)


async def _demo(client: Any, engine: Any, task_queue: str) -> list[str]:
    from service.demonstration.demo import load_demo

    return await load_demo(client, engine, task_queue)


async def _todo(state: Any, user: Any, today: date) -> list[TodoEntry]:
    from service.demonstration.todo import todo_for

    return todo_for(state.console.engine, user, today)


def _simulate(path: Any, shift_years: int, as_json: bool, check: bool) -> int:
    from service.demonstration.simulate import run_file

    return run_file(path, shift_years, as_json, check)


async def _recompute(client: Any, engine: Any, actor: Any, reason: str) -> dict[str, list[str]]:
    from service.demonstration.rounds import recompute_deadlines

    return await recompute_deadlines(client, engine, actor, reason)


HOOKS = ProgramHooks(
    key=KEY,
    label=PROGRAM_LABELS[KEY],
    workflows=(DemonstrationRoundWorkflow,),
    activities=_activities,
    passthrough=("workflows.demonstration.contracts",),
    mount=_mount,
    cli=_cli,
    demo=_demo,
    demo_users=(),
    nav=(NavLink("创新升级示范评选", "/demonstration", ("secretariat", "leader", "association", "auditor")),),
    todo=_todo,
    audit=AuditHooks(workflow_id=workflow_id_of_journal, record_activity="demonstration_record",
                     record_input=RecordRoundInput),
    store_models="store.demonstration.models",
    simulate=_simulate,
    recompute=_recompute,
)
