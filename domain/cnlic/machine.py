"""The lifecycle as one ``transitions`` table (RULES.md program 1, "Stages" and "Who may do
what"). ``auto_transitions=False``: nothing moves a lifecycle except a row of this table.

The table answers three questions: may this trigger fire now (``may_<trigger>``), which
roles may ask for it, and where does it lead. Data checks (panel, score sheet, …) live in
``domain.cnlic.rules``; the aggregate in ``domain.cnlic.lifecycle`` combines both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from transitions import Machine

from domain.cnlic.model import PROCEDURE_STAGES, Procedure, Role, Stage, TitleStatus

if TYPE_CHECKING:
    from domain.cnlic.lifecycle import LifecycleState

S = Stage
R = Role
IN_PROCEDURE = list(PROCEDURE_STAGES)
STAFF = (R.APPLICANT, R.SECRETARIAT)


@dataclass(frozen=True)
class Row:
    trigger: str
    sources: tuple[Stage, ...]
    dest: Stage | None  # None: an internal transition (stage unchanged)
    roles: tuple[Role, ...] = ()
    conditions: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()

    @property
    def automatic(self) -> bool:
        return self.roles == (R.SYSTEM,)


def _row(trigger, sources, dest, roles=(), conditions=(), unless=()) -> Row:
    return Row(trigger, tuple(sources), dest, tuple(roles), tuple(conditions), tuple(unless))


AUTO = (R.SYSTEM,)

TABLE: tuple[Row, ...] = (
    # §三(一) application and opinions
    _row("file_application", [S.CULTIVATION], S.APPLIED, STAFF),
    _row("record_opinion", [S.APPLIED], None, (R.ASSOCIATION, R.PROVINCIAL), ["opinions_outstanding"]),
    _row("accept_application", [S.APPLIED], S.ACCEPTED, (R.SECRETARIAT,), unless=["opinions_outstanding"]),
    # §三(二) site evaluation
    _row("approve_site_visit", [S.ACCEPTED], S.SITE_EVALUATION, (R.LEADER,)),
    _row("record_site_report", [S.SITE_EVALUATION], S.ASSOCIATION_OPINION, (R.EXPERT,)),
    # §三(三) formal opinion and review
    # every association named by the route sends its own; the last one starts formal review
    _row("record_formal_opinion", [S.ASSOCIATION_OPINION], None, (R.ASSOCIATION, R.PROVINCIAL, R.SECRETARIAT),
         ["formal_opinions_remain"]),
    _row("record_formal_opinion", [S.ASSOCIATION_OPINION], S.FORMAL_REVIEW, (R.ASSOCIATION, R.PROVINCIAL, R.SECRETARIAT),
         unless=["formal_opinions_remain"]),
    _row("request_supplement", [S.FORMAL_REVIEW], None, (R.SECRETARIAT,), unless=["supplement_pending"]),
    _row("submit_supplement", [S.FORMAL_REVIEW], None, STAFF, ["supplement_pending"]),
    _row("complete_formal_review", [S.FORMAL_REVIEW], S.AWAITING_MEETING, (R.SECRETARIAT,), unless=["supplement_pending"]),
    # §三(三)-(四) president's office meeting (decisions recorded by the secretariat)
    # the meeting approves; the title is conferred by the joint document (§三(四)); histories
    # recorded before that step existed went straight to designated
    _row("meeting_approve", [S.AWAITING_MEETING], S.APPROVED, (R.SECRETARIAT,), ["document_required"]),
    _row("meeting_approve", [S.AWAITING_MEETING], S.DESIGNATED, (R.SECRETARIAT,), unless=["document_required"]),
    _row("record_joint_document", [S.APPROVED], S.DESIGNATED, (R.SECRETARIAT,)),
    _row("meeting_refuse", [S.AWAITING_MEETING], S.REFUSED, (R.SECRETARIAT,), ["in_designation"]),
    _row("meeting_refuse", [S.AWAITING_MEETING], S.RECTIFICATION, (R.SECRETARIAT,), ["in_reevaluation"]),
    # §四(三): a failed rectification review while the year runs leaves room for another
    _row("meeting_refuse", [S.AWAITING_MEETING], S.RECTIFICATION, (R.SECRETARIAT,),
         ["in_rectification_review", "rectification_year_running"]),
    _row("meeting_refuse", [S.AWAITING_MEETING], S.REVOKED, (R.SECRETARIAT,), ["in_rectification_review"],
         ["rectification_year_running"]),
    _row("meeting_refuse", [S.AWAITING_MEETING], S.DESIGNATED, (R.SECRETARIAT,), ["in_title_change"]),
    _row("meeting_defer", [S.AWAITING_MEETING], None, (R.SECRETARIAT,)),
    # §四(一) annual report, while a report is owed
    _row(
        "submit_annual_report",
        [S.DESIGNATED, S.RECTIFICATION, S.EXPIRED, *IN_PROCEDURE],
        None,
        STAFF,
        ["annual_report_open"],
    ),
    # §四(三) re-evaluation and rectification, §四(五) title change
    _row("file_reevaluation", [S.DESIGNATED, S.EXPIRED], S.APPLIED, STAFF),
    _row("file_rectification_review", [S.RECTIFICATION], S.APPLIED, STAFF),
    _row("file_title_change", [S.DESIGNATED], S.APPLIED, STAFF, ["title_valid"]),
    # revocation by decision (leader) and withdrawal (applicant)
    _row("revoke", [S.DESIGNATED, S.EXPIRED, S.RECTIFICATION], S.REVOKED, (R.LEADER,)),
    _row("revoke", IN_PROCEDURE, S.REVOKED, (R.LEADER,), unless=["in_designation"]),
    _row("withdraw", [S.CULTIVATION], S.WITHDRAWN, STAFF),
    _row("withdraw", IN_PROCEDURE, S.WITHDRAWN, STAFF, ["in_designation"]),
    _row("withdraw", IN_PROCEDURE, S.DESIGNATED, STAFF, ["in_title_change"]),
    # automatic outcomes the rules prescribe (RULES.md "Clocks")
    _row("expire", [S.DESIGNATED], S.EXPIRED, AUTO),
    _row("expire", IN_PROCEDURE, S.EXPIRED, AUTO, ["in_title_change"]),
    _row("extend", IN_PROCEDURE, None, AUTO, ["in_reevaluation", "title_valid"]),
    _row("lapse_rectification", [S.RECTIFICATION], S.REVOKED, AUTO),
    _row("revoke_overdue", [S.EXPIRED], S.REVOKED, AUTO),
)

TRIGGERS: tuple[str, ...] = tuple(dict.fromkeys(r.trigger for r in TABLE))
AUTOMATIC_TRIGGERS = tuple(t for t in TRIGGERS if all(r.automatic for r in TABLE if r.trigger == t))
MEETING_TRIGGERS = {"approve": "meeting_approve", "refuse": "meeting_refuse", "defer": "meeting_defer"}

# staff actions as the service exposes them (the meeting decisions arrive via hold_meeting)
ACTIONS: tuple[str, ...] = tuple(
    t for t in TRIGGERS if t not in AUTOMATIC_TRIGGERS and t not in MEETING_TRIGGERS.values()
) + ("hold_meeting",)

ACTION_LABELS = {
    "file_application": "提出共建授名申请",
    "record_opinion": "出具审查意见",
    "accept_application": "受理申请",
    "approve_site_visit": "批准考评（专家组）",
    "record_site_report": "提交考评报告",
    "record_formal_opinion": "行文提出正式意见",
    "request_supplement": "要求补充材料",
    "submit_supplement": "提交补充材料",
    "complete_formal_review": "完成形式审查",
    "hold_meeting": "记录会长办公会决定",
    "record_joint_document": "记录联合发文（授予称号）",
    "submit_annual_report": "报送年度发展情况",
    "file_reevaluation": "提出复评申请",
    "file_rectification_review": "申请整改复查",
    "file_title_change": "申请称号变更或提升",
    "revoke": "取消称号",
    "withdraw": "撤回",
}


def roles_for(trigger: str) -> tuple[Role, ...]:
    roles: dict[Role, None] = {}
    for row in TABLE:
        if row.trigger == trigger:
            roles.update(dict.fromkeys(row.roles))
    return tuple(roles)


def action_roles(action: str) -> tuple[Role, ...]:
    if action == "hold_meeting":
        return (R.SECRETARIAT,)
    return roles_for(action)


class _Model:
    """The machine's model: the stage plus the conditions, read from the lifecycle state."""

    def __init__(self, state: "LifecycleState") -> None:
        self._state = state

    @property
    def stage(self) -> Stage:
        return Stage(self._state.stage)

    @stage.setter
    def stage(self, value: Stage | str) -> None:
        self._state.stage = Stage(value)

    def in_designation(self) -> bool:
        return self._state.procedure == Procedure.DESIGNATION

    def in_reevaluation(self) -> bool:
        return self._state.procedure == Procedure.REEVALUATION

    def in_rectification_review(self) -> bool:
        return self._state.procedure == Procedure.RECTIFICATION_REVIEW

    def in_title_change(self) -> bool:
        return self._state.procedure == Procedure.TITLE_CHANGE

    def title_valid(self) -> bool:
        return self._state.title_status == TitleStatus.VALID

    def opinions_outstanding(self) -> bool:
        return bool(self._state.outstanding_opinions())

    def supplement_pending(self) -> bool:
        return bool(self._state.supplement_items)

    # the rules clarified after the first build (workflow.patched in the workflow): a state
    # without the flag (an older run, the to-do list's facts) keeps the first build's rules
    def document_required(self) -> bool:
        return bool(getattr(self._state, "clarified", False))

    def formal_opinions_remain(self) -> bool:
        """More than one required formal opinion is still owed: this one does not finish them."""
        owed = getattr(self._state, "outstanding_formal_opinions", None)
        return bool(getattr(self._state, "clarified", False) and owed is not None and len(owed()) > 1)

    def rectification_year_running(self) -> bool:
        if not getattr(self._state, "clarified", False):
            return False
        d = self._state.deadlines.get("rectification")
        return d is not None and d.overdue_since is None

    def annual_report_open(self) -> bool:
        return any(d.what == "annual_report" for d in self._state.deadlines.values())


