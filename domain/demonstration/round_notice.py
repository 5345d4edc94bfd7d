"""The public notice, its objections, approval and commendation of a round (RULES.md program 2
"Steps"; seeds/000 三、(三) 网上公示, 四、经过社会监督、审核、批准、表彰): a mixin of ``round.Round``,
which holds the state and the step table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Mapping, Sequence

from domain.calendar import add_calendar_days
from domain.demonstration.policy import DemonstrationPolicy
from domain.demonstration.stages import Stage
from domain.errors import DomainError
from domain.limits import LIMITS, check_name
from domain.roles import SYSTEM_ACTOR, Actor


@dataclass
class Objection:
    id: str
    cluster_key: str
    received_on: date
    source: str
    text: str
    upheld: bool | None = None
    reason: str = ""
    resolved_on: date | None = None


class RoundNotice:
    """Steps after the vote; ``Round`` provides the state, ``_step``, ``_event``, ``_move``."""

    # ------------------------------------------------------------ public notice and objections

    def publish_notice(self, published_on: date, actor: Actor, today: date) -> date:
        self._step("publish_notice", actor)
        if self.voted_on is None:
            raise DomainError("vote_missing", "审核委员会投票结果尚未记录，不能公示（评选办法 三、(三)）")
        if not self.proposed():
            raise DomainError("no_candidates", "没有投票通过的集群，无需公示")
        if published_on < self.voted_on or published_on > today:
            raise DomainError("notice_date_invalid", f"公示日期 {published_on} 应在投票日 {self.voted_on} 与今天 {today} 之间")
        self.notice_published_on = published_on
        self.notice_ends_on = notice_end(published_on, self.policy)
        self._event(today, "notice", {"published_on": published_on.isoformat(), "ends_on": self.notice_ends_on.isoformat(),
                                      "days": self.policy.notice_days, "clusters": self.proposed()}, actor)
        self._move(Stage.PUBLIC_NOTICE, today, actor)
        self._request("notice", published_on)
        return self.notice_ends_on

    def record_objection(self, cluster_key: str, received_on: date, source: str, text: str, actor: Actor,
                         today: date) -> Objection:
        self._step("record_objection", actor)
        if cluster_key not in self.proposed():
            raise DomainError("objection_not_on_notice", f"{cluster_key} 不在公示名单上")
        assert self.notice_published_on is not None and self.notice_ends_on is not None
        if not self.notice_published_on <= received_on <= min(self.notice_ends_on, today):
            raise DomainError("objection_outside_notice",
                              f"异议收到日期 {received_on} 不在公示期 {self.notice_published_on} 至 {self.notice_ends_on} 内"
                              "（且不晚于今天）")
        source, text = source.strip(), text.strip()
        if not text:
            raise DomainError("objection_text_missing", "请写明异议内容")
        check_name(source, "异议来源")
        check_text(text, "异议内容")
        if len(self.objections) >= LIMITS.meeting_decisions:
            raise DomainError("too_many_items", f"一轮评选记录的异议不超过 {LIMITS.meeting_decisions} 条")
        obj = Objection(f"objection-{len(self.objections) + 1}", cluster_key, received_on, source, text)
        self.objections.append(obj)
        self._event(today, "objection", {"id": obj.id, "cluster_key": cluster_key, "received_on": received_on.isoformat(),
                                         "source": source, "text": text}, actor)
        return obj

    def resolve_objection(self, objection_id: str, upheld: bool, reason: str, actor: Actor, today: date) -> None:
        """Upheld: the candidate leaves the list. Dismissed: the list stands. Either needs a reason."""
        self._step("resolve_objection", actor)
        obj = next((o for o in self.objections if o.id == objection_id), None)
        if obj is None:
            raise DomainError("objection_unknown", f"没有异议“{objection_id}”")
        if obj.upheld is not None:
            raise DomainError("objection_resolved", f"异议 {objection_id} 已于 {obj.resolved_on} 处理")
        reason = reason.strip()
        if not reason:
            raise DomainError("reason_missing", "处理异议须写明理由（成立或不成立）")
        check_text(reason, "异议处理理由")
        obj.upheld, obj.reason, obj.resolved_on = upheld, reason, today
        if upheld:
            self.candidates[obj.cluster_key].removed_by = obj.id
        self._event(today, "objection_resolved", {"id": obj.id, "cluster_key": obj.cluster_key, "upheld": upheld,
                                                  "reason": reason}, actor)

    def unresolved_objections(self) -> list[Objection]:
        return [o for o in self.objections if o.upheld is None]

    # ------------------------------------------------------------ 四、approval and commendation

    def approve(self, clusters: Sequence[str] | None, actor: Actor, today: date) -> tuple[str, ...]:
        """CNLIC approves the list that went through public scrutiny (经过社会监督): after the
        notice period, with every objection resolved, within the cap. ``clusters`` defaults to
        the whole proposed list; a shorter choice keeps the result order."""
        self._step("approve", actor)
        assert self.notice_ends_on is not None
        if today <= self.notice_ends_on:
            raise DomainError("notice_running", f"公示期至 {self.notice_ends_on} 结束，公示期满后才能批准（评选办法 四）")
        open_ = self.unresolved_objections()
        if open_:
            raise DomainError("objection_unresolved", f"异议尚未处理：{'、'.join(o.id for o in open_)}，"
                                                      "每条异议须认定成立或不成立并写明理由后才能批准（评选办法 四）")
        proposed = self.proposed()
        chosen = list(proposed) if clusters is None else list(dict.fromkeys(clusters))
        outside = [k for k in chosen if k not in proposed]
        if outside:
            raise DomainError("approve_not_proposed", f"{'、'.join(outside)} 不在经公示的建议名单上")
        if len(chosen) > self.cap:
            raise DomainError("selection_over_cap",
                              f"批准 {len(chosen)} 个，超过上限 {self.cap} 个（开始评选之日有效共建称号 {self.valid_titles} 个的 "
                              f"{self.policy.cap_percent}%，向下取整；评选办法 一）")
        if not chosen:
            raise DomainError("no_candidates", "批准名单为空")
        self.approved = tuple(k for k in proposed if k in chosen)
        self.approved_on = today
        self._event(today, "approved", {"clusters": list(self.approved), "cap": self.cap}, actor)
        self._move(Stage.APPROVED, today, actor)
        self.clear("notice", "approved", today)
        return self.approved

    def commend(self, held_on: date, document_number: str, actor: Actor, today: date) -> None:
        """表彰 at the conference: the plaque and the document; the honour goes on each approved
        cluster's program-1 record (the service writes it there)."""
        self._step("commend", actor)
        assert self.approved_on is not None
        number = document_number.strip()
        if not number:
            raise DomainError("document_number_missing", "请填写表彰文件的文号（评选办法 四）")
        check_name(number, "表彰文件文号")
        if not self.approved_on <= held_on <= today:
            raise DomainError("commendation_date_invalid", f"表彰日期 {held_on} 应在批准日 {self.approved_on} 与今天 {today} 之间")
        self.commendation = {"held_on": held_on.isoformat(), "document_number": number, "clusters": list(self.approved)}
        self._event(today, "commended", dict(self.commendation), actor)
        self._move(Stage.COMMENDED, today, actor)
        self.clear("conference", "commended", today)

    def record_honours(self, honoured: Sequence[str], skipped: Mapping[str, str], today: date) -> None:
        """What the service wrote on program 1's records (an ended lifecycle takes none)."""
        self._event(today, "honours", {"honoured": list(honoured), "skipped": dict(skipped)}, SYSTEM_ACTOR)

    @property
    def finished(self) -> bool:
        return self.stage is Stage.COMMENDED


def notice_end(published_on: date, policy: DemonstrationPolicy) -> date:
    """The last day of the notice: N calendar days counted from the day after publication
    (RULES.md "Counting": within N days of D ends at the end of D+N)."""
    return add_calendar_days(published_on, policy.notice_days)


def check_text(text: str, what: str) -> str:
    if len(text) > LIMITS.text_chars:
        raise DomainError("text_too_long", f"{what}长 {len(text)} 字，超过上限 {LIMITS.text_chars} 字")
    return text
