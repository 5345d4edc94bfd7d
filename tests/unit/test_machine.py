"""The transitions table: drawing, roles, and — property-based — that no sequence of
actions and clock ticks reaches a state the table does not allow."""

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.errors import DomainError
from domain.cnlic.machine import ACTIONS, TABLE, mermaid, roles_for
from domain.cnlic.model import PROCEDURE_STAGES, Procedure, Role, Stage, TitleStatus
from tests.support import (
    element_indicators,
    PureDriver,
    annual_report,
    application,
    default_actor,
    site_report,
    site_visit,
)

# which title statuses each stage (and procedure) may show
ALLOWED_TITLES = {
    Stage.CULTIVATION: {TitleStatus.NONE},
    Stage.DESIGNATED: {TitleStatus.VALID},
    Stage.RECTIFICATION: {TitleStatus.RECTIFYING},
    Stage.EXPIRED: {TitleStatus.EXPIRED},
    Stage.REVOKED: {TitleStatus.REVOKED},
    Stage.WITHDRAWN: {TitleStatus.NONE},
    Stage.REFUSED: {TitleStatus.NONE},
}
PROCEDURE_TITLES = {
    Procedure.DESIGNATION: {TitleStatus.NONE},
    Procedure.REEVALUATION: {TitleStatus.VALID, TitleStatus.EXTENDED, TitleStatus.EXPIRED},
    Procedure.RECTIFICATION_REVIEW: {TitleStatus.RECTIFYING},
    Procedure.TITLE_CHANGE: {TitleStatus.VALID},
}
EDGES = {(s, r.dest or s) for r in TABLE for s in r.sources}


def test_the_diagram_contains_every_stage():
    text = mermaid("cnlic-2022")
    for stage in Stage:
        assert f'"{stage.label} {stage.value}"' in text
    assert "stateDiagram-v2" in text and "file_application" in text


def test_every_staff_action_names_its_roles_and_automatic_ones_only_the_system():
    for action in ACTIONS:
        if action != "hold_meeting":
            assert roles_for(action) and Role.SYSTEM not in roles_for(action)
    for trigger in ("expire", "extend", "lapse_rectification", "revoke_overdue"):
        assert roles_for(trigger) == (Role.SYSTEM,)


def valid_data(driver: PureDriver, action: str, today: date) -> dict:
    if action in ("file_application",):
        return application()
    if action == "approve_site_visit":
        return site_visit(today + timedelta(days=5))
    if action == "record_site_report":
        return site_report(new_cluster=driver.state.procedure in (Procedure.DESIGNATION, Procedure.TITLE_CHANGE))
    if action in ("request_supplement", "submit_supplement"):
        return {"items": ["补充材料"]}
    if action == "submit_annual_report":
        owed = sorted(d.params["year"] for d in driver.state.deadlines.values() if d.what == "annual_report")
        return annual_report(owed[0] if owed else today.year - 1)
    if action == "file_title_change":
        return {"elements": ["绿色"], "element_indicators": element_indicators("绿色")}
    if action in ("revoke", "withdraw"):
        return {"reason": "测试"}
    if action == "record_joint_document":
        return {"number": "中轻联综字〔2027〕1号", "issued_on": today.isoformat()}
    return {}


def test_an_approval_waits_for_the_joint_document_only_under_the_clarified_rules():
    """§三(四): meeting_approve leads to approved (the document confers); a history recorded
    before issue 11 (clarified False) keeps going straight to designated."""
    from domain.cnlic.machine import LifecycleMachine
    from domain.cnlic.lifecycle import new_state, profile_from_dict
    from tests.support import CERAMICS

    for clarified, dest in ((True, Stage.APPROVED), (False, Stage.DESIGNATED)):
        state = new_state(profile_from_dict(CERAMICS), "cnlic-2022", clarified)
        state.stage = Stage.AWAITING_MEETING
        assert LifecycleMachine(state).fire("meeting_approve") == (Stage.AWAITING_MEETING, dest)
    assert {r.dest for r in TABLE if r.trigger == "record_joint_document"} == {Stage.DESIGNATED}
    assert roles_for("record_joint_document") == (Role.SECRETARIAT,)


STEP = st.one_of(
    st.tuples(st.just("act"), st.sampled_from([a for a in ACTIONS if a != "hold_meeting"]),
              st.sampled_from(["right", "wrong"])),
    st.tuples(st.just("meeting"), st.sampled_from(["approve", "refuse", "defer"]), st.just("")),
    st.tuples(st.just("wait"), st.integers(min_value=1, max_value=800).map(str), st.just("")),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(STEP, min_size=1, max_size=40), start=st.sampled_from(["cultivation", "applied", "designated"]))
def test_no_sequence_of_actions_reaches_a_state_the_table_does_not_allow(steps, start):
    d = PureDriver()
    today = date(2026, 12, 1)
    d.today = today
    if start == "applied":
        d.start("applied", today, application=application())
    elif start == "designated":
        d.start("designated", date(2024, 6, 1))
    else:
        d.start("cultivation", today)
    for kind, what, how in steps:
        before_stage, before_seq = d.state.stage, d.state.seq
        if kind == "wait":
            today += timedelta(days=int(what))
            d.advance(today)
        elif kind == "meeting":
            try:
                d.meeting(today, what)
            except DomainError as e:
                assert e.code == "meeting_cluster_not_waiting" and d.state.seq == before_seq
        else:
            actor = default_actor(what)
            if how == "wrong":
                actor = {"role": "auditor", "name": "审计"}
            try:
                d.act(today, what, valid_data(d, what, today), actor)
            except DomainError:
                assert d.state.seq == before_seq, "a refused action recorded something"
                assert d.state.stage == before_stage
        check_invariants(d, before_stage)


def check_invariants(d: PureDriver, before: Stage) -> None:
    s = d.state
    assert (before, s.stage) in EDGES or before == s.stage or _auto_chain(before, s.stage)
    if s.stage in PROCEDURE_STAGES:
        assert s.title_status in PROCEDURE_TITLES[s.procedure], (s.stage, s.procedure, s.title_status)
    else:
        assert s.title_status in ALLOWED_TITLES[s.stage], (s.stage, s.title_status)
    if d.lc.terminal:
        assert not s.deadlines
    if s.title_status == TitleStatus.VALID:
        assert s.valid_until is not None and d.today <= s.valid_until
    seqs = [e.seq for e in d.events]
    assert seqs == list(range(1, len(seqs) + 1))


def _auto_chain(before: Stage, after: Stage) -> bool:
    """A long wait may chain automatic steps (designated → expired → revoked is not one,
    but a wait can both expire a title and lapse nothing else)."""
    mid = {dest for (src, dest) in EDGES if src == before}
    return any((m, after) in EDGES for m in mid)
