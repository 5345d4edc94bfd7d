"""The worker's sandbox (``service.temporal.SandboxRunner``, issue 15, row 1) answers the SDK's
per-payload serialization-context questions without re-entering the sandbox. It must still
refuse what the stock sandbox refuses, and hand every payload the same context."""

from __future__ import annotations

import uuid

import pytest
from temporalio.client import WorkflowFailureError
from temporalio.converter import DataConverter, PayloadCodec, WithSerializationContext
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from service.temporal import SandboxRunner, binary, quiet_runtime, sandbox_runner
from tests.workflows.sandbox_workflows import Echo, ReadsTheClock, shout

pytestmark = pytest.mark.workflow


class RecordingCodec(PayloadCodec, WithSerializationContext):
    """Changes nothing; notes which context each payload was encoded or decoded in."""

    def __init__(self, seen: list, context=None) -> None:
        self.seen, self.context = seen, context

    def with_context(self, context):
        return RecordingCodec(self.seen, context)

    def _note(self, what: str, payloads) -> list:
        c = self.context
        self.seen.append((what, len(payloads), type(c).__name__,
                          getattr(c, "workflow_id", None), getattr(c, "activity_type", None)))
        return list(payloads)

    async def encode(self, payloads):
        return self._note("encode", payloads)

    async def decode(self, payloads):
        return self._note("decode", payloads)


async def _run_echo(runner) -> list:
    seen: list = []
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"), runtime=quiet_runtime(),
        data_converter=DataConverter(payload_codec=RecordingCodec(seen)))
    async with env:
        queue = f"sandbox-{uuid.uuid4().hex[:8]}"
        async with Worker(env.client, task_queue=queue, workflows=[Echo], activities=[shout], workflow_runner=runner,
                          max_cached_workflows=10):
            handle = await env.client.start_workflow(Echo.run, "hi", id="echo", task_queue=queue)
            await env.sleep(120)
            await handle.signal(Echo.hear, "there")
            assert await handle.result() == "HI/there"
    return seen


async def test_every_payload_gets_the_context_the_stock_sandbox_gives_it():
    stock = await _run_echo(SandboxedWorkflowRunner(restrictions=sandbox_runner().restrictions))
    ours = await _run_echo(sandbox_runner())
    assert isinstance(sandbox_runner(), SandboxRunner)
    assert ours == stock
    kinds = {(kind, activity) for _, _, kind, _, activity in ours}
    assert ("ActivitySerializationContext", "shout") in kinds and ("WorkflowSerializationContext", None) in kinds


async def test_reading_the_clock_in_workflow_code_is_still_refused():
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"), runtime=quiet_runtime())
    async with env:
        async with Worker(env.client, task_queue="clock", workflows=[ReadsTheClock], workflow_runner=sandbox_runner()):
            with pytest.raises(WorkflowFailureError) as failure:
                await env.client.execute_workflow(ReadsTheClock.run, id="clock", task_queue="clock")
    assert "datetime.datetime.now" in str(failure.value.cause)
