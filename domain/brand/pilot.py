"""One pilot's life as an aggregate (RULES.md program 4): the workflow asks it whether an action
is allowed (``check``), applies it in memory (``apply``), hands the clocks it armed to an
activity and gets them back planned (``arm``), and fires what falls due (``fire``). Every change
is an ``Event`` for the journal. Pure: no I/O, no clock reads; ``today`` is passed in.

A pilot runs in cycles: cycle 0 is the pilot (its planned 1–3 years), cycle 1 the first title's
3 years, cycle 2 the title after a passed re-review, and so on. Each year of a cycle owes a
summary report (the implementing body) and a supervision record (the province).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Mapping

from domain.brand import rules
from domain.brand.clocks import year_bounds
from domain.brand.machine import (BODY, EXPERT, LOCAL, MIIT, PROVINCE, REVIEW_STAGES, SYSTEM, TERMINAL, Stage,
                                  dest_of, may, roles_for)
from domain.brand.model import Deadline, DeadlinePlan, DeadlineRequest, Event, PilotProfile
from domain.brand.policy import BrandPolicy, get_policy
from domain.calendar import add_months
from domain.errors import DomainError
from domain.roles import SYSTEM_ACTOR, Actor


@dataclass
class PilotState:
    profile: PilotProfile
    policy_version: str
    stage: str = Stage.APPLIED.value
    procedure: str = ""  # "" | evaluation | rereview
    seq: int = 0
    journal_head: str = ""
    journal_head_seq: int = 0
    filed_on: date | None = None
    plan_years: int = 1
    at_application: dict[str, dict[str, float | None]] = field(default_factory=dict)
    recommended_on: date | None = None
    batch_id: str | None = None
    approved_on: date | None = None
    cycle: int = 0
    cycle_start: date | None = None
    cycle_years: int = 0
    summaries: dict[str, dict[str, Any]] = field(default_factory=dict)  # "cycle-year" → {filed_on, late}
    supervisions: dict[str, dict[str, Any]] = field(default_factory=dict)
    deadlines: list[Deadline] = field(default_factory=list)
    review: dict[str, Any] = field(default_factory=dict)  # the evaluation or re-review under way
    titles: list[dict[str, Any]] = field(default_factory=list)  # [{industry, title, granted_on}]
    granted_on: date | None = None
    valid_until: date | None = None
    extended: bool = False  # expired during a re-review: valid until its decision
    decision: list[dict[str, Any]] = field(default_factory=list)  # the last title decision, with evidence
    excellent: bool = False


@dataclass
class Outcome:
    events: list[Event] = field(default_factory=list)
    arm: list[DeadlineRequest] = field(default_factory=list)
    effects: list[str] = field(default_factory=list)  # "dequeue", "new_cycle"

    def extend(self, other: "Outcome") -> "Outcome":
        self.events += other.events
        self.arm += other.arm
        self.effects += other.effects
        return self


def new_state(profile: PilotProfile, policy_version: str) -> PilotState:
    return PilotState(profile=profile, policy_version=policy_version)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def period_key(cycle: int, year: int) -> str:
    return f"{cycle}-{year}"


def period_label(cycle: int, year: int) -> str:
    return f"试点第 {year} 年" if cycle == 0 else f"示范第 {year} 年" + (f"（第 {cycle} 期）" if cycle > 1 else "")


class Pilot:
    def __init__(self, state: PilotState, policy: BrandPolicy | None = None) -> None:
        self.state = state
        self.policy = policy or get_policy(state.policy_version)

    # ------------------------------------------------------------------ basics

    @property
    def stage(self) -> Stage:
        return Stage(self.state.stage)

    @property
    def terminal(self) -> bool:
        return self.stage in TERMINAL

    def _event(self, out: Outcome, on: date, kind: str, actor: Actor, data: dict[str, Any]) -> Event:
        self.state.seq += 1
        e = Event(self.state.seq, on, kind, actor, data)
        out.events.append(e)
        return e

    def _move(self, out: Outcome, to: Stage, on: date, actor: Actor) -> None:
        if to.value == self.state.stage:
            return
        before = self.state.stage
        self.state.stage = to.value
        self._event(out, on, "stage", actor, {"from": before, "to": to.value, "procedure": self.state.procedure})
        if to in TERMINAL:
            for d in self.state.deadlines:
                self._event(out, on, "deadline_cleared", actor, {"key": d.key, "what": d.what, "due": d.due.isoformat(),
                                                                 "reason": to.value})
            self.state.deadlines = []

    # ------------------------------------------------------------------ filing (the workflow's start)

    def start(self, application: Mapping[str, Any], actor: Actor, today: date) -> Outcome:
        rules.check_application(self.policy, application, today)
        st = self.state
        st.plan_years = int(application["plan"]["years"])
        st.at_application = rules.application_indicators(application)
        st.filed_on = today
        out = Outcome()
        self._event(out, today, "registered", actor, {"application": dict(application), "policy": self.policy.version})
        return out

    # ------------------------------------------------------------------ staff actions

    def check(self, action: str, data: Mapping[str, Any], actor: Actor, today: date) -> None:
        """Refuse (``DomainError``) what the table, the role or the data rules do not allow."""
        if self.terminal:
            raise DomainError("pilot_ended", f"该试点已结束（{self.stage.label}），不能再办理操作")
        if not may(action, self.stage):
            raise DomainError("action_not_allowed", f"当前阶段“{self.stage.label}”不能办理该操作")
        roles = roles_for(action, self.stage)
        if actor.role not in roles:
            raise DomainError("role_not_allowed", f"该操作不由{_role_label(actor.role)}办理")
        if actor.role == EXPERT and actor.name not in (self.state.review.get("experts") or []):
            raise DomainError("expert_not_assigned", f"{actor.name} 不是本次评审指定的专家")
        getattr(self, f"_check_{action}", lambda d, t: None)(data, today)

    def apply(self, action: str, data: Mapping[str, Any], actor: Actor, today: date) -> Outcome:
        self.check(action, data, actor, today)
        out = Outcome()
        self._event(out, today, "action", actor, {"action": action, "data": dict(data)})
        handler = getattr(self, f"_do_{action}", None)
        if handler is not None:
            handler(out, data, actor, today)
        else:
            dest = dest_of(action, self.stage)
            if dest is not None:
                self._move(out, dest, today, actor)
        return out

    # --- application, seal, provincial review

    def _check_revise_application(self, data: Mapping[str, Any], today: date) -> None:
        rules.check_application(self.policy, data, today)

    def _do_revise_application(self, out: Outcome, data, actor, today) -> None:
        self.state.plan_years = int(data["plan"]["years"])
        self.state.at_application = rules.application_indicators(data)

    def _do_recommend(self, out: Outcome, data, actor, today) -> None:
        self.state.recommended_on = today
        self.state.batch_id = rules.batch_for(self.policy, today).batch_id
        self._move(out, Stage.RECOMMENDED, today, actor)

    def _do_withdraw(self, out: Outcome, data, actor, today) -> None:
        if self.stage == Stage.RECOMMENDED:
            out.effects.append("dequeue")
        self._move(out, Stage.WITHDRAWN, today, actor)

    # --- the batch's decision (a signal from the batch workflow, applied as a system action)

    def apply_batch(self, batch_id: str, decision: str, held_on: date, actor: Actor, today: date) -> Outcome:
        out = Outcome()
        if self.stage != Stage.RECOMMENDED:
            raise DomainError("batch_not_waiting", f"试点不在待批次评审阶段（{self.stage.label}）")
        trigger = {"approve": "batch_approve", "refuse": "batch_refuse", "defer": "batch_defer"}.get(decision)
        if trigger is None:
            raise DomainError("batch_decision_invalid", f"批次决定“{decision}”无效")
        self._event(out, today, "batch", actor, {"batch_id": batch_id, "decision": decision, "held_on": held_on.isoformat()})
        if decision == "approve":
            st = self.state
            st.approved_on = held_on
            self._move(out, Stage.PILOT, today, actor)
            self._begin_cycle(out, 0, held_on, st.plan_years)
        elif decision == "refuse":
            self._move(out, Stage.REFUSED, today, actor)
        else:
            nxt = rules.batch_for(self.policy, max(today, rules.batch_by_id(self.policy, batch_id).month_end)
                                  + timedelta(days=1))
            self.state.batch_id = nxt.batch_id
        return out

    def _begin_cycle(self, out: Outcome, cycle: int, start: date, years: int) -> None:
        st = self.state
        st.cycle, st.cycle_start, st.cycle_years = cycle, start, years
        for n in range(1, years + 1):
            for what in ("summary", "supervision"):
                out.arm.append(DeadlineRequest(f"{what}-{period_key(cycle, n)}", what, start, n))
        if cycle > 0:
            out.arm.append(DeadlineRequest(f"expiry-{cycle}", "expiry", start))

    # --- the yearly summary and supervision

    def _period(self, data: Mapping[str, Any], today: date, kind: str) -> tuple[str, int]:
        st = self.state
        year = int(data.get("year_no") or 0)
        if not 1 <= year <= st.cycle_years:
            raise DomainError("report_year_invalid", f"本期（{period_label(st.cycle, 1)[:2]}）共 {st.cycle_years} 年，"
                                                     f"第 {year} 年不在其中")
        start, _ = year_bounds(st.cycle_start, year)
        if today < start:
            raise DomainError("report_year_not_started", f"{period_label(st.cycle, year)}自 {start} 开始，尚不能提交")
        key = period_key(st.cycle, year)
        filed = st.summaries if kind == "summary" else st.supervisions
        if key in filed:
            what = "年度总结报告" if kind == "summary" else "年度监督检查记录"
            raise DomainError(f"{kind}_duplicate", f"{period_label(st.cycle, year)}的{what}已于 {filed[key]['filed_on']} 提交")
        return key, year

    def _check_submit_summary(self, data, today) -> None:
        self._period(data, today, "summary")

    def _check_record_supervision(self, data, today) -> None:
        self._period(data, today, "supervision")

    def _filed(self, out: Outcome, kind: str, data, actor, today) -> None:
        key, year = self._period(data, today, kind)
        deadline = next((d for d in self.state.deadlines if d.key == f"{kind}-{key}"), None)
        late = deadline is not None and today > deadline.due
        (self.state.summaries if kind == "summary" else self.state.supervisions)[key] = {
            "filed_on": today.isoformat(), "late": late, "year_no": year, "cycle": self.state.cycle}
        if deadline is not None:
            self.state.deadlines.remove(deadline)
            self._event(out, today, "deadline_met", actor, {"key": deadline.key, "what": kind,
                                                            "due": deadline.due.isoformat(), "late": late})

    def _do_submit_summary(self, out, data, actor, today) -> None:
        self._filed(out, "summary", data, actor, today)

    def _do_record_supervision(self, out, data, actor, today) -> None:
        self._filed(out, "supervision", data, actor, today)

    # --- evaluation and re-review

    def _missing_summaries(self) -> list[str]:
        st = self.state
        return [period_label(st.cycle, n) for n in range(1, st.cycle_years + 1)
                if period_key(st.cycle, n) not in st.summaries]

    def _check_apply_evaluation(self, data, today) -> None:
        missing = self._missing_summaries()
        if missing:
            raise DomainError("summaries_missing", f"申请评价前须提交全部试点年度总结报告，缺：{'、'.join(missing)}（§三(六)）")
        self._check_review_data(data)

    def _check_review_data(self, data) -> None:
        rules.check_evaluation_application(self.policy, data)
        given = set(rules.indicators_now(data.get("conditions") or {}))
        lacking = [i for i in self.state.profile.industries if i not in given]
        if lacking:
            raise DomainError("indicators_missing", f"须分别填写每个主导产业的关键指标：缺 {'、'.join(lacking)}（§三(七)2）")

    def _check_apply_rereview(self, data, today) -> None:
        st = self.state
        opens = add_months(st.valid_until + timedelta(days=1), -self.policy.rereview_window_months) if st.valid_until else None
        if opens is not None and today < opens:
            raise DomainError("rereview_too_early", f"复审申请自称号期满前 {self.policy.rereview_window_months} 个月"
                                                    f"（{opens}）起提出")
        missing = self._missing_summaries()
        if missing:
            raise DomainError("summaries_missing", f"申请复审须同时提交前 {self.policy.rereview_summaries} 年的总结，缺："
                                                   f"{'、'.join(missing)}（§三(七)3）")
        years = (data.get("plan") or {}).get("years")
        if years != self.policy.rereview_plan_years:
            raise DomainError("plan_years_invalid", f"复审须提交未来 {self.policy.rereview_plan_years} 年的区域品牌建设工作方案"
                                                    f"（§三(七)3），收到 {years} 年")
        self._check_review_data(data)

    def _open_review(self, out: Outcome, procedure: str, data, actor, today) -> None:
        st = self.state
        st.procedure = procedure
        st.review = {"procedure": procedure, "applied_on": today.isoformat(), "conditions": dict(data.get("conditions") or {}),
                     "experts": [], "material": None, "shortlisted": None, "defence": None,
                     "typical_experience": ((data.get("experience") or {}).get("name") or "")}
        self._move(out, Stage.EVALUATION_APPLIED, today, actor)

    def _do_apply_evaluation(self, out, data, actor, today) -> None:
        self._open_review(out, "evaluation", data, actor, today)

    def _do_apply_rereview(self, out, data, actor, today) -> None:
        self._open_review(out, "rereview", data, actor, today)

    def _back(self, out: Outcome, actor: Actor, today: date, reason: str) -> None:
        """A review that ends without a title: back to the pilot, or to the title while it is valid."""
        st = self.state
        procedure, st.procedure = st.procedure, ""
        if procedure == "rereview":
            if st.extended:
                self._lapse(out, actor, today, reason)
                return
            self._move(out, Stage.DEMONSTRATION, today, actor)
        else:
            self._move(out, Stage.PILOT, today, actor)

    def _do_return_evaluation(self, out, data, actor, today) -> None:
        self._back(out, actor, today, "evaluation_returned")

    def _check_assign_experts(self, data, today) -> None:
        if not data.get("experts"):
            raise DomainError("experts_missing", "须至少指定一名评审专家")

    def _do_assign_experts(self, out, data, actor, today) -> None:
        self.state.review["experts"] = list(dict.fromkeys(data["experts"]))

    def _check_record_material_review(self, data, today) -> None:
        rules.check_scores(self.policy, "material", data.get("scores") or {})

    def _do_record_material_review(self, out, data, actor, today) -> None:
        total = rules.check_scores(self.policy, "material", data["scores"])
        self.state.review["material"] = {"scores": dict(data["scores"]), "total": total, "by": actor.name,
                                         "on": today.isoformat()}
        self._event(out, today, "scores", actor, {"sheet": "material", "scores": dict(data["scores"]), "total": total})

    def _check_shortlist(self, data, today) -> None:
        if not self.state.review.get("material"):
            raise DomainError("material_review_missing", "资料评审打分尚未录入，不能确定答辩名单")

    def _do_shortlist(self, out, data, actor, today) -> None:
        self.state.review["shortlisted"] = bool(data.get("shortlisted"))
        if data.get("shortlisted"):
            self._move(out, Stage.DEFENCE_REVIEW, today, actor)
        else:
            self._back(out, actor, today, "not_shortlisted")

    def _check_record_defence_review(self, data, today) -> None:
        rules.check_scores(self.policy, "defence", data.get("scores") or {})

    def _do_record_defence_review(self, out, data, actor, today) -> None:
        total = rules.check_scores(self.policy, "defence", data["scores"])
        self.state.review["defence"] = {"scores": dict(data["scores"]), "total": total, "by": actor.name,
                                        "on": today.isoformat()}
        self._event(out, today, "scores", actor, {"sheet": "defence", "scores": dict(data["scores"]), "total": total})

    def _check_decide_title(self, data, today) -> None:
        if not self.state.review.get("defence"):
            raise DomainError("defence_review_missing", "答辩评审打分尚未录入，不能作出称号决定")

    def decision_preview(self) -> list[rules.IndustryDecision]:
        st = self.state
        review = st.review
        return rules.decide_title(self.policy, st.profile.industries, st.at_application, review.get("conditions") or {},
                                  (review.get("material") or {}).get("total"), (review.get("defence") or {}).get("total"))

    def _do_decide_title(self, out, data, actor, today) -> None:
        st = self.state
        decisions = self.decision_preview()
        st.excellent = all(d.conditions[0].met for d in decisions) if decisions else False
        st.decision = [{"industry": d.industry, "granted": d.granted, "title": d.title,
                        "conditions": [{"code": c.code, "label": c.label, "met": c.met, "evidence": c.evidence}
                                       for c in d.conditions]} for d in decisions]
        granted = [d for d in decisions if d.granted]
        self._event(out, today, "decision", actor, {
            "procedure": st.procedure, "excellent": st.excellent, "industries": st.decision,
            "document": data.get("document") or "", "typical_experience": st.review.get("typical_experience") or ""})
        if not granted:
            self._back(out, actor, today, "conditions_not_met")
            return
        st.procedure = ""
        st.titles = [{"industry": d.industry, "title": d.title, "granted_on": today.isoformat()} for d in granted]
        st.granted_on, st.valid_until, st.extended = today, None, False
        # the previous cycle's expiry no longer applies: the new title runs from today
        for d in [d for d in st.deadlines if d.what == "expiry"]:
            st.deadlines.remove(d)
            self._event(out, today, "deadline_cleared", actor, {"key": d.key, "what": d.what, "due": d.due.isoformat(),
                                                                "reason": "renewed"})
        if self.stage != Stage.DEMONSTRATION:
            self._move(out, Stage.DEMONSTRATION, today, actor)
        self._begin_cycle(out, st.cycle + 1, today, self.policy.title_validity_years)
        out.effects.append("new_cycle")

    def _check_revoke(self, data, today) -> None:
        if self.stage in REVIEW_STAGES and self.state.procedure != "rereview":
            raise DomainError("action_not_allowed", "试点尚未获得示范区称号，没有可撤销的称号")
        rules.revoke_reason(str(data.get("reason_kind") or ""))

    def _do_revoke(self, out, data, actor, today) -> None:
        st = self.state
        self._event(out, today, "title", actor, {"status": "revoked", "titles": [t["title"] for t in st.titles],
                                                 "reason": rules.revoke_reason(data["reason_kind"]),
                                                 "text": data.get("reason") or ""})
        st.titles, st.valid_until, st.procedure = [], None, ""
        self._move(out, Stage.REVOKED, today, actor)

    def _lapse(self, out: Outcome, actor: Actor, today: date, reason: str) -> None:
        st = self.state
        self._event(out, today, "title", actor, {"status": "lapsed", "titles": [t["title"] for t in st.titles],
                                                 "valid_until": _iso(st.valid_until), "reason": reason})
        st.titles, st.procedure = [], ""
        self._move(out, Stage.LAPSED, today, actor)

    # ------------------------------------------------------------------ clocks

    def arm(self, plan: DeadlinePlan, today: date) -> Outcome:
        """A planned clock into the state; the title's expiry also fixes its validity."""
        st = self.state
        out = Outcome()
        d = Deadline(plan.key, plan.what, plan.due, plan.remind_on, plan.period, plan.period_end,
                     calendar_version=plan.calendar_version, provisional=plan.provisional, basis=plan.basis)
        st.deadlines = [x for x in st.deadlines if x.key != d.key] + [d]
        self._event(out, today, "deadline", SYSTEM_ACTOR, {
            "key": d.key, "what": d.what, "due": d.due.isoformat(), "remind_on": _iso(d.remind_on), "period": d.period,
            "calendar_version": d.calendar_version, "provisional": d.provisional, "basis": d.basis})
        if plan.what == "expiry":
            st.valid_until = plan.due
            self._event(out, today, "title", SYSTEM_ACTOR, {
                "status": "granted", "titles": [t["title"] for t in st.titles], "granted_on": _iso(st.granted_on),
                "valid_until": plan.due.isoformat()})
        return out

    # --- calendar revisions (the kernel's ``deadlines recompute``, as program 1 does)

    def recompute_requests(self, today: date) -> list[DeadlineRequest]:
        """The open report clocks a calendar revision may move: a summary or supervision record
        not yet due and not overdue (a passed deadline is history; the title's expiry counts
        calendar years and moves with no calendar)."""
        return [DeadlineRequest(d.key, d.what, d.period_end, d.period, period_end=d.period_end)
                for d in self.state.deadlines
                if d.what in ("summary", "supervision") and d.period_end is not None and d.overdue_since is None
                and d.due >= today]

    def apply_replanned(self, plans: list[DeadlinePlan], reason: str, actor: Actor, today: date) -> Outcome:
        """Each clock the revised calendar moved, with old and new dates and calendar versions."""
        out = Outcome()
        if self.terminal:
            return out
        for plan in plans:
            d = next((x for x in self.state.deadlines if x.key == plan.key), None)
            if d is None or d.overdue_since is not None or d.due < today:
                continue
            if plan.due == d.due and plan.remind_on == d.remind_on:
                continue
            old_due, old_version = d.due, d.calendar_version
            d.due, d.remind_on, d.basis = plan.due, plan.remind_on, plan.basis
            d.calendar_version, d.provisional = plan.calendar_version, plan.provisional
            if d.remind_on is not None and d.remind_on > today:
                d.reminded = False  # moved later: remind on the new day
            self._event(out, today, "deadline_moved", actor, {
                "key": d.key, "what": d.what, "period": d.period, "old_due": old_due.isoformat(),
                "new_due": plan.due.isoformat(), "remind_on": _iso(plan.remind_on),
                "old_calendar_version": old_version, "new_calendar_version": plan.calendar_version,
                "provisional": plan.provisional, "reason": reason})
        return out

    def next_wakeup(self) -> date | None:
        days = []
        for d in self.state.deadlines:
            if d.remind_on is not None and not d.reminded:
                days.append(d.remind_on)
            if d.overdue_since is None:
                days.append(d.due + timedelta(days=1))
        return min(days) if days else None

    def fire(self, today: date) -> Outcome:
        out = Outcome()
        st = self.state
        for d in sorted(list(st.deadlines), key=lambda x: (x.due, x.key)):
            if self.terminal:
                break
            if d.remind_on is not None and not d.reminded and d.remind_on <= today <= d.due:
                d.reminded = True
                self._event(out, today, "reminder", SYSTEM_ACTOR, {"key": d.key, "what": d.what, "due": d.due.isoformat()})
            elif d.remind_on is not None and not d.reminded and today > d.due:
                d.reminded = True  # a reminder whose day passed unseen is not sent late
            if d.overdue_since is None and today > d.due:
                if d.what == "expiry":
                    st.deadlines.remove(d)
                    if self.stage in REVIEW_STAGES and st.procedure == "rereview":
                        st.extended = True
                        self._event(out, today, "title", SYSTEM_ACTOR, {
                            "status": "extended", "titles": [t["title"] for t in st.titles],
                            "valid_until": d.due.isoformat(), "reason": "rereview_pending"})
                    elif self.stage in REVIEW_STAGES:
                        continue  # an evaluation does not carry a title (cannot happen: listed for completeness)
                    else:
                        self._lapse(out, SYSTEM_ACTOR, today, "expired")
                else:
                    d.overdue_since = today
                    self._event(out, today, "overdue", SYSTEM_ACTOR, {"key": d.key, "what": d.what,
                                                                      "due": d.due.isoformat()})
        return out

    # ------------------------------------------------------------------ reading

    def allowed_by_role(self) -> dict[str, list[str]]:
        from domain.brand.machine import actions_in

        if self.terminal:
            return {}
        out: dict[str, list[str]] = {}
        for action in actions_in(self.stage):
            for role in roles_for(action, self.stage):
                out.setdefault(role, []).append(action)
        return out

    def snapshot(self) -> dict[str, Any]:
        st = self.state
        open_ = sorted(st.deadlines, key=lambda d: d.due)
        nxt = next((d for d in open_ if d.what != "expiry"), None)
        return {
            "stage": st.stage,
            "procedure": st.procedure,
            "plan_years": st.plan_years,
            "recommended_on": _iso(st.recommended_on),
            "batch_id": st.batch_id,
            "approved_on": _iso(st.approved_on),
            "cycle": st.cycle,
            "titles": [dict(t) for t in st.titles],
            "granted_on": _iso(st.granted_on),
            "valid_until": _iso(st.valid_until),
            "extended": st.extended,
            "experts": list(st.review.get("experts") or []),
            "material_total": (st.review.get("material") or {}).get("total"),
            "defence_total": (st.review.get("defence") or {}).get("total"),
            "excellent": st.excellent,
            "next_due": _iso(nxt.due) if nxt else None,
            "next_due_what": nxt.what if nxt else None,
            "overdue": any(d.overdue_since is not None for d in st.deadlines),
            "deadlines": [{"key": d.key, "what": d.what, "due": d.due.isoformat(), "period": d.period,
                           "overdue": d.overdue_since is not None} for d in open_],
        }


def _role_label(role: str) -> str:
    from domain.brand.labels import role_label

    return role_label(role)


__all__ = ["Pilot", "PilotState", "Outcome", "new_state", "period_key", "period_label", "BODY", "LOCAL", "PROVINCE",
           "MIIT", "EXPERT", "SYSTEM"]