def _transitions(rows: Iterable[Row]) -> list[dict]:
    out = []
    for row in rows:
        spec: dict = {"trigger": row.trigger, "source": list(row.sources), "dest": row.dest}
        if row.conditions:
            spec["conditions"] = list(row.conditions)
        if row.unless:
            spec["unless"] = list(row.unless)
        out.append(spec)
    return out


_TRANSITIONS = _transitions(TABLE)


class LifecycleMachine:
    """A ``transitions`` machine bound to one lifecycle state."""

    def __init__(self, state: "LifecycleState") -> None:
        self.model = _Model(state)
        self._machine = Machine(
            model=self.model,
            states=Stage,
            transitions=_TRANSITIONS,
            initial=Stage(state.stage),
            auto_transitions=False,
            model_attribute="stage",
            send_event=False,
            ignore_invalid_triggers=False,
        )

    def may(self, trigger: str) -> bool:
        return bool(getattr(self.model, f"may_{trigger}")())

    def fire(self, trigger: str) -> tuple[Stage, Stage]:
        before = self.model.stage
        if not self.may(trigger):
            raise RuntimeError(f"{trigger} not allowed in {before}")  # callers check may() first
        getattr(self.model, trigger)()
        return before, self.model.stage


def mermaid(policy_version: str = "") -> str:
    """The lifecycle drawn by transitions' mermaid engine, states labelled in Chinese."""
    from transitions.extensions.diagrams import GraphMachine

    class _Draw:
        pass

    draw = _Draw()
    for name in {c for r in TABLE for c in (*r.conditions, *r.unless)}:
        setattr(draw, name, lambda: True)
    title = f"CNLIC 共建授名生命周期 {policy_version}".strip()
    GraphMachine(
        model=draw,
        states=Stage,
        transitions=_TRANSITIONS,
        initial=Stage.CULTIVATION,
        auto_transitions=False,
        graph_engine="mermaid",
        show_conditions=True,
        title=title,
        model_attribute="stage",
    )
    text = draw.get_graph().draw(None)

    def label(match: re.Match[str]) -> str:
        stage = Stage[match.group(1)]
        return f'state "{stage.label} {stage.value}" as {match.group(1)}'

    text = re.sub(r'state "([A-Z_]+)" as \1', label, text)
    return re.sub(r"^(\s*)Class ", r"\1class ", text, flags=re.M)  # mermaid's keyword is lowercase
