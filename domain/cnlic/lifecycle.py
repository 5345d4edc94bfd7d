"""The lifecycle aggregate: one cluster's state, the checks of every staff action, and what
each action and each clock does to the state (RULES.md program 1).

Pure: callers pass ``today``; deadlines come back as requests (``DeadlineRequest``) that an
activity turns into plans, and the plans come back through ``arm``. Every change returns
``Event``s with consecutive sequence numbers — the journal's idempotency keys.

Three modules, one aggregate: the state and the start readers are ``domain.cnlic.lifecycle_state``;
the meeting, the clocks, recognition and calendar revisions are ``domain.cnlic.lifecycle_clocks``
and starting a lifecycle ``domain.cnlic.lifecycle_start`` (mixins of ``Lifecycle``, with
``lifecycle_conferral`` and ``lifecycle_records``); checking and applying staff actions stay here.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date, timedelta
from typing import Any, Mapping

from domain.cnlic.deadlines import DeadlinePlan, DeadlineRequest
from domain.errors import DomainError
from domain.cnlic.machine import (
    ACTION_LABELS,
    ACTIONS,
    LifecycleMachine,
    action_roles,
    roles_for,
)
from domain.cnlic.model import (
    HELD_TITLES,
    PROCEDURE_STAGES,
    SYSTEM_ACTOR,
    TERMINAL_STAGES,
    Actor,
    DeadlineKind,
    Event,
    Procedure,
    Role,
    Stage,
    TitleStatus,
)
from domain.cnlic.policy import Policy, get_policy
from domain.cnlic.rules import (
    ASSOCIATION,
    PROVINCIAL,
    check_annual_report,
    check_annual_report_v1,
    check_application,
    check_panel,
    check_site_report,
    compose_title,
    require_items,
    require_reason,
)
from domain.cnlic.annex3 import EVALUATION_YEAR, check_annex3, evaluation_year_of, kept_from_event
from domain.cnlic.site_report import annual_reports_of, check_report
from domain.cnlic.annual_report import kept as kept_annual_figures


from domain.cnlic.lifecycle_clocks import LifecycleDecisions
from domain.cnlic.lifecycle_conferral import LifecycleConferral
from domain.cnlic.lifecycle_records import LifecycleRecords
from domain.cnlic.lifecycle_start import LifecycleStart, _safe_title
from domain.cnlic.lifecycle_state import (  # noqa: F401 - re-exported: callers import them from here
    PROCEDURE_CLOCKS,
    REMINDER_KINDS,
    Deadline,
    LifecycleState,
    Opinion,
    Outcome,
    StartSpec,
    _element_indicators,
    _plain_evaluation,
    _profile_dict,
    _summary,
    new_state,
    parse_start,
    profile_from_dict,
)


class Lifecycle(LifecycleStart, LifecycleDecisions, LifecycleConferral, LifecycleRecords):
    def __init__(self, state: LifecycleState, policy: Policy | None = None) -> None:
        self.state = state
        self.policy = policy or get_policy(state.policy_version)
        self._machine: LifecycleMachine | None = None

    @property
    def machine(self) -> LifecycleMachine:
        if self._machine is None:
            self._machine = LifecycleMachine(self.state)
        return self._machine

    # ------------------------------------------------------------ reading

    @property
    def terminal(self) -> bool:
        return self.state.stage in TERMINAL_STAGES

    def allowed_actions(self, role: str) -> list[str]:
        """The staff actions this role may take now (stage and table conditions only)."""
        out = []
        for action in ACTIONS:
            if role not in action_roles(action):
                continue
            if action == "record_formal_opinion" and role == Role.PROVINCIAL and getattr(self.state, "clarified", False):
                continue  # §三(三) as clarified: a provincial body gives no formal opinion
            trigger = "meeting_defer" if action == "hold_meeting" else action
            if self.machine.may(trigger):
                out.append(action)
        return out

    def allowed_by_role(self) -> dict[str, list[str]]:
        return {r.value: self.allowed_actions(r.value) for r in Role if r not in (Role.SYSTEM, Role.AUDITOR)}

    def next_wakeup(self) -> date | None:
        """The next date on which a clock reminds or falls overdue (00:00 Beijing time)."""
        dates: list[date] = []
        for d in self.state.deadlines.values():
            dates += d.pending_reminders()
            if d.overdue_since is None:
                dates.append(d.due + timedelta(days=1))
        return min(dates) if dates else None

    def open_deadlines(self) -> list[Deadline]:
        return sorted(self.state.deadlines.values(), key=lambda d: (d.due, d.key))

    # ------------------------------------------------------------ event helpers

    def _event(self, out: Outcome, today: date, kind: str, data: dict[str, Any], actor: Actor = SYSTEM_ACTOR) -> Event:
        self.state.seq += 1
        ev = Event(self.state.seq, today, kind, data, actor)
        out.events.append(ev)
        return ev

    def _move(self, out: Outcome, today: date, trigger: str, actor: Actor) -> None:
        before, after = self.machine.fire(trigger)
        if before != after:
            self._event(
                out,
                today,
                "stage",
                {"from": before.value, "to": after.value, "procedure": self.state.procedure.value, "trigger": trigger},
                actor,
            )
        if after in TERMINAL_STAGES:
            self._end(out, today, trigger)

    def _title(self, out: Outcome, today: date, status: TitleStatus, actor: Actor = SYSTEM_ACTOR) -> None:
        self.state.title_status = status
        self._event(
            out,
            today,
            "title",
            {
                "status": status.value,
                "valid_until": self.state.valid_until.isoformat() if self.state.valid_until else None,
                "title": self.state.title,
                "conferred_on": self.state.conferred_on.isoformat() if self.state.conferred_on else None,
            },
            actor,
        )

    def _clear(self, out: Outcome, today: date, key: str, reason: str, actor: Actor = SYSTEM_ACTOR) -> None:
        d = self.state.deadlines.pop(key, None)
        if d is None:
            return
        self._event(
            out,
            today,
            "deadline_cleared",
            {"what": d.what, "key": d.key, "due": d.due.isoformat(), "reason": reason, "late": d.overdue_since is not None},
            actor,
        )

    def _clear_kind(self, out: Outcome, today: date, kinds: tuple[DeadlineKind, ...], reason: str) -> None:
        for key in [k for k, d in self.state.deadlines.items() if d.what in kinds]:
            self._clear(out, today, key, reason)

    def _end(self, out: Outcome, today: date, why: str) -> None:
        for key in sorted(self.state.deadlines):
            self._clear(out, today, key, "lifecycle ended")
        self.state.ended_reason = why
        if "ended" not in out.effects:
            out.effects.append("ended")

    def arm(self, plan: DeadlinePlan, today: date, actor: Actor = SYSTEM_ACTOR) -> Outcome:
        out = Outcome()
        deadline = Deadline(
            key=plan.key,
            what=plan.what,
            due=plan.due,
            armed_on=today,
            anchor=plan.anchor,
            params=dict(plan.params),
            reminders=list(plan.reminders),
            calendar_version=plan.calendar_version,
            provisional=plan.provisional,
            basis=plan.basis,
            working_dates=list(plan.working_dates),
        )
        self.state.deadlines[plan.key] = deadline
        self._event(
            out,
            today,
            "deadline",
            {
                "what": plan.what,
                "key": plan.key,
                "due": plan.due.isoformat(),
                "reminders": [r.isoformat() for r in deadline.pending_reminders()],
                "anchor": plan.anchor.isoformat(),
                "calendar_version": plan.calendar_version,
                "provisional": plan.provisional,
                "basis": plan.basis,
            },
            actor,
        )
        return out

    # ------------------------------------------------------------ checking staff actions

    def check(self, action: str, data: Mapping[str, Any], actor: Actor, today: date) -> dict[str, Any]:
        """Raise the rule's ``DomainError`` if ``actor`` may not take ``action`` now with
        ``data``; otherwise return the parsed data the apply step will use."""
        if action not in ACTIONS or action == "hold_meeting":
            if action == "hold_meeting":
                raise DomainError("action_not_allowed", "会长办公会决定通过“记录会长办公会决定”统一录入，不能单独对一个集群提交")
            raise DomainError("action_unknown", f"未知的操作“{action}”")
        if not isinstance(data, Mapping):
            raise DomainError("invalid_data", "操作数据应为对象")
        label = ACTION_LABELS.get(action, action)
        allowed_roles = roles_for(action)
        if actor.role not in allowed_roles:
            names = "、".join(Role(r).label for r in allowed_roles)
            raise DomainError("role_not_allowed", f"“{label}”只能由{names}办理，{actor.describe()}无此权限")
        if self.terminal:
            raise DomainError(
                "lifecycle_ended", f"该集群的共建已结束（{self.state.stage.label}），不能再{label}"
            )
        if not self.machine.may(action):
            raise DomainError("action_not_allowed", self._why_not(action, label))
        handler = getattr(self, f"_check_{action}", None)
        return handler(data, actor, today) if handler else {}

    def _why_not(self, action: str, label: str) -> str:
        st = self.state
        where = f"当前阶段为“{st.stage.label}”"
        if st.stage in PROCEDURE_STAGES:
            where += f"（{st.procedure.label}程序）"
        if action == "accept_application" and st.stage == Stage.APPLIED:
            names = "、".join(b["name"] for b in st.outstanding_opinions())
            return f"尚缺以下单位的审查意见：{names}，暂不能受理（§三(一)）"
        if action == "complete_formal_review" and st.supplement_items:
            return "已要求补充材料，须待申请方提交补充材料后才能完成形式审查"
        if action == "request_supplement" and st.supplement_items:
            return "已要求补充材料，尚未收到，不能重复要求"
        if action == "submit_supplement" and st.stage == Stage.FORMAL_REVIEW:
            return "秘书处未要求补充材料"
        if action == "record_opinion" and st.stage == Stage.APPLIED:
            return "所需的审查意见已全部收到"
        if action == "submit_annual_report":
            return "目前没有待报送的年度报表"
        if action == "file_title_change" and st.stage == Stage.DESIGNATED:
            return "称号须在有效期内才能申请变更或提升（§四(五)）"
        if action == "withdraw" and st.stage in PROCEDURE_STAGES:
            return f"{st.procedure.label}程序中不能撤回；如需终止请由会领导决定"
        return f"{where}，不能{label}"

    def _check_file_application(self, data, actor, today):
        app = check_application(self.policy, data)
        compose_title(self.policy, self.state.profile)
        return {"application": app, **self._annex3(data, today, Procedure.DESIGNATION)}

    def _check_record_opinion(self, data, actor, today):
        outstanding = self.state.outstanding_opinions()
        body = str(data.get("body") or actor.name).strip()
        match = next((b for b in outstanding if b["name"] == body), None)
        if match is None:
            named = [b["name"] for b in (self.state.application or {}).get("bodies", [])]
            if body in named:
                raise DomainError("opinion_duplicate", f"“{body}”的审查意见已经收到")
            raise DomainError(
                "opinion_body_not_named",
                f"“{body}”不是本申请所列的意见单位（待出具：{'、'.join(b['name'] for b in outstanding)}）",
            )
        want = Role.ASSOCIATION if match["kind"] == ASSOCIATION else Role.PROVINCIAL
        if actor.role != want:
            raise DomainError(
                "opinion_role_mismatch", f"“{body}”的意见应由{want.label}出具，{actor.describe()}不能代为出具"
            )
        recommend = data.get("recommend")
        if recommend is not None and not isinstance(recommend, bool):
            raise DomainError("invalid_data", "recommend 应为 true 或 false")
        return {"body": body, "kind": match["kind"], "text": str(data.get("text") or ""), "recommend": recommend}

    def _check_approve_site_visit(self, data, actor, today):
        panel, visit = check_panel(
            self.policy, data.get("panel"), self.state.profile.region.code, data.get("visit_on"), today
        )
        return {"panel": panel, "visit_on": visit}

    def _check_record_site_report(self, data, actor, today):
        panel = self.state.panel
        leads = [m["name"] for m in panel if m.get("lead")]
        members = [m["name"] for m in panel]
        if leads and actor.name not in leads:
            raise DomainError("not_panel_lead", f"考评报告应由专家组组长 {leads[0]} 提交，{actor.name} 不是组长")
        if actor.name not in members:
            raise DomainError("not_panel_member", f"{actor.name} 不是本次考评专家组成员，不能提交考评报告")
        profile = self.state.pending_profile or self.state.profile
        new_cluster = self.state.procedure in (Procedure.DESIGNATION, Procedure.TITLE_CHANGE)
        full = check_report(  # 附件四 (domain.cnlic.site_report), over the older checks of domain.cnlic.rules
            self.policy, data, tier=profile.tier, new_cluster=new_cluster,
            evaluation_indicators=self.state.evaluation_indicators, panel=panel, visit_on=self.state.visit_on,
            kept_annex3=(self.state.application or {}).get("annex3"),
            annual=None if new_cluster else annual_reports_of(self.policy, self.state, today),
            today=today, clarified=getattr(self.state, "clarified", True))
        return {"report": full.report, **({"annex4": full.sections} if full.sections else {})}

    def _check_record_formal_opinion(self, data, actor, today):
        if self.state.clarified:
            return self._check_formal_opinion_clarified(data, actor, today)
        app = self.state.application or {}
        bodies = app.get("bodies", [])
        recommend = data.get("recommend")
        if recommend is not None and not isinstance(recommend, bool):
            raise DomainError("invalid_data", "recommend 应为 true 或 false")
        if actor.role == Role.SECRETARIAT:
            if bodies:
                names = "、".join(b["name"] for b in bodies)
                raise DomainError("formal_opinion_body", f"本申请的正式意见应由 {names} 行文提出，不能由秘书处代替")
            body = str(data.get("body") or "中国轻工业联合会").strip()
        else:
            body = str(data.get("body") or actor.name).strip()
            kind = ASSOCIATION if actor.role == Role.ASSOCIATION else PROVINCIAL
            named = [b["name"] for b in bodies if b["kind"] == kind]
            if body not in named:
                raise DomainError(
                    "opinion_body_not_named",
                    f"“{body}”不是本申请所列的{Role(actor.role).label}（{'、'.join(named) or '无'}），不能行文提出正式意见",
                )
        return {"body": body, "text": str(data.get("text") or ""), "recommend": recommend}

    def _check_request_supplement(self, data, actor, today):
        return {"items": require_items(data, "补充材料")}

    def _check_submit_supplement(self, data, actor, today):
        return {"items": require_items(data, "提交的补充材料")}

    # set by the workflow from workflow.patched: False while replaying a history recorded
    # before 附件五 was complete (issue 11), so that history keeps its old path
    annual_report_v2 = True

    def _check_submit_annual_report(self, data, actor, today):
        if not self.annual_report_v2:
            report = check_annual_report_v1(self.policy, data, self.state.last_annual_indicators)
            self._owed_annual(report.year)
            return {"report": report, "late": self.state.deadlines[f"annual_report:{report.year}"].overdue_since is not None}
        year = data.get("year") if isinstance(data, Mapping) else None
        if isinstance(year, int) and not isinstance(year, bool):
            self._owed_annual(year)
        figures = self._annual_figures()
        # 同比 against the report for the previous calendar year, whenever it was filed
        report = check_annual_report(self.policy, data, figures.get(str(year - 1)) if isinstance(year, int) else None,
                                     following=figures.get(str(year + 1)) if isinstance(year, int) else None)
        self._owed_annual(report.year)
        if report.year >= today.year:
            raise DomainError("annual_report_year_not_ended",
                              f"{report.year} 年尚未结束，年度报表报送上一年度的情况（§四(一)）")
        return {"report": report, "late": self.state.deadlines[f"annual_report:{report.year}"].overdue_since is not None}

    def _owed_annual(self, year: int) -> None:
        if f"annual_report:{year}" in self.state.deadlines:
            return
        if str(year) in self.state.annual_reports:
            raise DomainError("annual_report_duplicate", f"{year} 年度报表已经报送")
        owed = sorted(d.params.get("year") for d in self.state.deadlines.values() if d.what == "annual_report")
        raise DomainError(
            "annual_report_year_invalid",
            f"{year} 年度没有待报送的报表（待报送年度：{'、'.join(map(str, owed)) or '无'}）",
        )

    def _annual_figures(self) -> dict[str, dict[str, Any]]:
        """The kept figures by year; a lifecycle that filed before issue 11 kept only the last
        report's numbers, which belong to the last year filed."""
        st = self.state
        figures = dict(st.annual_figures)
        if st.last_annual_indicators and st.annual_reports:
            last = list(st.annual_reports)[-1]  # filing order: the dict keeps it
            figures.setdefault(last, dict(st.last_annual_indicators))
        return figures

    def _reapplication(self, data) -> Any:
        if data.get("route") is None and self.state.application:
            prev = self.state.application
            data = {
                "route": prev["route"],
                "bodies": prev["bodies"],
                "industry_history_years": prev["industry_history_years"],
                "attachments": data.get("attachments"),
            }
        return check_application(self.policy, data)

    def _annex3(self, data, today, procedure: Procedure) -> dict[str, Any]:
        """附件三's tables when the filing has them (domain.cnlic.annex3; data filed before them has none)."""
        if data.get("annex3") is None:
            return {}
        ev_year = evaluation_year_of(self.state.evaluation_indicators, self.state.conferred_on)
        return {"annex3": check_annex3(data["annex3"], procedure.value, today, ev_year).as_event()}

    def _keep_annex3(self, p) -> None:
        if p.get("annex3") is not None and self.state.application is not None:
            self.state.application["annex3"] = kept_from_event(p["annex3"])

    def _check_file_reevaluation(self, data, actor, today):
        return {"application": self._reapplication(data), **self._annex3(data, today, Procedure.REEVALUATION)}

    def _check_file_rectification_review(self, data, actor, today):
        return {"application": self._reapplication(data),
                **self._annex3(data, today, Procedure.RECTIFICATION_REVIEW)}

    def _check_file_title_change(self, data, actor, today):
        p = self.state.profile
        changes: dict[str, Any] = {}
        for key in ("product", "tier", "title_word", "activity"):
            if data.get(key) is not None:
                changes[key] = str(data[key])
        # RULES.md "Title words": a title change that sets naming elements records each element's
        # extra indicators (required under the clarified rules; a recorded history keeps its path)
        if data.get("element_indicators") is not None or (data.get("elements") and self.state.clarified):
            changes["element_indicators"] = _element_indicators(data.get("element_indicators") or {})
        if data.get("elements") is not None:
            if not isinstance(data["elements"], list):
                raise DomainError("invalid_data", "elements 应为命名元素列表")
            changes["elements"] = tuple(str(e) for e in data["elements"])
        if data.get("region_name"):
            changes["region"] = replace(p.region, name=str(data["region_name"]))
        if "tier" in changes and "title_word" not in changes:
            changes["title_word"] = ""
        proposed = replace(p, **changes)
        new_title = compose_title(self.policy, proposed)
        if new_title == self.state.title:
            raise DomainError("title_unchanged", f"申请的称号“{new_title}”与现有称号相同")
        return {"application": self._reapplication(data), "profile": proposed, "new_title": new_title,
                **self._annex3(data, today, Procedure.TITLE_CHANGE)}

    def _check_revoke(self, data, actor, today):
        return {"reason": require_reason(data, "取消称号")}

    def _check_withdraw(self, data, actor, today):
        return {"reason": str(data.get("reason") or "").strip()}

    # ------------------------------------------------------------ applying staff actions

    def apply(self, action: str, data: Mapping[str, Any], actor: Actor, today: date) -> Outcome:
        parsed = self.check(action, data, actor, today)
        out = Outcome()
        self._event(out, today, "action", {"action": action, **_summary(action, parsed, data)}, actor)
        getattr(self, f"_apply_{action}")(out, parsed, actor, today)
        return out

    def _reset_procedure(self) -> None:
        st = self.state
        st.opinions, st.panel, st.visit_on, st.score = [], [], None, None
        st.formal_opinions, st.approval = [], None
        st.pending_indicators, st.supplement_items = {}, []

    def _apply_file_application(self, out, p, actor, today):
        self.state.procedure = Procedure.DESIGNATION
        self._reset_procedure()
        self.state.application = self._application_record(p["application"], today, late=False)
        self._keep_annex3(p)
        self._clear(out, today, "cultivation", "application filed", actor)
        self._move(out, today, "file_application", actor)

    def _apply_record_opinion(self, out, p, actor, today):
        # the opinion's text is in the journal; the state keeps who has answered and how
        self.state.opinions.append(Opinion(p["body"], p["kind"], "", p["recommend"], today, actor))

    def _apply_accept_application(self, out, p, actor, today):
        self._move(out, today, "accept_application", actor)
        out.arm.append(DeadlineRequest("site_visit", "site_visit", today))

    def _apply_approve_site_visit(self, out, p, actor, today):
        self.state.panel = [asdict(m) for m in p["panel"]]
        self.state.visit_on = p["visit_on"]
        self._clear(out, today, "site_visit", "site visit approved", actor)
        self._move(out, today, "approve_site_visit", actor)

    def _apply_record_site_report(self, out, p, actor, today):
        report = p["report"]
        self.state.score = report.score.as_dict()
        self.state.pending_indicators = {
            k: v["value"] for k, v in report.indicators.items() if v.get("value") is not None
        }
        if p.get("annex4", {}).get("figures_year") is not None:  # the year a re-evaluation will compare with
            self.state.pending_indicators[EVALUATION_YEAR] = p["annex4"]["figures_year"]
        self._move(out, today, "record_site_report", actor)

    def _apply_record_formal_opinion(self, out, p, actor, today):
        if self.state.clarified:
            return self._apply_formal_opinion_clarified(out, p, actor, today)
        self._move(out, today, "record_formal_opinion", actor)
        out.arm.append(DeadlineRequest("formal_review", "formal_review", today))

    def _apply_request_supplement(self, out, p, actor, today):
        self.state.supplement_items = list(p["items"])
        self._clear(out, today, "formal_review", "stopped: supplement requested", actor)

    def _apply_submit_supplement(self, out, p, actor, today):
        self.state.supplement_items = []
        out.arm.append(DeadlineRequest("formal_review", "formal_review", today, {"restart": True}))

    def _apply_complete_formal_review(self, out, p, actor, today):
        self._clear(out, today, "formal_review", "formal review completed", actor)
        self._move(out, today, "complete_formal_review", actor)
        out.arm.append(DeadlineRequest("meeting", "meeting", today))
        out.effects.append("enqueue_meeting")

    def _apply_submit_annual_report(self, out, p, actor, today):
        report = p["report"]
        key = f"annual_report:{report.year}"
        late = p["late"]
        figures = self._annual_figures() if self.annual_report_v2 else {}
        self.state.annual_reports[str(report.year)] = {"filed_on": today.isoformat(), "late": late}
        if self.annual_report_v2:
            # per-year numbers for a bounded number of years; the texts stay in the journal
            figures[str(report.year)] = report.figures()
            self.state.annual_figures = kept_annual_figures(figures)
            self.state.last_annual_indicators = {}
        else:
            self.state.last_annual_indicators = {k: v for k, v in report.indicators.items()
                                                 if isinstance(v, (int, float)) and not isinstance(v, bool)}
        self._clear(out, today, key, "report filed late" if late else "report filed", actor)
        self._arm_next_annual(out, report.year + 1)

    def _arm_next_annual(self, out: Outcome, year: int) -> None:
        key = f"annual_report:{year}"
        if self.state.title_status in HELD_TITLES and key not in self.state.deadlines and str(year) not in self.state.annual_reports:
            out.arm.append(self._annual_request(year))

    def _start_procedure(self, out, p, actor, today, procedure: Procedure, trigger: str, late: bool) -> None:
        self.state.procedure = procedure
        self._reset_procedure()
        self.state.application = self._application_record(p["application"], today, late=late)
        self._keep_annex3(p)
        self._move(out, today, trigger, actor)

    def _apply_file_reevaluation(self, out, p, actor, today):
        d = self.state.deadlines.get("reevaluation_application")
        late = self.state.stage == Stage.EXPIRED or (d is not None and d.overdue_since is not None)
        self.state.reevaluation_in_time = self.state.stage == Stage.DESIGNATED
        self._clear(out, today, "reevaluation_application", "re-evaluation filed late" if late else "re-evaluation filed", actor)
        self._start_procedure(out, p, actor, today, Procedure.REEVALUATION, "file_reevaluation", late)

    def _apply_file_rectification_review(self, out, p, actor, today):
        if not self.state.clarified:  # §四(三): the year keeps running through the review
            self._clear(out, today, "rectification", "rectification review filed", actor)
        self._start_procedure(out, p, actor, today, Procedure.RECTIFICATION_REVIEW, "file_rectification_review", False)

    def _apply_file_title_change(self, out, p, actor, today):
        self.state.pending_profile = p["profile"]
        self._start_procedure(out, p, actor, today, Procedure.TITLE_CHANGE, "file_title_change", False)

    def _apply_revoke(self, out, p, actor, today):
        waiting = self.state.stage == Stage.AWAITING_MEETING
        self._move(out, today, "revoke", actor)
        self._title(out, today, TitleStatus.REVOKED, actor)
        if waiting:
            out.effects.append("dequeue_meeting")

    def _apply_withdraw(self, out, p, actor, today):
        waiting = self.state.stage == Stage.AWAITING_MEETING
        if self.state.procedure == Procedure.TITLE_CHANGE and self.state.stage in PROCEDURE_STAGES:
            self.state.pending_profile = None
            self._clear_kind(out, today, PROCEDURE_CLOCKS, "title change withdrawn")
        self._move(out, today, "withdraw", actor)
        if waiting:
            out.effects.append("dequeue_meeting")

    # ------------------------------------------------------------ attachments (issue 10 item 4)

    def attach_facts(self) -> "AttachFacts":
        from domain.attachments import AttachFacts

        st = self.state
        return AttachFacts(st.stage.value, tuple(m["name"] for m in st.panel if m.get("lead")),
                           bool(st.supplement_items))

    def attach(self, meta: Any, actor: Actor, today: date) -> Outcome:
        """Journal an attachment's facts (hash, name, size, type, purpose, note), never its
        bytes; who may attach what and when is ``domain.attachments``. The state is unchanged."""
        from domain.attachments import check_attach, check_meta

        check_meta(meta)
        check_attach(meta.purpose, actor, self.attach_facts())
        out = Outcome()
        self._event(out, today, "attachment", meta.as_event_data(), actor)
        return out

    # ------------------------------------------------------------ views

    def snapshot(self, today: date | None = None) -> dict[str, Any]:
        st = self.state
        open_ = self.open_deadlines()
        nxt = [d for d in open_ if d.overdue_since is None]
        return {
            "key": st.key,
            "stage": st.stage.value,
            "procedure": st.procedure.value,
            "title_status": st.title_status.value,
            "title": st.title or _safe_title(self.policy, st.profile),
            "valid_until": st.valid_until.isoformat() if st.valid_until else None,
            "conferred_on": st.conferred_on.isoformat() if st.conferred_on else None,
            "expired_on": st.expired_on.isoformat() if st.expired_on else None,
            "policy_version": st.policy_version,
            "cycle": st.cycle,
            "seq": st.seq,
            "next_deadline": nxt[0].due.isoformat() if nxt else None,
            "next_deadline_what": nxt[0].what if nxt else None,
            "overdue": any(d.overdue_since for d in open_),
            "supplement_items": list(st.supplement_items),
            "outstanding_opinions": self.owed_opinions(),
            "outstanding_formal_opinions": st.outstanding_formal_opinions() if st.clarified else [],
            "approval": dict(st.approval) if st.approval else None,
            "document": dict(st.document) if st.document else None,
            "journal_head": st.journal_head,
            "journal_head_seq": st.journal_head_seq,
        }
