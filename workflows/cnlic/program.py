"""ProgramWorkflow: the program's own calendar (RULES.md §三(三) and §四(四)).

One long-lived workflow per program, id ``program-cnlic``. It keeps the queue of clusters
waiting for the president's office meeting, takes ``hold_meeting`` as a validated update and
delivers each decision to its cluster exactly once (a signal per cluster, recorded in this
history, deduplicated by meeting id on the cluster side). Every year on the recognition
date it runs that year's RecognitionWorkflow as a child, then continues as new.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.cnlic.lifecycle import LifecycleActivities
    from domain.calendar import SHANGHAI
    from domain.cnlic.machine import MEETING_TRIGGERS
    from domain.cnlic.model import Role
    from domain.errors import DomainError
    from domain.cnlic.lifecycle_conferral import check_joint_document
    from domain.cnlic.policy import get_policy
    from workflows.cnlic.contracts import (
        HoldMeetingInput,
        JointDocument,
        JointDocumentInput,
        JointDocumentSignal,
        MeetingDecisionSignal,
        MeetingResult,
        ProgramInput,
        RecognitionDateInput,
        RecognitionInput,
        RecognitionLists,
        RecordMeetingInput,
        WaitingCluster,
        designation_workflow_id,
        recognition_workflow_id,
    )
    from workflows.cnlic.recognition import RecognitionWorkflow
    from workflows.common import today

ACTIVITY_TIMEOUT = timedelta(seconds=60)
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
# activities are short; a worker that dies mid-activity is noticed in seconds, not minutes
HEARTBEAT = timedelta(seconds=10)
RECENT_MEETINGS = 20
ANNOUNCE_AT_HOUR = 9  # the list is announced in office hours, after that day's clocks


def reject(code: str, message: str) -> ApplicationError:
    return ApplicationError(message, {"code": code, "message": message}, type=code, non_retryable=True)


def score_refusal(policy_version: str, total: float | None) -> dict[str, str] | None:
    """附件一 备注2 as the meeting sees it (the total the cluster sent when it joined the queue;
    None from a cluster queued before issue 11, whose own workflow then decides)."""
    if total is None:
        return None
    pass_mark = get_policy(policy_version).pass_mark
    if total >= pass_mark:
        return None
    return {"code": "score_below_pass",
            "message": f"考评打分表总得分 {total:g} 分，低于 {pass_mark:g} 分（附件一 备注2），不能批准授名"}


def approved_clusters(meeting: MeetingResult) -> list[str]:
    return sorted(k for k, d in meeting.decisions.items() if d == "approve" and k not in meeting.refused)


@workflow.defn
class ProgramWorkflow:
    @workflow.init
    def __init__(self, inp: ProgramInput) -> None:
        self._state = inp
        self._lock = asyncio.Lock()

    @workflow.run
    async def run(self, inp: ProgramInput) -> None:
        st = self._state
        announce_on = await workflow.execute_activity_method(
            LifecycleActivities.recognition_date,
            RecognitionDateInput(st.policy_version, today()),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            heartbeat_timeout=HEARTBEAT,
            retry_policy=RETRY,
        )
        if st.next_recognition_year is not None:
            announce_on = max(announce_on, date(st.next_recognition_year + 1, announce_on.month, announce_on.day))
        year = announce_on.year - 1
        at = datetime(announce_on.year, announce_on.month, announce_on.day, ANNOUNCE_AT_HOUR, tzinfo=SHANGHAI)
        try:
            await workflow.wait_condition(
                lambda: workflow.info().is_continue_as_new_suggested(),
                timeout=max(at - workflow.now(), timedelta(0)) or timedelta(seconds=1),
            )
        except asyncio.TimeoutError:
            await workflow.execute_child_workflow(
                RecognitionWorkflow.run,
                RecognitionInput(st.program_id, st.policy_version, year),
                id=recognition_workflow_id(year, st.program_id.removeprefix("program-")),
                task_queue=workflow.info().task_queue,
            )
            st.next_recognition_year = year + 1
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(self._state)

    # ------------------------------------------------------------------ the meeting queue

    @workflow.signal
    def enqueue(self, waiting: WaitingCluster) -> None:
        self._state.waiting[waiting.cluster_key] = waiting

    @workflow.signal
    def dequeue(self, cluster_key: str) -> None:
        self._state.waiting.pop(cluster_key, None)

    @workflow.update
    async def hold_meeting(self, inp: HoldMeetingInput) -> MeetingResult:
        async with self._lock:
            self._check_meeting(inp)  # the queue may have moved while waiting for the lock
            st = self._state
            held_on = inp.held_on or today()
            st.meeting_seq += 1
            meeting_id = f"{held_on.isoformat()}-{st.meeting_seq}"
            decisions = {key: inp.decisions.get(key, "defer") for key in sorted(st.waiting)}
            # 附件一 备注2: an approval of a sheet under the pass mark is refused for that cluster
            # alone (it stays waiting); the meeting's other decisions stand
            refused = {key: score_refusal(st.policy_version, st.waiting[key].score_total)
                       for key, decision in decisions.items() if decision == "approve"}
            refused = {key: r for key, r in refused.items() if r is not None}
            result = MeetingResult(meeting_id, held_on, decisions, inp.actor, refused=refused)
            await workflow.execute_activity_method(
                LifecycleActivities.record_meeting,
                RecordMeetingInput(result),
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                heartbeat_timeout=HEARTBEAT,
                retry_policy=RETRY,
            )
            for key, decision in decisions.items():
                waiting = st.waiting.get(key)
                if waiting is None:  # left the queue (withdrawn, revoked) while the meeting was recorded
                    continue
                handle = workflow.get_external_workflow_handle(waiting.workflow_id)
                try:
                    await handle.signal(
                        "meeting_decision", MeetingDecisionSignal(meeting_id, held_on, decision, inp.actor)
                    )
                except Exception as e:  # the cluster's workflow is gone; nothing to deliver to
                    workflow.logger.warning("decision for %s not delivered: %s", key, e)
                if decision != "defer" and key not in refused:  # a refused approval: it journals why, stays
                    st.waiting.pop(key, None)
            st.meetings = (st.meetings + [result])[-RECENT_MEETINGS:]
            return result

    @hold_meeting.validator
    def _validate_hold_meeting(self, inp: HoldMeetingInput) -> None:
        self._check_meeting(inp)

    def _check_meeting(self, inp: HoldMeetingInput) -> None:
        if inp.actor.role != Role.SECRETARIAT:
            raise reject("role_not_allowed", f"会长办公会决定由综合业务部（秘书处）录入，{inp.actor.role} 无此权限")
        st = self._state
        day = today()
        held_on = inp.held_on or day
        if held_on > day:
            raise reject("meeting_date_invalid", f"会议日期 {held_on} 晚于今天 {day}，请在会后录入")
        for key, decision in inp.decisions.items():
            if decision not in MEETING_TRIGGERS:
                raise reject("meeting_decision_unknown", f"{key} 的会议决定“{decision}”无效，应为 approve、refuse 或 defer")
            if key not in st.waiting:
                raise reject("meeting_cluster_not_waiting", f"{key} 不在待会长办公会审核的名单中")
            if held_on < st.waiting[key].since:
                raise reject(
                    "meeting_date_invalid", f"会议日期 {held_on} 早于 {key} 完成形式审查的日期 {st.waiting[key].since}"
                )
        if not st.waiting:
            raise reject("meeting_nothing_waiting", "目前没有待会长办公会审核的集群")

    # ------------------------------------------------------------------ §三(四) the joint document

    @workflow.update
    async def record_joint_document(self, inp: JointDocumentInput) -> MeetingResult:
        """One joint document for all of a meeting's approvals, sent to each approved
        lifecycle (which confers its title from the document's date)."""
        async with self._lock:
            meeting = self._check_document(inp)
            approved = approved_clusters(meeting)
            doc = check_joint_document({"number": inp.number, "issued_on": inp.issued_on, "bodies": inp.bodies},
                                       meeting.held_on, today())
            meeting.document = JointDocument(doc["number"], doc["issued_on"], doc["bodies"], inp.actor, approved)
            for key in approved:
                handle = workflow.get_external_workflow_handle(designation_workflow_id(key))
                try:
                    await handle.signal("joint_document", JointDocumentSignal(
                        meeting.meeting_id, doc["number"], doc["issued_on"], doc["bodies"], inp.actor))
                except Exception as e:  # the cluster's workflow is gone; nothing to deliver to
                    workflow.logger.warning("joint document for %s not delivered: %s", key, e)
            return meeting

    @record_joint_document.validator
    def _validate_record_joint_document(self, inp: JointDocumentInput) -> None:
        self._check_document(inp)

    def _check_document(self, inp: JointDocumentInput) -> MeetingResult:
        if inp.actor.role != Role.SECRETARIAT:
            raise reject("role_not_allowed", f"联合发文由综合业务部（秘书处）录入，{inp.actor.role} 无此权限")
        meeting = next((m for m in self._state.meetings if m.meeting_id == inp.meeting_id), None)
        if meeting is None:
            raise reject("meeting_unknown", f"没有编号为 {inp.meeting_id} 的会长办公会记录")
        if meeting.document is not None:
            raise reject("document_duplicate",
                         f"会长办公会 {inp.meeting_id} 的联合发文已录入（{meeting.document.number}）")
        if not approved_clusters(meeting):
            raise reject("document_nothing_approved", f"会长办公会 {inp.meeting_id} 没有批准授名的集群")
        try:
            check_joint_document({"number": inp.number, "issued_on": inp.issued_on, "bodies": inp.bodies},
                                 meeting.held_on, today())
        except DomainError as e:
            raise reject(e.code, e.message) from None
        return meeting

    # ------------------------------------------------------------------ queries

    @workflow.query
    def waiting(self) -> list[WaitingCluster]:
        return sorted(self._state.waiting.values(), key=lambda w: (w.since, w.cluster_key))

    @workflow.query
    def recent_meetings(self) -> list[MeetingResult]:
        return list(self._state.meetings)


__all__ = ["ProgramWorkflow", "RecognitionLists"]
