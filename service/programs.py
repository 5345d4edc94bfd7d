"""The four programs on one platform (RULES.md "Shared by every program"). Program 1 (the CNLIC
co-built clusters, ``cnlic``) is the platform's first tenant and is wired in directly; programs
2–4 each plug in through one ``ProgramHooks`` object in ``service/<program>/program.py``:

- ``demonstration`` — program 2, CNLIC innovation-upgrade demonstration selection (seeds/000)
- ``guangdong``     — program 3, Guangdong upgrade demonstration zones (seeds/002)
- ``brand``         — program 4, MIIT regional-brand pilots and demonstration zones (seeds/003, 004)

The worker registers every program's workflows and activities on the one task queue, the
console mounts its routes and navigation, the CLI its commands, ``make run`` its demo set and
logins, the audit its journals and histories, 我的待办 its items. A program's hooks module stays
light: it imports its workflows and activities, and everything of the console or the CLI only
inside the functions that mount them.

Conventions every program keeps (README "Layout"):
- journal rows go in the kernel's ``journal`` table, chained with ``domain.journal``; their key
  (the ``cluster_key`` column) is ``<program>.<entity key>`` — program 1's keys never hold a dot,
  so no two programs' chains can meet;
- its tables are an Alembic branch of its own off revision 0010 (``branch_labels=(program,)``);
- workflow ids start with the program's own prefix; type names never change once recorded.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Awaitable, Callable, Sequence

# program key → its hooks module; a program whose package is not there yet is skipped
PROGRAM_MODULES: dict[str, str] = {
    "demonstration": "service.demonstration.program",
    "guangdong": "service.guangdong.program",
    "brand": "service.brand.program",
}
PROGRAM_LABELS: dict[str, str] = {
    "cnlic": "共建特色区域和产业集群",
    "demonstration": "创新升级示范评选",
    "guangdong": "广东省产业集群升级示范区",
    "brand": "产业集群区域品牌建设试点示范",
}


class ScenarioError(Exception):
    """A malformed scenario file, for any program's runner (``designation simulate FILE``): one
    line saying where and what."""


@dataclass(frozen=True)
class NavLink:
    """A link on the console's navigation bar, shown to the roles named (all when empty)."""

    label: str
    href: str
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class TodoEntry:
    """One thing a user must do next in a program (我的待办), as the kernel's page shows it."""

    program: str
    key: str  # the entity's key (round, zone, pilot)
    name: str  # what it is called
    action: str  # the action's code
    label: str  # the action in Chinese
    url: str  # where the user does it
    due: date | None = None
    overdue: bool = False
    note: str = ""


@dataclass(frozen=True)
class AuditHooks:
    """What the audit needs to replay and verify a program's entity (``audit replay KEY``):
    its workflow id, the activity that journals its events and that activity's input type
    (``events`` with seq/on/kind/data/actor, and ``head``), and its start input type
    (``state.journal_head_seq`` / ``state.journal_head`` after a continue-as-new, if any)."""

    workflow_id: Callable[[str], str]  # journal key → workflow id
    record_activity: str
    record_input: type
    start_input: type | None = None
    local_record_activity: str | None = None  # the same journaling as a local activity, if used
    local_record_result: type | None = None  # its result type (``events`` and ``head``)


@dataclass(frozen=True)
class ProgramHooks:
    key: str
    label: str
    workflows: Sequence[type] = ()
    # (engine, client, task_queue) → the activity callables the worker registers
    activities: Callable[[Any, Any, str], list[Any]] | None = None
    # modules the workflow sandbox shares beyond the kernel's (which already covers ``workflows``,
    # ``domain``, ``activities`` and ``store``): a program's own library outside those, if any
    passthrough: tuple[str, ...] = ()
    mount: Callable[[Any], None] | None = None  # (FastAPI app) → include the program's routers
    cli: Callable[[Any], None] | None = None  # (typer app) → add the program's commands
    # (client, engine, task_queue) → load the program's demo set into an empty store; returns labels
    demo: Callable[[Any, Any, str], Awaitable[list[str]]] | None = None
    demo_users: Sequence[Any] = ()  # service.cnlic.demo_users.DemoUser instances
    nav: Sequence[NavLink] = ()
    # (app.state, user, today) → the user's to-do items in this program
    todo: Callable[[Any, Any, date], Awaitable[list[TodoEntry]]] | None = None
    audit: AuditHooks | None = None
    store_models: str | None = None  # module defining the program's tables (for Alembic's metadata)
    # ``designation simulate FILE`` for a scenario whose top-level ``program:`` names this program:
    # (path, shift_years, as_json, check) → exit code; prints the timeline itself
    simulate: Callable[[Any, int, bool, bool], int] | None = None
    # ``designation deadlines recompute`` after a calendar revision, once program 1 has:
    # (client, engine, actor, reason) → one Chinese line per moved clock, by journal entity
    recompute: Callable[[Any, Any, Any, str], Awaitable[dict[str, list[str]]]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


_LOADED: list[ProgramHooks] | None = None


def _load(module: str) -> ProgramHooks | None:
    try:
        return importlib.import_module(module).HOOKS
    except ModuleNotFoundError as e:
        if e.name and module.startswith(e.name):
            return None  # the program's package is not part of this build
        raise


def programs() -> list[ProgramHooks]:
    """Programs 2–4 present in this build, in RULES.md's order."""
    global _LOADED
    if _LOADED is None:
        _LOADED = [h for h in (_load(m) for m in PROGRAM_MODULES.values()) if h is not None]
    return _LOADED


def program(key: str) -> ProgramHooks | None:
    return next((p for p in programs() if p.key == key), None)


def program_of_key(journal_key: str) -> ProgramHooks | None:
    """The program whose journal key this is (``<program>.<entity>``); None for program 1."""
    if "." not in journal_key:
        return None
    return program(journal_key.split(".", 1)[0])


def import_store_models() -> None:
    """Put every program's tables on ``SQLModel.metadata`` (for comparing the models with the
    migrated schema; running the migrations needs none of them)."""
    for p in programs():
        if p.store_models:
            importlib.import_module(p.store_models)


def workflows() -> list[type]:
    return [w for p in programs() for w in p.workflows]


def activities(engine: Any, client: Any, task_queue: str) -> list[Any]:
    return [a for p in programs() if p.activities is not None for a in p.activities(engine, client, task_queue)]


def passthrough() -> tuple[str, ...]:
    return tuple(m for p in programs() for m in p.passthrough)


def nav_for(role: str) -> list[NavLink]:
    return [link for p in programs() for link in p.nav if not link.roles or role in link.roles]


def demo_users() -> list[Any]:
    return [u for p in programs() for u in p.demo_users]


async def todo_for(state: Any, user: Any, today: date) -> list[TodoEntry]:
    out: list[TodoEntry] = []
    for p in programs():
        if p.todo is not None:
            out.extend(await p.todo(state, user, today))
    out.sort(key=lambda e: (e.due is None, e.due or date.max, e.program, e.key))
    return out
