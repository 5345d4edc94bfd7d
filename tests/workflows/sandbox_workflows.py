"""Workflows for ``test_sandbox.py``, in a module of their own: the sandbox imports a workflow's
module afresh, so it holds nothing but what the workflows need."""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import activity, workflow


@activity.defn
async def shout(text: str) -> str:
    return text.upper()


@workflow.defn
class Echo:
    """Payloads of every kind the worker visits: the input, an activity's input and result, a
    timer, a signal's argument and the workflow's result."""

    def __init__(self) -> None:
        self.heard: list[str] = []

    @workflow.run
    async def run(self, text: str) -> str:
        loud = await workflow.execute_activity(shout, text, start_to_close_timeout=timedelta(seconds=10))
        await workflow.sleep(timedelta(minutes=1))
        await workflow.wait_condition(lambda: bool(self.heard))
        return f"{loud}/{self.heard[0]}"

    @workflow.signal
    def hear(self, text: str) -> None:
        self.heard.append(text)


@workflow.defn(failure_exception_types=[Exception])
class ReadsTheClock:
    """Breaks the rule the sandbox guards: reading the wall clock in workflow code."""

    @workflow.run
    async def run(self) -> str:
        return datetime.now().isoformat()
