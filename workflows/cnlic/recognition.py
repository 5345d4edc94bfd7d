"""RecognitionWorkflow: the annual recognition of §四(四), one run per year recognised
(id ``recognition-cnlic-<year>``), started by the program workflow early the next year.

It compiles the lists as of 31 December, records them, and tells each title more than
two years past expiry that the announcement revokes it.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.cnlic.lifecycle import LifecycleActivities
    from workflows.cnlic.contracts import RecognitionInput, RecognitionLists, RecognitionSignal, designation_workflow_id

ACTIVITY_TIMEOUT = timedelta(seconds=60)
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
# activities are short; a worker that dies mid-activity is noticed in seconds, not minutes
HEARTBEAT = timedelta(seconds=10)


@workflow.defn
class RecognitionWorkflow:
    @workflow.run
    async def run(self, inp: RecognitionInput) -> RecognitionLists:
        lists = await workflow.execute_activity_method(
            LifecycleActivities.compile_recognition, inp, start_to_close_timeout=ACTIVITY_TIMEOUT, heartbeat_timeout=HEARTBEAT, retry_policy=RETRY
        )
        await workflow.execute_activity_method(
            LifecycleActivities.record_recognition, lists, start_to_close_timeout=ACTIVITY_TIMEOUT, heartbeat_timeout=HEARTBEAT, retry_policy=RETRY
        )
        for key in lists.revoked:
            handle = workflow.get_external_workflow_handle(designation_workflow_id(key))
            try:
                await handle.signal("recognition_revocation", RecognitionSignal(inp.year, lists.announced_on))
            except Exception as e:  # the lifecycle already ended; the list still records it
                workflow.logger.warning("revocation of %s not delivered: %s", key, e)
        return lists
