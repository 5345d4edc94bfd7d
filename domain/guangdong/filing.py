"""One zone's filing in one yearly round (RULES.md "Program 3"): the steps as one
``transitions`` table, the actions people take (each checked against the step and the
actor's role), and the round's clock — reminders 30 and 7 days before the due date while the
filing has not reached the province, and the escalation to the province the day after it.

Pure: the workflow (``workflows.guangdong.filing``) holds a ``FilingState``, asks ``check``
in its validators and ``apply`` in its handlers, and journals the events returned. The form
and the summary travel as the SHA-256 of their documents (saved and judged by the service
before the action): the history stays small whatever a zone writes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from transitions import Machine

from domain.attachments import AttachmentMeta, check_meta
from domain.errors import DomainError
from domain.guangdong.labels import action_label, role_label, step_label
from domain.guangdong.model import AT_PROVINCE, HOLDER, Event, Step
from domain.guangdong.policy import get_policy
from domain.limits import LIMITS
from domain.roles import SYSTEM_ACTOR, Actor

S = Step
ZONE, LOCAL, PREFECTURE, PROVINCE = "zone_office", "local_government", "prefecture_bureau", "province_department"
SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Row:
    trigger: str
    source: Step
    dest: Step | None  # None: the step stays
    role: str
    event: str  # the journal event's kind


TABLE: tuple[Row, ...] = (
    Row("submit", S.FILLING, S.LOCAL_REVIEW, ZONE, "submitted"),
    Row("correct", S.RETURNED, S.LOCAL_REVIEW, ZONE, "corrected"),
    Row("sign_off", S.LOCAL_REVIEW, S.PREFECTURE_REVIEW, LOCAL, "signed_off"),
    Row("sign_off", S.PREFECTURE_REVIEW, S.PROVINCE_REVIEW, PREFECTURE, "signed_off"),
    Row("return_filing", S.LOCAL_REVIEW, S.RETURNED, LOCAL, "returned"),
    Row("return_filing", S.PREFECTURE_REVIEW, S.RETURNED, PREFECTURE, "returned"),
    Row("return_filing", S.PROVINCE_REVIEW, S.RETURNED, PROVINCE, "returned"),
    Row("receive", S.PROVINCE_REVIEW, S.RECEIVED, PROVINCE, "received"),
    Row("attach", S.FILLING, None, ZONE, "attachment"),
    Row("attach", S.RETURNED, None, ZONE, "attachment"),
)
ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(r.trigger for r in TABLE))


class _Model:
    def __init__(self, step: str) -> None:
        self.state = step


def machine_for(step: str) -> tuple[Machine, _Model]:
    """The table as a ``transitions`` machine (``auto_transitions=False``: nothing else moves it)."""
    model = _Model(step)
    m = Machine(model=model, states=[s.value for s in Step], initial=step, auto_transitions=False,
                send_event=False)
    for r in TABLE:
        m.add_transition(r.trigger, r.source.value, (r.dest or r.source).value)
    return m, model


def row_for(action: str, step: str) -> Row | None:
    return next((r for r in TABLE if r.trigger == action and r.source == step), None)


@dataclass
class FilingState:
    """What the workflow carries: small, whatever the zone writes (documents are hashes)."""

    data_year: int
    zone_key: str
    zone_name: str
    city: str
    policy_version: str
    due: date
    reminders: list[date]
    step: str = Step.FILLING.value
    seq: int = 0
    journal_head: str = ""
    form_sha256: str = ""
    summary_sha256: str = ""
    submitted_on: date | None = None
    reached_province_on: date | None = None
    received_on: date | None = None
    late: bool = False
    overdue_since: date | None = None
    reminders_sent: list[date] = field(default_factory=list)
    returns: int = 0
    last_return: dict[str, Any] | None = None
    signed: list[dict[str, Any]] = field(default_factory=list)  # {role, name, on} per sign-off
    attachments: int = 0


def new_state(data_year: int, zone_key: str, zone_name: str, city: str, policy_version: str, due: date,
              reminders: list[date]) -> FilingState:
    return FilingState(data_year, zone_key, zone_name, city, policy_version, due, sorted(reminders))


class Filing:
    def __init__(self, state: FilingState) -> None:
        self.state = state
        self.policy = get_policy(state.policy_version)

    @property
    def done(self) -> bool:
        return self.state.step == Step.RECEIVED

    def _event(self, kind: str, on: date, data: dict[str, Any], actor: Actor = SYSTEM_ACTOR) -> Event:
        self.state.seq += 1
        return Event(self.state.seq, on, kind, data, actor)

    def open(self, on: date, actor: Actor) -> list[Event]:
        st = self.state
        return [self._event("opened", on, {"data_year": st.data_year, "zone": st.zone_key, "due": st.due.isoformat(),
                                           "reminders": [d.isoformat() for d in st.reminders],
                                           "policy_version": st.policy_version}, actor)]

    # ------------------------------------------------------------------ actions

    def allowed(self, role: str) -> list[str]:
        """What this role may do now (``may_<trigger>`` on the machine, then the role)."""
        _, model = machine_for(self.state.step)
        return [a for a in ACTIONS if getattr(model, f"may_{a}")() and (r := row_for(a, self.state.step)) is not None
                and r.role == role]

    def check(self, action: str, data: dict[str, Any], actor: Actor) -> Row:
        """Refuse what the table or the data forbid, with the rule's code (nothing changes)."""
        if action not in ACTIONS:
            raise DomainError("action_unknown", f"未知的操作“{action}”")
        if not isinstance(data, dict):
            raise DomainError("invalid_data", "操作数据应为对象")
        st = self.state
        _, model = machine_for(st.step)
        row = row_for(action, st.step)
        if row is None or not getattr(model, f"may_{action}")():
            if self.done:
                raise DomainError("filing_received", f"{st.zone_name} {st.data_year} 年度的考核材料已由省级接收，不能再办理")
            raise DomainError("action_not_allowed", f"{st.zone_name}的考核材料{step_label(st.step)}，此时不能“{action_label(action)}”")
        if actor.role != row.role:
            raise DomainError("role_not_allowed", f"此时“{action_label(action)}”由{role_label(row.role)}办理，"
                                                  f"不是{role_label(actor.role)}")
        if action in ("submit", "correct"):
            for key, what in (("form_sha256", "考核表"), ("summary_sha256", "年度工作总结")):
                if not SHA256.match(str(data.get(key) or "")):
                    raise DomainError("document_missing", f"报送须附已保存的{what}（{key}）")
        if action == "return_filing":
            reason = str(data.get("reason") or "").strip()
            if not reason:
                raise DomainError("reason_required", "退回须写明理由")
            if len(reason) > LIMITS.text_chars:
                raise DomainError("text_too_long", f"退回理由超过 {LIMITS.text_chars} 字")
        if action == "sign_off":
            opinion = str(data.get("opinion") or "").strip()
            if not opinion:
                raise DomainError("opinion_required", f"{role_label(actor.role)}审核同意须填写意见")
            if len(opinion) > LIMITS.text_chars:
                raise DomainError("text_too_long", f"意见超过 {LIMITS.text_chars} 字")
        if action == "attach":
            meta = data.get("attachment")
            if not isinstance(meta, AttachmentMeta):
                raise DomainError("invalid_data", "附件信息缺失")
            check_meta(meta)
            if st.attachments >= self.policy.summary_attachments:
                raise DomainError("too_many_attachments", f"每个示范区每年至多 {self.policy.summary_attachments} 个附件")
        return row

    def apply(self, action: str, data: dict[str, Any], actor: Actor, today: date) -> list[Event]:
        row = self.check(action, data, actor)
        st = self.state
        before = st.step
        if row.dest is not None:
            st.step = row.dest.value
        out: dict[str, Any] = {"action": action, "from": before, "to": st.step}
        if action in ("submit", "correct"):
            st.form_sha256, st.summary_sha256 = data["form_sha256"], data["summary_sha256"]
            st.submitted_on = today
            st.signed = []
            out.update(form_sha256=st.form_sha256, summary_sha256=st.summary_sha256)
            if action == "correct" and st.last_return:
                out["returned_seq"] = st.last_return["seq"]
        elif action == "sign_off":
            st.signed.append({"role": actor.role, "name": actor.name, "on": today.isoformat()})
            out["opinion"] = str(data["opinion"]).strip()
        elif action == "return_filing":
            st.returns += 1
            reason = str(data["reason"]).strip()
            st.last_return = {"role": actor.role, "name": actor.name, "reason": reason, "on": today.isoformat(),
                              "seq": st.seq + 1}
            out["reason"] = reason
        elif action == "receive":
            st.received_on = today
            if data.get("note"):
                out["note"] = str(data["note"]).strip()[:LIMITS.text_chars]
        elif action == "attach":
            meta: AttachmentMeta = data["attachment"]
            st.attachments += 1
            event = self._event("attachment", today, meta.as_event_data(), actor)
            return [event]
        if st.step == Step.PROVINCE_REVIEW and st.reached_province_on is None:
            st.reached_province_on = today
            st.late = today > st.due
            out["late"] = st.late
        return [self._event(row.event, today, out, actor)]

    # ------------------------------------------------------------------ the round's clock

    def next_wakeup(self) -> date | None:
        """The next day a clock fires (reminders, then the day after the due date), while the
        filing has not reached the province."""
        st = self.state
        if st.step in AT_PROVINCE or st.reached_province_on is not None:
            return None
        pending = [d for d in st.reminders if d not in st.reminders_sent]
        if st.overdue_since is None:
            pending.append(st.due + timedelta(days=1))
        return min(pending) if pending else None

    def fire_clocks(self, today: date) -> list[Event]:
        st = self.state
        events: list[Event] = []
        if st.step in AT_PROVINCE or st.reached_province_on is not None:
            return events
        holder = HOLDER[Step(st.step)]
        for d in st.reminders:
            if d <= today and d not in st.reminders_sent:
                st.reminders_sent.append(d)
                if today <= st.due:  # a reminder that fell due after the due date is moot
                    # dated today: a round opened after a reminder's day reminds on opening
                    events.append(self._event("reminder", today, {"due": st.due.isoformat(), "days_left": (st.due - d).days,
                                                              "step": st.step, "holder": holder}))
        if st.overdue_since is None and today > st.due:
            st.overdue_since = st.due + timedelta(days=1)
            events.append(self._event("overdue", st.overdue_since, {"due": st.due.isoformat(), "step": st.step,
                                                                    "holder": holder,
                                                                    "escalated_to": PROVINCE}))
        return events

    def snapshot(self) -> dict[str, Any]:
        st = self.state
        return {
            "step": st.step, "due": st.due.isoformat(), "overdue": st.overdue_since is not None and not self.done
            and st.reached_province_on is None, "overdue_since": st.overdue_since.isoformat() if st.overdue_since else None,
            "late": st.late, "returns": st.returns, "last_return": st.last_return,
            "form_sha256": st.form_sha256, "summary_sha256": st.summary_sha256,
            "submitted_on": st.submitted_on.isoformat() if st.submitted_on else None,
            "reached_province_on": st.reached_province_on.isoformat() if st.reached_province_on else None,
            "received_on": st.received_on.isoformat() if st.received_on else None,
            "signed": list(st.signed), "attachments": st.attachments,
        }
