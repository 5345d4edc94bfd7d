"""Starting a lifecycle (a mixin of ``Lifecycle``): a cluster registered in cultivation or
with its application, or a title conferred before the service onboarded (RULES.md program 1),
and the records and clock requests a start shares with later steps (a re-application's
record, the validity clocks a conferral arms, the next annual report)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.calendar import period_end
from domain.cnlic.deadlines import DeadlineRequest
from domain.cnlic.lifecycle_state import Outcome, StartSpec, _profile_dict
from domain.cnlic.model import Actor, ClusterProfile, Stage, TitleStatus
from domain.cnlic.policy import Policy
from domain.cnlic.rules import check_application, compose_title
from domain.cnlic.starts import check_evaluation
from domain.errors import DomainError
from domain.limits import check_name


class LifecycleStart:
    state: Any  # Lifecycle's state and policy; ``_event`` and ``_title`` are Lifecycle's too
    policy: Any

    def start(self, spec: StartSpec, actor: Actor, today: date) -> Outcome:
        """Register a new lifecycle (or onboard an existing title)."""
        out = Outcome()
        st = self.state
        if not spec.title:
            compose_title(self.policy, st.profile)  # the profile must make a valid title
        if spec.stage == Stage.CULTIVATION:
            planned = spec.planned_years or self.policy.cultivation_default_years
            if not self.policy.cultivation_min_years <= planned <= self.policy.cultivation_max_years:
                raise DomainError(
                    "cultivation_years_out_of_range",
                    f"培育期计划 {planned} 年，应为 {self.policy.cultivation_min_years}–"
                    f"{self.policy.cultivation_max_years} 年（§二(一)）",
                )
            st.stage, st.cultivation_started_on, st.planned_years = Stage.CULTIVATION, spec.on, planned
            self._event(out, today, "registered", self._registration(spec), actor)
            self._event(out, today, "stage", {"from": None, "to": "cultivation", "procedure": "designation"}, actor)
            out.arm.append(DeadlineRequest("cultivation", "cultivation", spec.on, {"planned_years": planned}))
        elif spec.stage == Stage.APPLIED:
            app = check_application(self.policy, spec.application or {})
            st.stage = Stage.APPLIED
            st.application = self._application_record(app, spec.on, late=False)
            self._event(out, today, "registered", self._registration(spec), actor)
            self._event(out, today, "stage", {"from": None, "to": "applied", "procedure": "designation"}, actor)
        elif spec.stage == Stage.DESIGNATED:
            if spec.on > today:
                raise DomainError("invalid_date", f"授名日期 {spec.on} 晚于今天 {today}，导入的称号须已授予")
            evaluation = check_evaluation(self.policy, spec.evaluation, spec.on) if spec.evaluation is not None else None
            if spec.document_number:
                check_name(spec.document_number, "发文文号")
            if spec.title:
                check_name(spec.title, "称号")
            st.title = spec.title or compose_title(self.policy, st.profile)
            st.conferred_on = spec.on
            if evaluation is not None:
                # a later re-evaluation's site report compares with these (附件四 二)
                st.evaluation_indicators = dict(evaluation["indicators"])
            st.valid_until = period_end(spec.on, years=self.policy.validity_years)
            self._event(out, today, "registered", self._registration(spec), actor)
            if today > st.valid_until:
                st.stage = Stage.EXPIRED
                st.expired_on = st.valid_until + timedelta(days=1)
                self._event(out, today, "stage", {"from": None, "to": "expired", "procedure": "designation"}, actor)
                self._title(out, today, TitleStatus.EXPIRED, actor)
            else:
                st.stage = Stage.DESIGNATED
                self._event(out, today, "stage", {"from": None, "to": "designated", "procedure": "designation"}, actor)
                self._title(out, today, TitleStatus.VALID, actor)
                out.arm += self._validity_clocks(spec.on)
                # reports before the import are outside the record: only the next one due
                year = today.year - 1 if today <= date(today.year, self.policy.annual_report_due_month,
                                                         self.policy.annual_report_due_day) else today.year
                year = max(year, spec.on.year)
                out.arm.append(self._annual_request(year))
        else:
            raise DomainError("invalid_start", f"起始阶段“{spec.stage}”无效，应为 cultivation、applied 或 designated")
        return out

    def _registration(self, spec: StartSpec) -> dict[str, Any]:
        p = self.state.profile
        start: dict[str, Any] = {"stage": spec.stage, "on": spec.on.isoformat(), "planned_years": spec.planned_years}
        # only when given, so a lifecycle started before issue 10 records exactly what it did
        if spec.document_number:
            start["document_number"] = spec.document_number
        if spec.evaluation is not None:
            start["evaluation"] = check_evaluation(self.policy, spec.evaluation, spec.on)
        return {
            "profile": _profile_dict(p),
            "start": start,
            "policy_version": self.policy.version,
            "title": self.state.title or _safe_title(self.policy, p),
        }

    def _validity_clocks(self, conferred: date) -> list[DeadlineRequest]:
        return [
            DeadlineRequest("expiry", "expiry", conferred),
            DeadlineRequest("reevaluation_application", "reevaluation_application", conferred),
        ]

    def _annual_request(self, year: int) -> DeadlineRequest:
        return DeadlineRequest(f"annual_report:{year}", "annual_report", date(year + 1, 1, 1), {"year": year})

    def _application_record(self, app: Any, today: date, late: bool) -> dict[str, Any]:
        return {
            "route": app.route,
            "bodies": [{"name": b.name, "kind": b.kind} for b in app.bodies],
            "industry_history_years": app.industry_history_years,
            # the attachments themselves are in the journal's action event: the state keeps
            # what later decisions read (bodies, route, years for a re-application)
            "attachments_count": len(app.attachments),
            "attachments_itemised": app.attachments_itemised,
            "filed_on": today.isoformat(),
            "late": late,
            "procedure": self.state.procedure.value,
        }


def _safe_title(policy: Policy, profile: ClusterProfile) -> str:
    try:
        return compose_title(policy, profile)
    except DomainError:
        return ""
