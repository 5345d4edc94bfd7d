"""One selection round of RULES.md program 2 (seeds/000 三、评选程序 and 四、表彰) as pure code:
opened → recommendation (行业推荐) → first review (初审) → committee vote (审核委员会审核) →
public notice (公示) → approval (批准) → commendation (表彰).

Each step is a method that checks the actor's role, the stage and the data, raises a
``DomainError`` (stable code, Chinese message naming the clause) or changes the state and
appends one ``RoundEvent``. No clock is read: every method takes ``today``. The steps are one
declarative table (``STEPS``) in the manner of ``domain.cnlic.machine``; ``may`` asks it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Mapping, Sequence

from domain.demonstration.clocks import Clock, ClockRequest, RoundClocks
from domain.demonstration.eligibility import (
    Attestation,
    Eligibility,
    JournalFact,
    TitleFact,
    cap_of,
    evaluate,
)
from domain.demonstration.forms import PublicityPack, RecommendationForm
from domain.demonstration.policy import DemonstrationPolicy
from domain.errors import DomainError
from domain.limits import LIMITS, check_name
from domain.demonstration.round_notice import Objection, RoundNotice, check_text, notice_end  # noqa: F401
from domain.demonstration.stages import STEPS, Stage, Step  # noqa: F401 - the round's table, re-exported
from domain.roles import Actor, Role


@dataclass(frozen=True)
class RoundEvent:
    """One entry of the round's journal (same fields as program 1's, so ``domain.journal``
    chains it)."""

    seq: int
    on: date
    kind: str
    data: dict[str, Any]
    actor: Actor


@dataclass(frozen=True)
class VoteCount:
    yes: int
    no: int
    abstain: int
    passed: bool


@dataclass
class Candidate:
    cluster_key: str
    industry: str
    association: str
    recommended_on: date
    form: RecommendationForm
    eligibility: Eligibility
    publicity: PublicityPack | None = None
    reviewed: bool | None = None  # None: first review not decided yet
    review_reason: str = ""
    vote: VoteCount | None = None
    removed_by: str = ""  # the upheld objection's id

    @property
    def platform(self) -> bool:
        return self.form.on_platform


@dataclass
class Round(RoundNotice, RoundClocks):
    """A selection round's state. ``open_round`` makes one; the methods walk it. Its events
    are drained into the journal after each step (``drain``), so the state stays bounded."""

    key: str
    policy: DemonstrationPolicy
    opened_on: date
    conference_on: date
    recommendation_deadline: date
    valid_titles: int
    cap: int
    cobuilt: dict[str, str]  # cluster key → industry, the titles valid on the opening date
    quotas: dict[str, int] = field(default_factory=dict)  # association → quota
    stage: Stage = Stage.RECOMMENDATION
    candidates: dict[str, Candidate] = field(default_factory=dict)
    members_present: tuple[str, ...] = ()
    voted_on: date | None = None
    notice_published_on: date | None = None
    notice_ends_on: date | None = None
    objections: list[Objection] = field(default_factory=list)
    approved: tuple[str, ...] = ()
    approved_on: date | None = None
    commendation: dict[str, Any] | None = None
    seq: int = 0
    events: list[RoundEvent] = field(default_factory=list)
    title: str = ""
    clocks: dict[str, Clock] = field(default_factory=dict)
    arm_requests: list[ClockRequest] = field(default_factory=list)
    attachments: int = 0

    def trial(self) -> "Round":
        """A copy to try a step on (the workflow's validator runs each Update on one). What no
        step changes is shared — the policy, the titles counted at the opening, each
        candidate's 推荐表, publicity pack and eligibility — and the rest deep-copied, so trying
        a step costs little however many candidates the round holds (a whole deep copy took
        ~60 ms an Update at 60 candidates and ~0.4 s at 500: quadratic over a round)."""
        memo: dict[int, Any] = {id(self.policy): self.policy, id(self.cobuilt): self.cobuilt}
        for c in self.candidates.values():
            for part in (c.form, c.eligibility, c.publicity):
                memo[id(part)] = part
        return copy.deepcopy(self, memo)

    def drain(self) -> list[RoundEvent]:
        out, self.events = self.events, []
        return out

    # ------------------------------------------------------------ the table

    def may(self, action: str, role: str) -> bool:
        step = STEPS.get(action)
        return step is not None and self.stage in step.sources and role in step.roles

    def allowed(self, role: str) -> list[str]:
        return [a for a in STEPS if self.may(a, role)]

    def _step(self, action: str, actor: Actor) -> Step:
        step = STEPS[action]
        if actor.role not in step.roles:
            names = "、".join(Role(r).label for r in step.roles)
            raise DomainError("role_not_allowed", f"“{step.label}”（评选办法 {step.clause}）只能由{names}办理，"
                                                  f"{actor.describe()}无此权限")
        if self.stage not in step.sources:
            raise DomainError("step_not_allowed", f"评选当前为“{self.stage.label}”阶段，不能{step.label}（评选办法 {step.clause}）")
        return step

    def _event(self, today: date, kind: str, data: dict[str, Any], actor: Actor) -> RoundEvent:
        self.seq += 1
        ev = RoundEvent(self.seq, today, kind, data, actor)
        self.events.append(ev)
        return ev

    def _candidate(self, cluster_key: str) -> Candidate:
        c = self.candidates.get(cluster_key)
        if c is None:
            raise DomainError("candidate_unknown", f"{cluster_key} 不是本轮评选的候选集群")
        return c

    # ------------------------------------------------------------ quotas (一、评选范围)

    def set_quotas(self, quotas: Mapping[str, int], actor: Actor, today: date) -> None:
        self._step("set_quotas", actor)
        checked = check_quotas(quotas, self.cap)
        for association, quota in checked.items():
            passed = len(self._passed_of(association))
            if passed > quota:
                raise DomainError("quota_below_passed", f"{association} 初审已通过 {passed} 个，名额不能少于此数")
        self.quotas = checked
        self._event(today, "quotas", {"quotas": dict(self.quotas), "cap": self.cap}, actor)

    def _passed_of(self, association: str) -> list[Candidate]:
        return [c for c in self.candidates.values() if c.association == association and c.reviewed]

    # ------------------------------------------------------------ 三、(一) recommendation

    def eligibility_for(self, cluster_key: str, form: RecommendationForm, events: Sequence[JournalFact]) -> Eligibility:
        """The candidate's conditions from program 1's journal as of the opening date, with
        what the 推荐表 attests (results, platform, the rank exception)."""
        attest = [Attestation("national_rank", form.rank_exception, form.applicant)] if form.rank_exception else []
        return evaluate(cluster_key, events, self.opened_on, self.policy, attestations=attest,
                        platform=form.on_platform, results_text=form.results)

    def recommend(self, cluster_key: str, form: RecommendationForm, eligibility: Eligibility, actor: Actor,
                  industries: Iterable[str], today: date, publicity: PublicityPack | None = None) -> Candidate:
        """An association recommends a co-built cluster of one of its industries (``industries``
        is the association's scope, from the platform's users)."""
        self._step("recommend", actor)
        if today > self.recommendation_deadline:
            raise DomainError("recommendation_closed",
                              f"推荐截止日期 {self.recommendation_deadline} 已过（评选办法 三、(一)）")
        industry = self.cobuilt.get(cluster_key)
        if industry is None:
            failed = "；".join(f"{c.label}：{'，'.join(e.text for e in c.evidence)}" for c in eligibility.failed
                              if c.key in ("title_valid", "no_violation"))
            raise DomainError("candidate_not_cobuilt",
                              f"{cluster_key} 在开始评选之日（{self.opened_on}）没有有效的共建称号，不在评选范围（评选办法 一）"
                              + (f"（{failed}）" if failed else ""),
                              conditions=[c.key for c in eligibility.failed])
        if industry not in set(industries):
            raise DomainError("industry_not_in_scope",
                              f"{cluster_key} 属于“{industry}”行业，{actor.name} 只能推荐本行业的集群（评选办法 三、(一)）")
        if cluster_key in self.candidates:
            raise DomainError("candidate_duplicate", f"{cluster_key} 已由 {self.candidates[cluster_key].association} 推荐")
        if eligibility.cluster_key != cluster_key or eligibility.on != self.opened_on:
            raise DomainError("eligibility_mismatch", f"资格核查应为 {cluster_key} 于 {self.opened_on} 的结果")
        if len(self.candidates) >= LIMITS.meeting_decisions:
            raise DomainError("too_many_items", f"一轮评选的候选集群不超过 {LIMITS.meeting_decisions} 个")
        c = Candidate(cluster_key, industry, actor.name, today, form, eligibility, publicity)
        self.candidates[cluster_key] = c
        self._event(today, "recommended", {"cluster_key": cluster_key, "industry": industry,
                                           "association": actor.name, "eligible": eligibility.eligible,
                                           "eligibility": eligibility.as_dict(),
                                           "form": form.model_dump(mode="json"),
                                           "publicity": publicity.model_dump(mode="json") if publicity else None},
                    actor)
        return c

    def close_recommendation(self, actor: Actor, today: date, reason: str = "") -> None:
        """After the deadline; before it only with a written reason (e.g. every association with
        a quota has recommended), which the journal keeps — the seed sets no rule either way."""
        self._step("close_recommendation", actor)
        reason = check_text(reason.strip(), "提前结束推荐的理由")
        if today <= self.recommendation_deadline and not reason:
            raise DomainError("recommendation_still_open",
                              f"推荐截止日期为 {self.recommendation_deadline}，截止后才能开始初审；提前结束推荐须写明理由"
                              "（评选办法 三、(一)）")
        if not self.candidates:
            raise DomainError("no_candidates", "没有收到任何推荐，不能开始初审")
        if today <= self.recommendation_deadline:
            self._event(today, "closed_early", {"deadline": self.recommendation_deadline.isoformat(),
                                                "reason": reason}, actor)
        self._move(Stage.FIRST_REVIEW, today, actor)
        self.clear("recommendation", "recommendation closed", today)

    def _move(self, to: Stage, today: date, actor: Actor) -> None:
        before, self.stage = self.stage, to
        self._event(today, "stage", {"from": before.value, "to": to.value}, actor)

    # ------------------------------------------------------------ 三、(二) first review

    def review(self, cluster_key: str, passed: bool, reason: str, actor: Actor, today: date) -> None:
        self._step("review", actor)
        c = self._candidate(cluster_key)
        reason = reason.strip()
        if passed:
            refusal = c.eligibility.refusal()
            if refusal is not None:
                raise refusal
            quota = self.quotas.get(c.association)
            already = [x for x in self._passed_of(c.association) if x.cluster_key != cluster_key]
            if quota is not None and len(already) >= quota:
                raise DomainError("quota_exceeded", f"{c.association} 的名额为 {quota} 个，初审已通过 {len(already)} 个"
                                                    "（评选办法 三、(二) 协调名额）")
        elif not reason:
            raise DomainError("reason_missing", f"初审不通过 {cluster_key} 须写明理由（评选办法 三、(二)）")
        check_text(reason, "初审意见")
        c.reviewed, c.review_reason = passed, reason
        self._event(today, "reviewed", {"cluster_key": cluster_key, "passed": passed, "reason": reason}, actor)

    def first_review_list(self) -> list[str]:
        return [k for k, c in self.candidates.items() if c.reviewed]

    def complete_first_review(self, actor: Actor, today: date) -> None:
        self._step("complete_first_review", actor)
        pending = [k for k, c in self.candidates.items() if c.reviewed is None]
        if pending:
            raise DomainError("review_incomplete", f"尚未初审：{'、'.join(pending)}（评选办法 三、(二)）")
        if not self.first_review_list():
            raise DomainError("no_candidates", "初审没有通过的候选集群，不能提交审核委员会")
        self._event(today, "first_review_list", {"clusters": self.first_review_list()}, actor)
        self._move(Stage.COMMITTEE_VOTE, today, actor)

    # ------------------------------------------------------------ 三、(三) the committee's vote

    def record_vote(self, members_present: Sequence[str], counts: Mapping[str, Mapping[str, int]], actor: Actor,
                    today: date) -> list[tuple[str, VoteCount]]:
        """Members present and each candidate's yes/no/abstain; passes iff 3 × yes ≥ 2 × present."""
        self._step("record_vote", actor)
        if self.voted_on is not None:
            raise DomainError("vote_recorded", f"审核委员会投票已于 {self.voted_on} 记录")
        members = tuple(check_name(str(m).strip(), "到会委员") for m in members_present)
        if not members or any(not m for m in members) or len(set(members)) != len(members):
            raise DomainError("members_invalid", "请列出到会委员，每人一次（评选办法 三、(三) 到会人员）")
        present = len(members)
        listed = self.first_review_list()
        missing = [k for k in listed if k not in counts]
        extra = [k for k in counts if k not in listed]
        if missing or extra:
            raise DomainError("vote_incomplete", "投票应覆盖初审建议名单上的每个集群，且只含这些集群："
                                                 f"缺 {'、'.join(missing) or '无'}；多 {'、'.join(extra) or '无'}")
        results: dict[str, VoteCount] = {}
        for key in listed:
            raw = counts[key]
            yes, no, abstain = (_count(raw.get(k, 0), f"{key} 的{label}") for k, label in
                                (("yes", "赞成票"), ("no", "反对票"), ("abstain", "弃权票")))
            if yes + no + abstain > present:
                raise DomainError("vote_count_invalid", f"{key} 赞成 {yes}、反对 {no}、弃权 {abstain}，"
                                                        f"合计超过到会委员 {present} 人")
            results[key] = VoteCount(yes, no, abstain, self.policy.vote_passes(yes, present))
        for key, v in results.items():
            self.candidates[key].vote = v
        self.members_present, self.voted_on = members, today
        self._event(today, "vote", {"members_present": list(members), "present": present,
                                    "needed": self.policy.votes_needed(present),
                                    "results": {k: vars(v) for k, v in results.items()}}, actor)
        return self.vote_results()

    def vote_results(self) -> list[tuple[str, VoteCount]]:
        """The result list with counts: passed first, more yes first; equal yes, the platform
        flag first (二、5 同等条件下优先); then the cluster key, so the order is stable."""
        voted = [c for c in self.candidates.values() if c.vote is not None]
        voted.sort(key=lambda c: (not c.vote.passed, -c.vote.yes, not c.platform, c.cluster_key))
        return [(c.cluster_key, c.vote) for c in voted]

    def proposed(self) -> list[str]:
        """The 建议名单: voted through and not removed by an upheld objection, in result order."""
        return [k for k, v in self.vote_results() if v.passed and not self.candidates[k].removed_by]

    # ------------------------------------------------------------ views

    def snapshot(self) -> dict[str, Any]:
        """The round as the read model keeps it (candidates come from the events)."""
        return {
            "key": self.key, "title": self.title, "stage": self.stage.value, "policy_version": self.policy.version,
            "opened_on": self.opened_on.isoformat(), "conference_on": self.conference_on.isoformat(),
            "recommendation_deadline": self.recommendation_deadline.isoformat(),
            "valid_titles": self.valid_titles, "cap": self.cap, "quotas": dict(self.quotas),
            "members_present": list(self.members_present),
            "voted_on": self.voted_on.isoformat() if self.voted_on else None,
            "notice_published_on": self.notice_published_on.isoformat() if self.notice_published_on else None,
            "notice_ends_on": self.notice_ends_on.isoformat() if self.notice_ends_on else None,
            "objections": [_objection_dict(o) for o in self.objections],
            "proposed": self.proposed() if self.voted_on else [],
            "approved": list(self.approved), "approved_on": self.approved_on.isoformat() if self.approved_on else None,
            "commendation": dict(self.commendation) if self.commendation else None,
            "clocks": [c.as_dict() for c in self.open_clocks()],
            "candidates": len(self.candidates), "seq": self.seq,
        }

    def view(self) -> dict[str, Any]:
        """The live state (the workflow's query): the snapshot, each candidate's standing and
        what each role may do now."""
        return {**self.snapshot(), "allowed": {r.value: self.allowed(r.value) for r in
                                               (Role.SECRETARIAT, Role.LEADER, Role.ASSOCIATION)},
                "candidate_list": [{"cluster_key": c.cluster_key, "industry": c.industry, "association": c.association,
                                    "eligible": c.eligibility.eligible,
                                    "failed": [x.key for x in c.eligibility.failed], "reviewed": c.reviewed,
                                    "vote": vars(c.vote) if c.vote else None, "removed_by": c.removed_by}
                                   for c in self.candidates.values()]}

    # ------------------------------------------------------------ attachments (推荐材料)

    def check_attach(self, cluster_key: str, actor: Actor, industries: Iterable[str]) -> Candidate:
        """The recommending association attaches to its own recommendation while recommending;
        the secretariat to any candidate until the commendation."""
        step = self._step("attach", actor)
        c = self._candidate(cluster_key)
        if actor.role == Role.ASSOCIATION:
            if self.stage is not Stage.RECOMMENDATION:
                raise DomainError("step_not_allowed", f"推荐截止后，附件由{Role.SECRETARIAT.label}上传（评选办法 {step.clause}）")
            if c.industry not in set(industries):
                raise DomainError("industry_not_in_scope", f"{cluster_key} 不属于 {actor.name} 负责的行业")
        if self.attachments >= LIMITS.meeting_decisions:
            raise DomainError("too_many_items", f"一轮评选的附件不超过 {LIMITS.meeting_decisions} 个")
        return c

    def attach(self, cluster_key: str, meta: Mapping[str, Any], actor: Actor, industries: Iterable[str],
               today: date) -> RoundEvent:
        """Journal an attachment's facts (``domain.attachments.AttachmentMeta.as_event_data``)
        under the candidate it belongs to; the bytes are in the blob store."""
        self.check_attach(cluster_key, actor, industries)
        self.attachments += 1
        return self._event(today, "attachment", {**dict(meta), "cluster": cluster_key}, actor)

    # ------------------------------------------------------------ what the clocks say

    def _clock_facts(self, what: str) -> dict[str, Any]:
        if what == "recommendation":
            return {"stage": self.stage.value, "recommended": len(self.candidates)}
        if what == "notice":
            return {"unresolved": [o.id for o in self.unresolved_objections()]}
        return {"stage": self.stage.value}


# ------------------------------------------------------------------ opening a round


def open_round(key: str, policy: DemonstrationPolicy, *, titles: Iterable[TitleFact], conference_on: date,
               recommendation_deadline: date, quotas: Mapping[str, int], actor: Actor, today: date,
               title: str = "") -> Round:
    """The secretariat opens a round today: the cap is counted from program 1's titles valid on
    the opening date and recorded with the round."""
    if actor.role != Role.SECRETARIAT:
        raise DomainError("role_not_allowed", f"评选由{Role.SECRETARIAT.label}组织开始，{actor.describe()}无此权限")
    check_name(key, "评选编号")
    if not key or not key.replace("-", "").replace("_", "").isalnum() or not key.isascii():
        raise DomainError("invalid_data", f"评选编号“{key}”只能包含字母、数字、- 和 _")
    if recommendation_deadline < today:
        raise DomainError("deadline_invalid", f"推荐截止日期 {recommendation_deadline} 早于今天 {today}")
    if conference_on <= recommendation_deadline:
        raise DomainError("deadline_invalid", f"大会日期 {conference_on} 应晚于推荐截止日期 {recommendation_deadline}")
    titles = list(titles)
    valid, cap = cap_of(titles, today, policy)
    cobuilt = {t.cluster_key: t.industry for t in titles if t.valid_on(today, policy)}
    title = check_name(title.strip(), "评选名称") or f"{conference_on.year} 年轻工业创新升级示范特色区域和产业集群评选"
    r = Round(key, policy, today, conference_on, recommendation_deadline, valid, cap, cobuilt,
              quotas=check_quotas(quotas, cap), title=title)
    r._event(today, "opened", {"title": title, "policy_version": policy.version,
                               "conference_on": conference_on.isoformat(),
                               "recommendation_deadline": recommendation_deadline.isoformat(),
                               "valid_titles": valid, "cap": cap, "quotas": dict(r.quotas),
                               "counted": sorted(cobuilt)}, actor)
    r._request("recommendation", recommendation_deadline)
    r._request("conference", conference_on)
    return r


def _objection_dict(o: Objection) -> dict[str, Any]:
    return {"id": o.id, "cluster_key": o.cluster_key, "received_on": o.received_on.isoformat(), "source": o.source,
            "text": o.text, "upheld": o.upheld, "reason": o.reason,
            "resolved_on": o.resolved_on.isoformat() if o.resolved_on else None}


def check_quotas(quotas: Mapping[str, int], cap: int) -> dict[str, int]:
    """Per-association quotas: whole numbers ≥ 0 whose sum is within the cap (一、评选范围)."""
    if not isinstance(quotas, Mapping):
        raise DomainError("invalid_data", "名额应为“行业协会: 名额”的对象")
    if len(quotas) > LIMITS.mapping_keys:
        raise DomainError("too_many_items", f"名额最多列 {LIMITS.mapping_keys} 个行业协会")
    out = {check_name(str(k).strip(), "行业协会"): _count(v, f"{k} 的名额") for k, v in quotas.items()}
    total = sum(out.values())
    if total > cap:
        raise DomainError("quota_over_cap", f"各行业名额合计 {total} 个，超过评选上限 {cap} 个"
                                            "（不超过有效共建集群总数的20%；评选办法 一）", total=total, cap=cap)
    return out


def _count(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DomainError("invalid_data", f"{what}应为不小于 0 的整数")
    return value
