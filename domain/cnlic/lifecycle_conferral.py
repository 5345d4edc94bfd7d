"""How a title is conferred, as RULES.md "Program 1 — clarifications" settles it: the meeting
approves (§三(三)), the joint document confers the title and starts its 4-year validity
(§三(四)); the score sheet's total must reach the pass mark first (附件一 备注2); every
association the route names sends its own formal opinion (§三(三)). A mixin of
``domain.cnlic.lifecycle.Lifecycle``; every rule here applies only to a state marked ``clarified``
(the workflow's ``workflow.patched``), so a recorded history keeps the first build's rules.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from domain.calendar import parse_date, period_end
from domain.cnlic.deadlines import DeadlineRequest
from domain.errors import DomainError
from domain.limits import check_name
from domain.cnlic.lifecycle_state import Outcome
from domain.cnlic.model import Actor, DeadlineKind, Procedure, Role, Stage, TitleStatus
from domain.cnlic.rules import compose_title

CNLIC = "中国轻工业联合会"
MAX_ISSUING_BODIES = 20


class LifecycleConferral:
    # ------------------------------------------------------------ 附件一 备注2: total ≥ 70

    def score_refusal(self) -> DomainError | None:
        """The refusal while the recorded score sheet totals under the pass mark."""
        st = self.state
        if not st.clarified or not st.score:
            return None
        total = st.score.get("total")
        if total is None or float(total) >= float(self.policy.pass_mark):
            return None
        return DomainError(
            "score_below_pass",
            f"考评打分表总得分 {total:g} 分，低于 {self.policy.pass_mark:g} 分（附件一 备注2：总得分70分及以上为达标），"
            "不能完成形式审查或批准授名",
        )

    def _check_complete_formal_review(self, data, actor, today):
        # a sheet under the pass mark cannot go forward for approval; the secretariat may still
        # complete the review to put the cluster before the meeting for refusal (§三(三): the
        # meeting decides), which is how a failing re-evaluation reaches rectification
        refer = data.get("refer_for_refusal")
        if refer is not None and not isinstance(refer, bool):
            raise DomainError("invalid_data", "refer_for_refusal 应为 true 或 false")
        refusal = self.score_refusal()
        if refusal is not None and not refer:
            raise DomainError(refusal.code, refusal.message + "；如需提请会长办公会不予授名，请选择“提请不予授名”")
        return {"refer_for_refusal": True} if refer else {}

    # ------------------------------------------------------------ §三(三) formal opinions

    def _check_formal_opinion_clarified(self, data: Mapping[str, Any], actor: Actor, today: date) -> dict[str, Any]:
        st = self.state
        recommend = data.get("recommend")
        if recommend is not None and not isinstance(recommend, bool):
            raise DomainError("invalid_data", "recommend 应为 true 或 false")
        givers = st.formal_opinion_givers()
        if actor.role == Role.PROVINCIAL:
            raise DomainError(
                "formal_opinion_not_provincial",
                "省级轻工行业组织的审查意见属申请阶段意见（§三(一)），正式意见由申请所列的行业协（学）会、中心行文提出（§三(三)）",
            )
        if actor.role == Role.SECRETARIAT:
            if givers:
                raise DomainError(
                    "formal_opinion_body", f"本申请的正式意见应由 {'、'.join(givers)} 各自行文提出，不能由秘书处代替"
                )
            body = str(data.get("body") or CNLIC).strip()
        else:
            body = str(data.get("body") or actor.name).strip()
            if body not in givers:
                raise DomainError(
                    "opinion_body_not_named",
                    f"“{body}”不是本申请所列的行业协（学）会、中心（{'、'.join(givers) or '无'}），不能行文提出正式意见",
                )
        if body in st.formal_opinions:
            raise DomainError("formal_opinion_duplicate", f"“{body}”的正式意见已经收到（§三(三) 每个单位行文一份）")
        return {"body": body, "text": str(data.get("text") or ""), "recommend": recommend}

    def owed_opinions(self) -> list[str]:
        """The bodies whose opinion is owed now: the application's (§三(一)), or, at the
        association-opinion step, the named associations' formal ones (§三(三))."""
        st = self.state
        if st.stage == Stage.ASSOCIATION_OPINION and st.clarified and st.formal_opinion_givers():
            return st.outstanding_formal_opinions()
        return [b["name"] for b in st.outstanding_opinions()]

    def _apply_formal_opinion_clarified(self, out: Outcome, p: dict[str, Any], actor: Actor, today: date) -> None:
        self._move(out, today, "record_formal_opinion", actor)
        self.state.formal_opinions.append(p["body"])
        if self.state.stage == Stage.FORMAL_REVIEW:  # the last required one: 15 working days from today
            out.arm.append(DeadlineRequest("formal_review", "formal_review", today))

    # ------------------------------------------------------------ §三(四) the joint document

    def _check_record_joint_document(self, data, actor, today):
        st = self.state
        approved_on = date.fromisoformat(st.approval["held_on"]) if st.approval else None
        parsed = check_joint_document(data, approved_on, today)
        parsed["meeting_id"] = str(data.get("meeting_id") or (st.approval or {}).get("meeting_id") or "")
        return parsed

    def _apply_record_joint_document(self, out: Outcome, p: dict[str, Any], actor: Actor, today: date) -> None:
        st = self.state
        st.document = {"number": p["number"], "issued_on": p["issued_on"].isoformat(), "bodies": list(p["bodies"]),
                       "meeting_id": p["meeting_id"]}
        st.approval = None
        self._confer(out, p["issued_on"], "record_joint_document", actor, today)

    def apply_joint_document(self, data: Mapping[str, Any], actor: Actor, today: date) -> Outcome:
        """The program's joint document for one meeting, reaching this lifecycle once."""
        dedup = f"document:{data.get('meeting_id')}"
        if dedup in self.state.handled:
            return Outcome()
        out = self.apply("record_joint_document", data, actor, today)
        self.state.handled.append(dedup)
        return out

    # ------------------------------------------------------------ conferring the title

    def _approve(self, out: Outcome, meeting_id: str, held_on: date, trigger: str, actor: Actor, today: date) -> None:
        """The meeting approved: with the joint document step, wait for it; before it, confer now."""
        st = self.state
        if not st.clarified:
            self._confer(out, held_on, trigger, actor, today)
            return
        self._move(out, today, trigger, actor)
        st.approval = {"meeting_id": meeting_id, "held_on": held_on.isoformat()}
        if st.procedure == Procedure.RECTIFICATION_REVIEW:
            self._clear_kind(out, today, (DeadlineKind.RECTIFICATION,), "rectification review passed")

    def _confer(self, out: Outcome, on: date, trigger: str, actor: Actor, today: date) -> None:
        """Confer (or renew, or change) the title on ``on``: the validity runs from that day."""
        st = self.state
        procedure = st.procedure
        if procedure == Procedure.TITLE_CHANGE and st.pending_profile is not None:
            st.profile, st.pending_profile = st.pending_profile, None
            st.title = compose_title(self.policy, st.profile)
            resets = self.policy.title_change_resets_validity
        else:
            st.title = st.title or compose_title(self.policy, st.profile)
            resets = True
        if st.pending_indicators:
            st.evaluation_indicators = dict(st.pending_indicators)
        self._move(out, today, trigger, actor)
        if resets:
            st.conferred_on = on
            st.valid_until = period_end(on, years=self.policy.validity_years)
            st.expired_on = None
            st.reevaluation_in_time = None
            self._clear_kind(
                out, today, (DeadlineKind.EXPIRY, DeadlineKind.REEVALUATION_APPLICATION, DeadlineKind.RECTIFICATION),
                "new validity cycle",
            )
            out.arm += self._validity_clocks(on)
            st.cycle += 1
            out.effects.append("new_cycle")
        self._title(out, today, TitleStatus.VALID, actor)
        if not any(d.what == "annual_report" for d in st.deadlines.values()):
            self._arm_next_annual(out, on.year)


