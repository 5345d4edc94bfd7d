"""A lifecycle's histories: every run of the continue-as-new chain, and what the workflow
itself asked to record (the inputs of its ``record`` activity), read from history alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.client import Client, WorkflowHistory
from temporalio.service import RPCError, RPCStatusCode

from domain.errors import DomainError
from domain.journal import GENESIS
from domain.cnlic.model import Event
from service.converter import CONVERTER
from workflows.cnlic.contracts import JOURNAL_HEAD, DesignationInput, JournalReceipt, RecordInput, parse_journal_head

CONTINUED = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
SCHEDULED = EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
MARKER = EventType.EVENT_TYPE_MARKER_RECORDED
LOCAL_ACTIVITY_MARKER = "core_local_activity"  # the SDK core's marker for a local activity's result
STARTED = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED


async def run_chain(client: Client, workflow_id: str) -> list[WorkflowHistory]:
    """Every run of a workflow id, first to latest (``fetch_history`` alone gives only the
    latest run)."""
    try:
        # the raw describe: decoding typed search attributes is not needed here
        desc = await client.workflow_service.describe_workflow_execution(
            DescribeWorkflowExecutionRequest(namespace=client.namespace, execution=WorkflowExecution(workflow_id=workflow_id))
        )
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:
            raise DomainError("cluster_unknown", f"Temporal 中没有工作流 {workflow_id}") from None
        raise
    info = desc.workflow_execution_info
    run_id = info.first_run_id or info.execution.run_id
    chain: list[WorkflowHistory] = []
    seen: set[str] = set()
    while run_id and run_id not in seen:
        seen.add(run_id)
        history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
        chain.append(history)
        last = history.events[-1] if history.events else None
        if last is None or last.event_type != CONTINUED:
            break
        run_id = last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id
    return chain


@dataclass
class RecordedEvent:
    """An event as the workflow sent it to be journaled, and where it sits in history."""

    run_id: str
    history_event_id: int
    event: Event


@dataclass(frozen=True)
class HistorySpec:
    """How to read one program's histories: the activity that journals events, its input type
    (``events`` and ``head``) and the workflow's start input type (``state`` after a
    continue-as-new). Program 1's is the default; programs 2–4 give theirs in
    ``service.programs.AuditHooks``."""

    record_activity: str = "record"
    record_input: type = RecordInput
    start_input: type | None = DesignationInput
    # the same as a local activity (issue 15, lean runs): its marker's result carries events and head
    local_record_activity: str | None = "journal_events"
    local_record_result: type | None = JournalReceipt


PROGRAM1 = HistorySpec()


def spec_for(journal_key: str) -> HistorySpec:
    from service.programs import program_of_key

    hooks = program_of_key(journal_key)
    if hooks is None or hooks.audit is None:
        return PROGRAM1
    a = hooks.audit
    return HistorySpec(a.record_activity, a.record_input, a.start_input, a.local_record_activity, a.local_record_result)


def workflow_id_for(journal_key: str) -> str:
    """The workflow whose histories hold this journal's events."""
    from service.programs import program_of_key
    from workflows.cnlic.contracts import designation_workflow_id

    hooks = program_of_key(journal_key)
    if hooks is None or hooks.audit is None:
        return designation_workflow_id(journal_key)
    return hooks.audit.workflow_id(journal_key)


def _record_inputs(history: WorkflowHistory, spec: HistorySpec = PROGRAM1) -> list[tuple[int, Any]]:
    """Every journaling the workflow asked for, in history order: a ``record`` activity's input,
    or a local ``journal_events`` activity's result (its marker; a local activity's input is not
    kept). Either has ``events`` and ``head``."""
    out = []
    for ev in history.events:
        if ev.event_type == SCHEDULED:
            attrs = ev.activity_task_scheduled_event_attributes
            if attrs.activity_type.name != spec.record_activity:
                continue
            (inp,) = CONVERTER.payload_converter.from_payloads(attrs.input.payloads, [spec.record_input])
            out.append((ev.event_id, inp))
        elif ev.event_type == MARKER and spec.local_record_activity is not None:
            receipt = _local_result(ev, spec)
            if receipt is not None:
                out.append((ev.event_id, receipt))
    return out


def _local_result(ev: Any, spec: HistorySpec) -> Any:
    attrs = ev.marker_recorded_event_attributes
    if attrs.marker_name != LOCAL_ACTIVITY_MARKER or "result" not in attrs.details:
        return None
    (meta,) = CONVERTER.payload_converter.from_payloads(attrs.details["data"].payloads, [dict])
    if meta.get("activity_type") != spec.local_record_activity:
        return None
    (result,) = CONVERTER.payload_converter.from_payloads(attrs.details["result"].payloads, [spec.local_record_result])
    return result


