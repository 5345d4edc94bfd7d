"""The lifecycle's decisions from outside a staff action (RULES.md program 1): the president's
office meeting (§三(三)/(四)), the clocks falling due with the outcomes the rules prescribe
(expiry, lapsed rectification), the annual recognition's revocation (§四(四)), carrying the
state across continue-as-new, and calendar revisions. A mixin of ``domain.cnlic.lifecycle.Lifecycle``:
it uses the aggregate's event helpers and state.
"""

from __future__ import annotations

from datetime import date, timedelta

from domain.calendar import add_years
from domain.cnlic.deadlines import DeadlinePlan, DeadlineRequest
from domain.errors import DomainError
from domain.cnlic.lifecycle_state import PROCEDURE_CLOCKS, Deadline, LifecycleState, Outcome
from domain.cnlic.machine import MEETING_TRIGGERS
from domain.cnlic.model import (
    PROCEDURE_STAGES,
    SYSTEM_ACTOR,
    Actor,
    DeadlineKind,
    Procedure,
    Stage,
    TitleStatus,
)


class LifecycleDecisions:
    # ------------------------------------------------------------ the president's office meeting

    def check_meeting_decision(self, meeting_id: str, decision: str) -> str:
        trigger = MEETING_TRIGGERS.get(decision)
        if trigger is None:
            raise DomainError("meeting_decision_unknown", f"会议决定“{decision}”无效，应为 approve、refuse 或 defer")
        if self.state.stage != Stage.AWAITING_MEETING:
            raise DomainError("meeting_cluster_not_waiting", f"{self.state.key} 当前为“{self.state.stage.label}”，不在待会长办公会审核之列")
        return trigger

    def apply_meeting_decision(self, meeting_id: str, held_on: date, decision: str, actor: Actor, today: date) -> Outcome:
        out = Outcome()
        dedup = f"meeting:{meeting_id}"
        if dedup in self.state.handled:
            return out
        trigger = self.check_meeting_decision(meeting_id, decision)
        self.state.handled.append(dedup)
        st = self.state
        refusal = self.score_refusal() if decision == "approve" else None
        if refusal is not None:
            # 附件一 备注2: the approval is refused for this cluster alone; it stays waiting
            # (back on the queue) while the meeting's other decisions stand
            self._event(out, today, "decision_refused", {"meeting_id": meeting_id, "held_on": held_on.isoformat(),
                                                         "decision": decision, "code": refusal.code,
                                                         "message": refusal.message}, actor)
            out.effects.append("enqueue_meeting")
            return out
        self._event(
            out, today, "decision", {"meeting_id": meeting_id, "held_on": held_on.isoformat(), "decision": decision,
                                     "procedure": st.procedure.value}, actor
        )
        if decision == "defer":
            self._clear(out, today, "meeting", "deferred to next meeting", actor)
            out.arm.append(DeadlineRequest("meeting", "meeting", held_on, {"skip_current_quarter": True}))
            return out
        self._clear(out, today, "meeting", f"meeting decided: {decision}", actor)
        procedure = st.procedure
        if decision == "approve":
            self._approve(out, meeting_id, held_on, trigger, actor, today)
        elif procedure == Procedure.DESIGNATION:
            self._move(out, today, trigger, actor)
        elif procedure == Procedure.REEVALUATION:
            self._clear_kind(out, today, (DeadlineKind.EXPIRY, DeadlineKind.REEVALUATION_APPLICATION), "re-evaluation failed")
            self._move(out, today, trigger, actor)
            self._title(out, today, TitleStatus.RECTIFYING, actor)
            out.arm.append(DeadlineRequest("rectification", "rectification", held_on))
        elif procedure == Procedure.RECTIFICATION_REVIEW:
            self._move(out, today, trigger, actor)
            if st.stage == Stage.RECTIFICATION:  # §四(三): the year still runs; another review may follow
                return out
            if st.clarified:
                self._revocation_reason(out, today, "整改期已结束，整改复查未通过（§四(三) 整改期结束仍不达标）")
            self._title(out, today, TitleStatus.REVOKED, actor)
        else:  # title change refused: the current title stands
            st.pending_profile = None
            self._move(out, today, trigger, actor)
        return out

    # ------------------------------------------------------------ clocks

    def fire_clocks(self, today: date) -> Outcome:
        """Everything due by ``today``: reminders, overdue escalations, and the automatic
        outcomes the rules prescribe (expiry, lapsed rectification)."""
        out = Outcome()
        for d in sorted(list(self.state.deadlines.values()), key=lambda d: (d.due, d.key)):
            if d.key not in self.state.deadlines:
                continue
            for r in d.pending_reminders():
                if r <= today:
                    d.reminded.append(r)
                    self._event(out, today, "reminder", {"what": d.what, "key": d.key, "due": d.due.isoformat(), "reminder_for": r.isoformat()})
            if d.overdue_since is None and today > d.due:
                d.overdue_since = today
                self._event(out, today, "overdue", {"what": d.what, "key": d.key, "due": d.due.isoformat()})
                self._on_overdue(out, d, today)
        return out

    def _on_overdue(self, out: Outcome, d: Deadline, today: date) -> None:
        st = self.state
        kind = DeadlineKind(d.what)
        if kind is DeadlineKind.MEETING:
            self._clear(out, today, d.key, "quarter ended without a meeting")
            out.arm.append(DeadlineRequest("meeting", "meeting", d.due + timedelta(days=1)))
        elif kind is DeadlineKind.ANNUAL_REPORT:
            self._arm_next_annual(out, int(d.params["year"]) + 1)
        elif kind is DeadlineKind.EXPIRY:
            self._clear(out, today, d.key, "validity ended")
            if st.procedure == Procedure.REEVALUATION and st.stage in PROCEDURE_STAGES and st.title_status == TitleStatus.VALID:
                self.machine.fire("extend")
                self._title(out, today, TitleStatus.EXTENDED)
            else:
                waiting = st.stage == Stage.AWAITING_MEETING
                if st.procedure == Procedure.TITLE_CHANGE and st.stage in PROCEDURE_STAGES:
                    st.pending_profile = None
                    self._clear_kind(out, today, PROCEDURE_CLOCKS, "title change abandoned: title expired")
                    if waiting:
                        out.effects.append("dequeue_meeting")
                st.expired_on = d.due + timedelta(days=1)
                self._move(out, today, "expire", SYSTEM_ACTOR)
                self._title(out, today, TitleStatus.EXPIRED)
        elif kind is DeadlineKind.RECTIFICATION:
            # a review filed within the year is still decided: a failure after the year
            # revokes (meeting_refuse), a pass confers
            if st.stage == Stage.RECTIFICATION:
                st.ended_reason = "rectification period ended with no rectification review filed"
                self._move(out, today, "lapse_rectification", SYSTEM_ACTOR)
                if st.clarified:
                    self._revocation_reason(out, today, "一年整改期已结束，没有通过的整改复查（§四(三) 整改期结束仍不达标）")
                self._title(out, today, TitleStatus.REVOKED)

    def _revocation_reason(self, out: Outcome, today: date, reason: str) -> None:
        self.state.ended_reason = reason
        self._event(out, today, "action", {"action": "revoke_rectification", "reason": reason})

    def overdue_revocation_due(self, year: int) -> bool:
        """>2 years past expiry on 31 December of ``year`` with no re-evaluation filed (§四(四))."""
        st = self.state
        if st.stage != Stage.EXPIRED or st.expired_on is None:
            return False
        return date(year, 12, 31) >= add_years(st.expired_on, self.policy.overdue_revocation_years)

    def revoke_at_recognition(self, year: int, today: date) -> Outcome:
        out = Outcome()
        dedup = f"recognition:{year}"
        if dedup in self.state.handled or not self.overdue_revocation_due(year):
            return out
        self.state.handled.append(dedup)
        self._event(out, today, "action", {"action": "revoke_overdue", "year": year,
                                           "reason": f"到期未复评超过{self.policy.overdue_revocation_years}年，{year + 1}年年初认定时公告取消（§四(四)）"})
        self._move(out, today, "revoke_overdue", SYSTEM_ACTOR)
        self._title(out, today, TitleStatus.REVOKED)
        return out

    # ------------------------------------------------------------ carrying the state on

    def compact(self, keep_handled: int = 40) -> LifecycleState:
        """The state a new run needs to decide (continue-as-new): no events (the journal has
        them, the chain head stands for them) and only the latest signal dedup keys (an
        older meeting or recognition can no longer apply: its stage has passed)."""
        st = self.state
        if st.journal_head_seq == st.seq:
            st.events = []
        st.handled = st.handled[-keep_handled:]
        return st

    # ------------------------------------------------------------ calendar revisions

    def recompute_requests(self, today: date) -> list[DeadlineRequest]:
        """The open clocks a calendar revision may move: not yet due (a deadline already
        passed is history and is not rewritten)."""
        return [d.request() for d in self.open_deadlines() if d.overdue_since is None and d.due >= today]

    def apply_recomputed(self, plans: list[DeadlinePlan], reason: str, actor: Actor, today: date) -> Outcome:
        """Record, for each deadline the revised calendar moved, old and new dates and the
        calendar versions that produced them."""
        out = Outcome()
        for plan in plans:
            d = self.state.deadlines.get(plan.key)
            if d is None or d.overdue_since is not None or d.due < today:
                continue
            if plan.due == d.due and plan.reminders == d.reminders:
                continue
            old_due, old_version = d.due, d.calendar_version
            d.due, d.reminders, d.basis = plan.due, list(plan.reminders), plan.basis
            d.calendar_version, d.provisional = plan.calendar_version, plan.provisional
            d.working_dates = list(plan.working_dates)
            self._event(out, today, "deadline_moved", {
                "what": d.what, "key": d.key, "old_due": old_due.isoformat(), "new_due": plan.due.isoformat(),
                "old_calendar_version": old_version, "new_calendar_version": plan.calendar_version,
                "provisional": plan.provisional, "reason": reason,
            }, actor)
        return out
