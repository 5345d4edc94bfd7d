"""DesignationWorkflow: one cluster's whole life (RULES.md program 1) as one durable
workflow, id ``designation-<cluster key>``.

The workflow is a thin shell around ``domain.cnlic.lifecycle.Lifecycle``: validators ask the
domain whether an action is allowed, handlers apply it in memory, then activities plan
the deadlines it armed (on the working-day calendar, never here) and record the events.
The main loop sleeps until the next clock falls due. It continues as new at each validity
cycle, so no run outlives the time-skipping server's 10-year cap.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeKey, SearchAttributePair, TypedSearchAttributes
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.cnlic.lifecycle import LifecycleActivities
    from domain.attachments import check_attach, check_meta
    from domain.errors import DomainError
    from domain.journal import head_of
    from domain.cnlic.lifecycle import Lifecycle, Outcome, new_state
    from domain.cnlic.model import Actor, Role
    from workflows.cnlic.contracts import (
        JOURNAL_HEAD,
        ActionInput,
        ActionResult,
        AttachInput,
        AttachResult,
        ClusterView,
        DeadlineView,
        DesignationInput,
        HonourInput,
        JointDocumentSignal,
        MeetingDecisionSignal,
        PlanDeadlinesInput,
        ProgramNotice,
        RecognitionSignal,
        RecomputeInput,
        RecomputeResult,
        RecordInput,
        RecordResult,
        journal_head_value,
    )
    from workflows.common import rejection, start_of, today

CLUSTER_STAGE = SearchAttributeKey.for_keyword("ClusterStage")
TITLE_STATUS = SearchAttributeKey.for_keyword("TitleStatus")
TIER = SearchAttributeKey.for_keyword("Tier")
INDUSTRY = SearchAttributeKey.for_keyword("Industry")
PROVINCE = SearchAttributeKey.for_keyword("Province")
PROCEDURE = SearchAttributeKey.for_keyword("Procedure")
CLUSTER_KEY = SearchAttributeKey.for_keyword("ClusterKey")
NEXT_DEADLINE = SearchAttributeKey.for_datetime("NextDeadline")
VALID_UNTIL = SearchAttributeKey.for_datetime("ValidUntil")
OVERDUE = SearchAttributeKey.for_bool("Overdue")
SEARCH_ATTRIBUTES = (CLUSTER_STAGE, TITLE_STATUS, TIER, INDUSTRY, PROVINCE, PROCEDURE, CLUSTER_KEY, NEXT_DEADLINE,
                     VALID_UNTIL, OVERDUE, JOURNAL_HEAD)

ACTIVITY_TIMEOUT = timedelta(seconds=60)
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
# activities are short; a worker that dies mid-activity is noticed in seconds, not minutes
HEARTBEAT = timedelta(seconds=10)
# wake at least this often, so a run can continue as new even when no clock is armed
MAX_SLEEP = timedelta(days=365)
MAX_RUN_AGE = timedelta(days=5 * 365)  # a validity cycle plus its re-evaluation; well under 10 years
# workflow.patched ids: one per behaviour change once recorded histories exist
BOUNDED_STATE = "bounded-state-v1"  # continue-as-new carries a compacted state (issue 9)
# issue 11: 附件五 complete, 同比 against the previous calendar year's report, per-year figures
ANNUAL_REPORT_V2 = "annual-report-v2"
# issue 11, RULES.md "Program 1 — clarifications": approved → joint document → designated, the
# score's pass mark gating the title, one formal opinion per named association, and a failed
# rectification review returning to rectification while the year runs
CLARIFIED_RULES = "program1-clarified-v1"
# issue 15: fewer history events and server round trips per action and clock — deadline planning
# and journaling as local activities (a marker instead of a task round trip; the journal's marker
# carries the events for the audit), search attributes upserted only when a value changed, and the
# sleep timer kept when an action leaves the next wake-up where it was
LEAN_HISTORY = "lean-history-v1"
# issue 15, row 5: the journal head is also a search attribute (JOURNAL_HEAD), upserted with the
# others after each journaling
HEAD_ATTRIBUTE = "journal-head-attribute-v1"
# a local activity is retried by the worker within this, then the workflow task fails and is retried
LOCAL_TIMEOUT = timedelta(seconds=30)


def initial_search_attributes(inp: DesignationInput) -> TypedSearchAttributes:
    p = inp.profile
    stage = inp.start.stage if inp.start else "cultivation"
    return TypedSearchAttributes([
        SearchAttributePair(CLUSTER_KEY, p.key),
        SearchAttributePair(CLUSTER_STAGE, stage),
        SearchAttributePair(TIER, p.tier),
        SearchAttributePair(INDUSTRY, p.industry),
        SearchAttributePair(PROVINCE, p.region.province),
    ])


@workflow.defn
class DesignationWorkflow:
    @workflow.init
    def __init__(self, inp: DesignationInput) -> None:
        self._inp = inp
        state = inp.state or new_state(inp.profile, inp.policy_version)
        # decided once per run, before anything else: a recorded run keeps the rules it ran
        # under, a new run (or the next validity cycle) takes the clarified ones
        state.clarified = workflow.patched(CLARIFIED_RULES)
        self._lean = workflow.patched(LEAN_HISTORY)
        self._head_attribute = self._lean and workflow.patched(HEAD_ATTRIBUTE)
        self._timer: asyncio.Task | None = None  # the kept sleep timer (lean runs)
        self._timer_until: datetime | None = None
        self._lc = Lifecycle(state)
        self._lock = asyncio.Lock()
        self._ready = False
        self._woken = False
        self._new_cycle = False
        self._start_error: DomainError | None = None
        self._pending: Outcome | None = None
        if inp.state is None:
            # register in memory at once, so an update arriving with the start validates
            # against the registered lifecycle; run() commits it before any handler does
            try:
                self._pending = self._lc.start(inp.start, inp.actor or Actor(Role.SECRETARIAT.value, ""), today())
            except DomainError as e:
                self._start_error = e

    # ------------------------------------------------------------------ main loop

    @workflow.run
    async def run(self, inp: DesignationInput) -> ClusterView:
        if self._start_error is not None:
            raise rejection(self._start_error)
        async with self._lock:
            if self._pending is not None:
                pending, self._pending = self._pending, None
                await self._commit(pending, today())
            else:
                self._upsert_search_attributes()
        self._ready = True
        while not self._lc.terminal:
            if self._should_continue_as_new():
                await workflow.wait_condition(workflow.all_handlers_finished)
                if not self._lc.terminal:
                    # issue 9: carry what the next run decides with, not the events (the
                    # journal holds them), so the input stays small whatever the age
                    state = self._lc.compact() if workflow.patched(BOUNDED_STATE) else self._lc.state
                    workflow.continue_as_new(
                        DesignationInput(
                            profile=state.profile,
                            policy_version=state.policy_version,
                            program_id=inp.program_id,
                            state=state,
                        )
                    )
            # every wake-up falls at 00:00 Beijing time, like the clocks themselves, so a
            # timer never fires in the same instant as a staff action (office hours)
            wake = self._lc.next_wakeup()
            now = workflow.now()
            housekeeping = today() + MAX_SLEEP
            until = start_of(min(wake, housekeeping) if wake is not None else housekeeping)
            if until > now and self._lean:
                if not await self._sleep_until(until, now):
                    continue  # an action moved the clocks: recompute
            elif until > now:
                self._woken = False
                try:
                    await workflow.wait_condition(lambda: self._woken, timeout=until - now)
                    continue  # an action changed the clocks: recompute
                except asyncio.TimeoutError:
                    pass
            async with self._lock:
                d = today()
                await self._commit(self._lc.fire_clocks(d), d)
        if self._timer is not None:
            self._timer.cancel()  # the lifecycle ended while a clock was still set
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.view()

    async def _sleep_until(self, until: datetime, now: datetime) -> bool:
        """Sleep on one timer until ``until``; True when it fired, False when an action woke the
        loop first. The timer is kept across wake-ups that leave ``until`` where it was, so an
        action costs no cancelled and restarted timer (two history events) unless it moved a clock."""
        if self._timer is not None and self._timer_until != until:
            self._timer.cancel()
            self._timer = None
        if self._timer is None:
            self._timer = asyncio.ensure_future(asyncio.sleep((until - now).total_seconds()))
            self._timer_until = until
        timer = self._timer
        self._woken = False
        await workflow.wait_condition(lambda: self._woken or timer.done())
        if not timer.done():
            return False
        self._timer = None
        return True

    def _should_continue_as_new(self) -> bool:
        info = workflow.info()
        if self._new_cycle:
            return True
        if info.is_continue_as_new_suggested():
            return True
        return workflow.now() - info.start_time > MAX_RUN_AGE

    async def _commit(self, out: Outcome, day: date) -> None:
        """Plan what the change armed, fire what is already due, record it all, signal."""
        st = self._lc.state
        wid = workflow.info().workflow_id
        while out.arm:
            requests, out.arm = out.arm, []
            result = await self._plan(PlanDeadlinesInput(wid, st.key, st.policy_version, requests))
            for plan in result.plans:
                out.extend(self._lc.arm(plan, day))
            wake = self._lc.next_wakeup()
            if wake is not None and wake <= day:
                out.extend(self._lc.fire_clocks(day))  # e.g. an imported title's past-due clock
        if out.events:
            prev_head = self._journal_head(out)
            head = head_of(st.key, out.events, prev_head)
            st.journal_head, st.journal_head_seq = head, out.events[-1].seq
            record = RecordInput(
                workflow_id=wid,
                run_id=workflow.info().run_id,
                profile=st.profile,
                snapshot=self._lc.snapshot(),
                events=out.events,
                deadlines=self._lc.open_deadlines(),
                prev_head=prev_head,
                head=head,
            )
            if self._lean:  # journaled within this workflow task: no server round trip
                await workflow.execute_local_activity_method(
                    LifecycleActivities.journal_events, record, start_to_close_timeout=LOCAL_TIMEOUT, retry_policy=RETRY,
                )
                if self._head_attribute:  # the new head in the same workflow task as its marker
                    self._upsert_search_attributes()
            else:
                await workflow.execute_activity_method(
                    LifecycleActivities.record, record, start_to_close_timeout=ACTIVITY_TIMEOUT,
                    heartbeat_timeout=HEARTBEAT, retry_policy=RETRY,
                )
        for effect in out.effects:
            if effect in ("enqueue_meeting", "dequeue_meeting"):
                await workflow.execute_activity_method(
                    LifecycleActivities.notify_program,
                    ProgramNotice(
                        program_id=self._inp.program_id,
                        kind=effect.split("_")[0],
                        cluster_key=st.key,
                        workflow_id=wid,
                        on=day,
                        procedure=st.procedure.value,
                        title=st.title or "",
                        score_total=(st.score or {}).get("total") if st.clarified else None,
                    ),
                    start_to_close_timeout=ACTIVITY_TIMEOUT,
                    heartbeat_timeout=HEARTBEAT,
                    retry_policy=RETRY,
                )
            elif effect == "new_cycle":
                self._new_cycle = True
        self._upsert_search_attributes()
        self._woken = True

    async def _plan(self, inp: PlanDeadlinesInput):
        """Deadlines on the working-day calendar, computed in an activity (never here): a local
        one in lean runs (its result is a marker in history, so a replay never recomputes it)."""
        if self._lean:
            return await workflow.execute_local_activity_method(
                LifecycleActivities.plan_deadlines, inp, start_to_close_timeout=LOCAL_TIMEOUT, retry_policy=RETRY,
            )
        return await workflow.execute_activity_method(
            LifecycleActivities.plan_deadlines, inp, start_to_close_timeout=ACTIVITY_TIMEOUT,
            heartbeat_timeout=HEARTBEAT, retry_policy=RETRY,
        )

    def _journal_head(self, out: Outcome) -> str:
        """The chain head before ``out``'s events (from the state's own timeline when a
        lifecycle predates the chain)."""
        st = self._lc.state
        first = out.events[0].seq
        if st.journal_head_seq == first - 1:
            return st.journal_head
        return head_of(st.key, [e for e in st.events if e.seq < first])

    def _upsert_search_attributes(self) -> None:
        snap = self._lc.snapshot()
        st = self._lc.state
        updates = [
            CLUSTER_KEY.value_set(st.key),
            CLUSTER_STAGE.value_set(snap["stage"]),
            TITLE_STATUS.value_set(snap["title_status"]),
            PROCEDURE.value_set(snap["procedure"]),
            TIER.value_set(st.profile.tier),
            INDUSTRY.value_set(st.profile.industry),
            PROVINCE.value_set(st.profile.region.province),
            OVERDUE.value_set(bool(snap["overdue"])),
        ]
        if self._head_attribute and st.journal_head_seq:
            updates.append(JOURNAL_HEAD.value_set(journal_head_value(st.journal_head_seq, st.journal_head)))
        current = workflow.info().typed_search_attributes
        for key, value in ((NEXT_DEADLINE, snap["next_deadline"]), (VALID_UNTIL, snap["valid_until"])):
            if value:
                updates.append(key.value_set(start_of(date.fromisoformat(value))))
            elif current.get(key) is not None:
                updates.append(key.value_unset())  # only what is set: unsetting nothing confuses some servers
        if self._lean:  # only what changed: an unchanged upsert is a history event for nothing
            updates = [u for u in updates if u.value != current.get(u.key)]
            if not updates:
                return
        workflow.upsert_search_attributes(updates)

    # ------------------------------------------------------------------ staff actions

    def _validate(self, action: str, inp: ActionInput) -> None:
        try:
            self._lc.check(action, inp.data, inp.actor, today())
        except DomainError as e:
            raise rejection(e) from None

    async def _act(self, action: str, inp: ActionInput) -> ActionResult:
        await workflow.wait_condition(lambda: self._ready)
        async with self._lock:
            day = today()
            if action == "submit_annual_report":  # a report recorded before the patch keeps its old rules
                self._lc.annual_report_v2 = workflow.patched(ANNUAL_REPORT_V2)
            try:
                out = self._lc.apply(action, inp.data, inp.actor, day)
            except DomainError as e:  # the state moved since validation; nothing was applied
                raise rejection(e) from None
            finally:
                self._lc.annual_report_v2 = True  # validators always judge by the current rules
            await self._commit(out, day)
            st = self._lc.state
            return ActionResult(action, st.stage.value, st.procedure.value, st.title_status.value, st.valid_until,
                                out.events)

    @workflow.update
    async def file_application(self, inp: ActionInput) -> ActionResult:
        return await self._act("file_application", inp)

    @file_application.validator
    def _v_file_application(self, inp: ActionInput) -> None:
        self._validate("file_application", inp)

    @workflow.update
    async def record_opinion(self, inp: ActionInput) -> ActionResult:
        return await self._act("record_opinion", inp)

    @record_opinion.validator
    def _v_record_opinion(self, inp: ActionInput) -> None:
        self._validate("record_opinion", inp)

    @workflow.update
    async def accept_application(self, inp: ActionInput) -> ActionResult:
        return await self._act("accept_application", inp)

    @accept_application.validator
    def _v_accept_application(self, inp: ActionInput) -> None:
        self._validate("accept_application", inp)

    @workflow.update
    async def approve_site_visit(self, inp: ActionInput) -> ActionResult:
        return await self._act("approve_site_visit", inp)

    @approve_site_visit.validator
    def _v_approve_site_visit(self, inp: ActionInput) -> None:
        self._validate("approve_site_visit", inp)

    @workflow.update
    async def record_site_report(self, inp: ActionInput) -> ActionResult:
        return await self._act("record_site_report", inp)

    @record_site_report.validator
    def _v_record_site_report(self, inp: ActionInput) -> None:
        self._validate("record_site_report", inp)

    @workflow.update
    async def record_formal_opinion(self, inp: ActionInput) -> ActionResult:
        return await self._act("record_formal_opinion", inp)

    @record_formal_opinion.validator
    def _v_record_formal_opinion(self, inp: ActionInput) -> None:
        self._validate("record_formal_opinion", inp)

    @workflow.update
    async def request_supplement(self, inp: ActionInput) -> ActionResult:
        return await self._act("request_supplement", inp)

    @request_supplement.validator
    def _v_request_supplement(self, inp: ActionInput) -> None:
        self._validate("request_supplement", inp)

    @workflow.update
    async def submit_supplement(self, inp: ActionInput) -> ActionResult:
        return await self._act("submit_supplement", inp)

    @submit_supplement.validator
    def _v_submit_supplement(self, inp: ActionInput) -> None:
        self._validate("submit_supplement", inp)

    @workflow.update
    async def complete_formal_review(self, inp: ActionInput) -> ActionResult:
        return await self._act("complete_formal_review", inp)

    @complete_formal_review.validator
    def _v_complete_formal_review(self, inp: ActionInput) -> None:
        self._validate("complete_formal_review", inp)

    @workflow.update
    async def record_joint_document(self, inp: ActionInput) -> ActionResult:
        return await self._act("record_joint_document", inp)

    @record_joint_document.validator
    def _v_record_joint_document(self, inp: ActionInput) -> None:
        self._validate("record_joint_document", inp)

    @workflow.update
    async def submit_annual_report(self, inp: ActionInput) -> ActionResult:
        return await self._act("submit_annual_report", inp)

    @submit_annual_report.validator
    def _v_submit_annual_report(self, inp: ActionInput) -> None:
        self._validate("submit_annual_report", inp)

    @workflow.update
    async def file_reevaluation(self, inp: ActionInput) -> ActionResult:
        return await self._act("file_reevaluation", inp)

    @file_reevaluation.validator
    def _v_file_reevaluation(self, inp: ActionInput) -> None:
        self._validate("file_reevaluation", inp)

    @workflow.update
    async def file_rectification_review(self, inp: ActionInput) -> ActionResult:
        return await self._act("file_rectification_review", inp)

    @file_rectification_review.validator
    def _v_file_rectification_review(self, inp: ActionInput) -> None:
        self._validate("file_rectification_review", inp)

    @workflow.update
    async def file_title_change(self, inp: ActionInput) -> ActionResult:
        return await self._act("file_title_change", inp)

    @file_title_change.validator
    def _v_file_title_change(self, inp: ActionInput) -> None:
        self._validate("file_title_change", inp)

    @workflow.update
    async def revoke(self, inp: ActionInput) -> ActionResult:
        return await self._act("revoke", inp)

    @revoke.validator
    def _v_revoke(self, inp: ActionInput) -> None:
        self._validate("revoke", inp)

    @workflow.update
    async def withdraw(self, inp: ActionInput) -> ActionResult:
        return await self._act("withdraw", inp)

    @withdraw.validator
    def _v_withdraw(self, inp: ActionInput) -> None:
        self._validate("withdraw", inp)

    @workflow.update
    async def recompute_deadlines(self, inp: RecomputeInput) -> RecomputeResult:
        """Re-plan the open deadlines on the current calendar (after staff imported a year's
        official schedule) and record every move with old and new dates and versions."""
        await workflow.wait_condition(lambda: self._ready)
        async with self._lock:
            day = today()
            requests = self._lc.recompute_requests(day)
            out = Outcome()
            if requests:
                st = self._lc.state
                result = await self._plan(PlanDeadlinesInput(workflow.info().workflow_id, st.key, st.policy_version,
                                                             requests, fresh_calendar=True))
                out = self._lc.apply_recomputed(result.plans, inp.reason, inp.actor, day)
                await self._commit(out, day)
            return RecomputeResult(out.events)

    @recompute_deadlines.validator
    def _v_recompute_deadlines(self, inp: RecomputeInput) -> None:
        if inp.actor.role not in (Role.SECRETARIAT, Role.SYSTEM):
            raise ApplicationError(
                "重新计算时限由综合业务部（秘书处）在导入节假日安排后发起", {"code": "role_not_allowed"},
                type="role_not_allowed", non_retryable=True,
            )
        if self._lc.terminal:
            raise ApplicationError("该集群的共建已结束，没有待重新计算的时限", {"code": "lifecycle_ended"},
                                   type="lifecycle_ended", non_retryable=True)

    @workflow.update
    async def attach(self, inp: AttachInput) -> AttachResult:
        """An attachment's facts into the journal and the hash chain (issue 10 item 4); a new
        handler, so every recorded history replays as before."""
        await workflow.wait_condition(lambda: self._ready)
        async with self._lock:
            day = today()
            try:
                out = self._lc.attach(inp.attachment, inp.actor, day)
            except DomainError as e:  # the state moved since validation; nothing was applied
                raise rejection(e) from None
            await self._commit(out, day)
            return AttachResult(out.events[-1].seq, out.events[-1])

    @attach.validator
    def _v_attach(self, inp: AttachInput) -> None:
        try:
            check_meta(inp.attachment)
            check_attach(inp.attachment.purpose, inp.actor, self._lc.attach_facts())
        except DomainError as e:
            raise rejection(e) from None

    @workflow.update
    async def record_violation(self, inp: ActionInput) -> RecordResult:
        """The secretariat records a violation (date, source, reason) on the cluster's journal
        (RULES.md program 2 "Conditions" (1)); a new handler, so recorded histories replay."""
        await workflow.wait_condition(lambda: self._ready)
        async with self._lock:
            day = today()
            try:
                out = self._lc.record_violation(inp.data, inp.actor, day)
            except DomainError as e:
                raise rejection(e) from None
            await self._commit(out, day)
            return RecordResult(out.events)

    @record_violation.validator
    def _v_record_violation(self, inp: ActionInput) -> None:
        try:
            self._lc.check_violation(inp.data, inp.actor, today())
        except DomainError as e:
            raise rejection(e) from None

    @workflow.update
    async def honour(self, inp: HonourInput) -> RecordResult:
        """A program-2 round commended this cluster (seeds/000 四、表彰): the honour joins the
        journal once per round (a retried delivery records nothing); a new handler."""
        await workflow.wait_condition(lambda: self._ready)
        async with self._lock:
            day = today()
            try:
                out = self._lc.honour(inp.data, inp.actor, day)
            except DomainError as e:
                raise rejection(e) from None
            if out.events:
                await self._commit(out, day)
            return RecordResult(out.events)

    @honour.validator
    def _v_honour(self, inp: HonourInput) -> None:
        try:
            self._lc.check_honour(inp.data, inp.actor, today())
        except DomainError as e:
            raise rejection(e) from None

    # ------------------------------------------------------------------ program signals

    @workflow.signal
    async def meeting_decision(self, sig: MeetingDecisionSignal) -> None:
        """A president's office meeting decided (sent once per meeting by the program)."""
        await workflow.wait_condition(lambda: self._ready)
        async with self._lock:
            day = today()
            try:
                out = self._lc.apply_meeting_decision(sig.meeting_id, sig.held_on, sig.decision, sig.actor, day)
            except DomainError as e:
                workflow.logger.warning("meeting decision %s not applied: %s", sig.meeting_id, e)
                return
            await self._commit(out, day)

    @workflow.signal
    async def joint_document(self, sig: JointDocumentSignal) -> None:
        """The joint document of a meeting's approvals (§三(四)), sent once per meeting by the
        program; a lifecycle no longer waiting for it (withdrawn, already documented) ignores it."""
        await workflow.wait_condition(lambda: self._ready)
        async with self._lock:
            day = today()
            data = {"meeting_id": sig.meeting_id, "number": sig.number, "issued_on": sig.issued_on,
                    "bodies": list(sig.bodies)}
            try:
                out = self._lc.apply_joint_document(data, sig.actor, day)
            except DomainError as e:
                workflow.logger.warning("joint document %s not applied: %s", sig.number, e)
                return
            await self._commit(out, day)

    @workflow.signal
    async def recognition_revocation(self, sig: RecognitionSignal) -> None:
        """The annual recognition found this title more than 2 years past expiry."""
        await workflow.wait_condition(lambda: self._ready)
        async with self._lock:
            day = today()
            await self._commit(self._lc.revoke_at_recognition(sig.year, day), day)

    # ------------------------------------------------------------------ queries

    @workflow.query
    def view(self) -> ClusterView:
        st = self._lc.state
        day = today()
        snap = self._lc.snapshot()
        return ClusterView(
            key=st.key,
            today=day,
            stage=snap["stage"],
            procedure=snap["procedure"],
            title_status=snap["title_status"],
            title=snap["title"],
            valid_until=st.valid_until,
            conferred_on=st.conferred_on,
            expired_on=st.expired_on,
            policy_version=st.policy_version,
            cycle=st.cycle,
            seq=st.seq,
            deadlines=[
                DeadlineView(
                    key=d.key, what=d.what, due=d.due, overdue=d.overdue_since is not None,
                    overdue_since=d.overdue_since, days_left=(d.due - day).days,
                    working_days_left=d.working_days_left(day), reminders=list(d.reminders),
                    calendar_version=d.calendar_version, provisional=d.provisional, basis=d.basis,
                )
                for d in self._lc.open_deadlines()
            ],
            allowed=self._lc.allowed_by_role(),
            supplement_items=list(st.supplement_items),
            outstanding_opinions=snap["outstanding_opinions"],
            profile=st.profile,
            journal_head=st.journal_head,
            journal_head_seq=st.journal_head_seq,
            panel=[m["name"] for m in st.panel],
            panel_leads=[m["name"] for m in st.panel if m.get("lead")],
            busy=self._lock.locked(),
        )

    @workflow.query
    def allowed_actions(self, role: str) -> list[str]:
        return self._lc.allowed_actions(role)

    @workflow.query
    def annex_facts(self) -> dict:
        """What the 附件三 template and the 附件四 form prefill from (issue 11): this cluster's
        last evaluation's figures and year, its procedure, the kept figures of the current
        filing's tables and the annual reports on file. A query only: replay is unchanged."""
        st = self._lc.state
        return {
            "procedure": st.procedure.value,
            "stage": st.stage.value,
            "evaluation_indicators": dict(st.evaluation_indicators),
            "conferred_on": st.conferred_on.isoformat() if st.conferred_on else None,
            "annex3": dict((st.application or {}).get("annex3") or {}),
            "annual_reports": {k: dict(v) for k, v in st.annual_reports.items()},
            "panel": [dict(m) for m in st.panel],
            "visit_on": st.visit_on.isoformat() if st.visit_on else None,
        }