def recorded_events(chain: list[WorkflowHistory], spec: HistorySpec = PROGRAM1) -> list[RecordedEvent]:
    found: dict[int, RecordedEvent] = {}
    for history in chain:
        for event_id, inp in _record_inputs(history, spec):
            for e in inp.events:
                found.setdefault(e.seq, RecordedEvent(history.run_id, event_id, e))
    return [found[s] for s in sorted(found)]


async def latest_head(client: Client, workflow_id: str, spec: HistorySpec = PROGRAM1,
                      page: int = 16) -> tuple[int, str] | None:
    """The head the workflow last journaled, read backwards from the end of its latest run a
    few events at a time (``verify --all``, issue 15: the last journaling is near the end, so
    this reads a page or two instead of the whole history). None when no workflow has that id."""
    from temporalio.api.common.v1 import WorkflowExecution
    from temporalio.api.workflowservice.v1 import GetWorkflowExecutionHistoryReverseRequest

    token = b""
    while True:
        try:
            resp = await client.workflow_service.get_workflow_execution_history_reverse(
                GetWorkflowExecutionHistoryReverseRequest(namespace=client.namespace,
                                                          execution=WorkflowExecution(workflow_id=workflow_id),
                                                          maximum_page_size=page, next_page_token=token))
        except RPCError as e:
            if e.status == RPCStatusCode.NOT_FOUND:
                return None
            if e.status == RPCStatusCode.UNIMPLEMENTED:  # the time-skipping test server: read forwards
                return recorded_head(await run_chain(client, workflow_id), spec)
            raise
        history = WorkflowHistory(workflow_id, list(resp.history.events))  # newest first
        found = _record_inputs(history, spec)
        if found:
            inp = found[0][1]  # the newest journaling of the run
            return inp.events[-1].seq, inp.head
        for ev in resp.history.events:
            if ev.event_type == STARTED:
                head = _started_head(ev, spec)
                if head is not None:
                    return head
                # a run that journaled nothing and carried no head: the chain before it decides
                return recorded_head(await run_chain(client, workflow_id), spec)
        token = resp.next_page_token
        if not token:
            return 0, GENESIS


async def listed_heads(client: Client, workflow_ids: set[str], page: int = 1000) -> dict[str, tuple[int, str]]:
    """The heads program 1's lifecycles last recorded, from one visibility listing of their
    ``JournalHead`` search attribute (issue 15, row 5: a page of a thousand instead of a history
    read each). Only each workflow id's latest run counts; a lifecycle whose latest run has no
    head there (a run from before ``journal-head-attribute-v1``, or a server without
    visibility, such as the time-skipping one) is left out, for its history to decide."""
    latest: dict[str, tuple[Any, tuple[int, str] | None]] = {}
    try:
        async for ex in client.list_workflows("WorkflowType = 'DesignationWorkflow'", page_size=page):
            if ex.id in workflow_ids and (ex.id not in latest or ex.start_time > latest[ex.id][0]):
                latest[ex.id] = (ex.start_time, parse_journal_head(ex.typed_search_attributes.get(JOURNAL_HEAD)))
    except RPCError as e:
        if e.status in (RPCStatusCode.UNIMPLEMENTED, RPCStatusCode.INVALID_ARGUMENT):
            return {}
        raise
    return {wid: head for wid, (_, head) in latest.items() if head is not None}


def _started_head(ev: Any, spec: HistorySpec) -> tuple[int, str] | None:
    if spec.start_input is None:
        return None
    payloads = ev.workflow_execution_started_event_attributes.input.payloads
    (start,) = CONVERTER.payload_converter.from_payloads(payloads, [spec.start_input])
    state = getattr(start, "state", None)
    if state is not None and getattr(state, "journal_head_seq", 0):
        return state.journal_head_seq, state.journal_head
    return None


def recorded_head(chain: list[WorkflowHistory], spec: HistorySpec = PROGRAM1) -> tuple[int, str]:
    """The journal head the workflow last recorded: (sequence, hash)."""
    for history in reversed(chain):
        inputs = _record_inputs(history, spec)
        if inputs:
            inp = inputs[-1][1]
            return inp.events[-1].seq, inp.head
        started = history.events[0] if history.events else None
        if started is not None and started.event_type == STARTED and spec.start_input is not None:
            payloads = started.workflow_execution_started_event_attributes.input.payloads
            (start,) = CONVERTER.payload_converter.from_payloads(payloads, [spec.start_input])
            if getattr(start, "state", None) is not None and getattr(start.state, "journal_head_seq", 0):
                return start.state.journal_head_seq, start.state.journal_head
    return 0, GENESIS