def check_joint_document(data: Mapping[str, Any], approved_on: date | None, today: date) -> dict[str, Any]:
    """The joint document's number, date and issuing bodies (§三(四)): the date lies between
    the meeting's approval and today; CNLIC is among the issuers. Used by the program's
    meeting-wide action and by one lifecycle's alike."""
    if not isinstance(data, Mapping):
        raise DomainError("invalid_data", "联合发文数据应为对象")
    number = str(data.get("number") or "").strip()
    if not number:
        raise DomainError("document_number_missing", "请填写联合发文的文号（§三(四)）")
    check_name(number, "发文文号")
    issued_on = parse_date(data.get("issued_on"), "发文日期")
    if approved_on is not None and issued_on < approved_on:
        raise DomainError("document_date_invalid", f"发文日期 {issued_on} 早于会长办公会批准的日期 {approved_on}")
    if issued_on > today:
        raise DomainError("document_date_invalid", f"发文日期 {issued_on} 晚于今天 {today}，请在发文后录入")
    bodies = data.get("bodies")
    if not bodies:
        bodies = [CNLIC]
    if not isinstance(bodies, (list, tuple)) or len(bodies) > MAX_ISSUING_BODIES:
        raise DomainError("document_bodies_invalid", f"发文单位应为 1–{MAX_ISSUING_BODIES} 个单位的列表")
    names: list[str] = []
    for b in bodies:
        name = str(b or "").strip()
        check_name(name, "发文单位")
        if name and name not in names:
            names.append(name)
    if CNLIC not in names:
        raise DomainError("document_bodies_invalid",
                          f"称号由{CNLIC}与行业协会联合发文授予（§三(四)），发文单位须含{CNLIC}")
    return {"number": number, "issued_on": issued_on, "bodies": names}
