"""``designation audit replay``: replay every run of a lifecycle with Temporal's Replayer
against the current code, re-derive the timeline from the histories alone, and compare it
event by event with the store's journal."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

from sqlalchemy.engine import Engine
from temporalio.client import Client, WorkflowHistory
from temporalio.worker import Replayer, UnsandboxedWorkflowRunner

from audit.history import RecordedEvent, recorded_events, recorded_head, run_chain, spec_for, workflow_id_for
from audit.verify import VerifyReport, verify_rows
from domain.journal import canonical
from service.temporal import CONVERTER, PROGRAM1_WORKFLOWS, all_workflows
from store.cnlic import lifecycle as repo


@dataclass
class RunReplay:
    run_id: str
    history_events: int
    ok: bool
    error: str = ""


@dataclass
class Difference:
    seq: int
    field: str
    history: Any
    journal: Any


@dataclass
class ReplayReport:
    cluster_key: str
    workflow_id: str
    runs: list[RunReplay]
    timeline: list[dict[str, Any]]  # re-derived from the histories alone
    journal_rows: int
    differences: list[Difference] = field(default_factory=list)
    verification: VerifyReport | None = None
    elapsed_ms: float = 0.0
    # the journal rows compared (store rows, not part of the report's data), set by
    # ``replay_cluster``: the service checks their attachments and packs them for an export
    # without reading the journal again; None on a report built any other way
    rows: ClassVar[list[Any] | None] = None

    @property
    def deterministic(self) -> bool:
        return all(r.ok for r in self.runs)

    @property
    def agrees(self) -> bool:
        return not self.differences

    @property
    def ok(self) -> bool:
        return self.deterministic and self.agrees and (self.verification is None or self.verification.ok)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(deterministic=self.deterministic, agrees=self.agrees, ok=self.ok,
                   verification=self.verification.as_dict() if self.verification else None)
        return out


REPLAY_BUILD_ID = "audit-replay"


def replayer(workflows: list | None = None) -> Replayer:
    """A replayer of ``workflows`` (every program's by default), for the audit (issue 15, row 6).

    Unsandboxed, like the simulator: replay checks that today's code issues the commands each
    history recorded, and does so the same in or out of the sandbox, while the sandbox's
    per-payload context lookups and module re-imports were half of the replay's time. The
    sandbox's own guard (no clock, randomness or I/O in workflow code) is kept where code first
    runs: the worker and the tests, which replay every recorded history sandboxed
    (``tests/workflows/test_recorded_histories.py``).

    Its build id is named: without one, temporalio derives it by reading and hashing the code
    of every loaded module; a replay never polls a task queue, so the id names nothing else."""
    return Replayer(workflows=workflows if workflows is not None else all_workflows(), data_converter=CONVERTER,
                    workflow_runner=UnsandboxedWorkflowRunner(), build_id=REPLAY_BUILD_ID)


def workflows_for(journal_key: str) -> list:
    """The workflows whose histories a journal key's audit replays: its own program's only, so
    replaying a cluster of program 1 loads none of programs 2–4."""
    from service.programs import program_of_key

    hooks = program_of_key(journal_key)
    return list(hooks.workflows) if hooks is not None else list(PROGRAM1_WORKFLOWS)


async def replay_histories(histories: list[WorkflowHistory], workflows: list | None = None) -> list[RunReplay]:
    engine = replayer(workflows)
    runs = []
    for history in histories:
        result = await engine.replay_workflow(history, raise_on_replay_failure=False)
        failure = result.replay_failure
        runs.append(RunReplay(history.run_id, len(history.events), failure is None,
                              f"{failure.__class__.__name__}: {failure}" if failure else ""))
    return runs


def derived_item(r: RecordedEvent) -> dict[str, Any]:
    e = r.event
    return {"seq": e.seq, "on": e.on.isoformat(), "kind": e.kind, "actor": {"role": e.actor.role, "name": e.actor.name},
            "data": e.data, "run_id": r.run_id, "history_event_id": r.history_event_id}


def compare(cluster_key: str, derived: list[RecordedEvent], rows: list[Any]) -> list[Difference]:
    """Event by event: what the histories say was recorded against what the journal holds."""
    differences = []
    by_seq = {}
    for row in rows:
        if row.seq in by_seq:
            differences.append(Difference(row.seq, "duplicate", None, row.id))
        by_seq[row.seq] = row
    for r in derived:
        e, row = r.event, by_seq.pop(r.event.seq, None)
        if row is None:
            differences.append(Difference(e.seq, "missing", e.kind, None))
            continue
        for name, history_value, journal_value in (
            ("on", e.on.isoformat(), row.on.isoformat()),
            ("kind", e.kind, row.kind),
            ("actor", [e.actor.role, e.actor.name], [row.actor_role, row.actor_name]),
        ):
            if history_value != journal_value:
                differences.append(Difference(e.seq, name, history_value, journal_value))
        if canonical(cluster_key, 0, "", "", "", "", e.data) != canonical(cluster_key, 0, "", "", "", "", row.data):
            differences.append(Difference(e.seq, "data", e.data, row.data))
    for seq, row in sorted(by_seq.items()):
        differences.append(Difference(seq, "unexpected", None, row.kind))
    return sorted(differences, key=lambda d: d.seq)


async def replay_cluster(client: Client, engine: Engine, cluster_key: str) -> ReplayReport:
    started = time.perf_counter()
    workflow_id = workflow_id_for(cluster_key)
    spec = spec_for(cluster_key)
    chain = await run_chain(client, workflow_id)
    runs = await replay_histories(chain, workflows_for(cluster_key))
    derived = recorded_events(chain, spec)
    rows = repo.journal_rows(engine, cluster_key)
    report = ReplayReport(
        cluster_key=cluster_key,
        workflow_id=workflow_id,
        runs=runs,
        timeline=[derived_item(r) for r in derived],
        journal_rows=len(rows),
        differences=compare(cluster_key, derived, rows),
        verification=verify_rows(cluster_key, rows, recorded_head(chain, spec)),
    )
    report.rows = rows
    report.elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    return report
