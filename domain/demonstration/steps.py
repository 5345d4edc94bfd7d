"""One entry for every step of a round, by name, from plain data (the Update's input): the
workflow's validator runs it on a copy of the round to refuse, its handler on the round
itself (RULES.md program 2 "Steps"). The typed request schemas live in
``service.demonstration.actions``; here each step's data is read defensively, since a
workflow can be called by any client.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any, Callable, Mapping, Sequence

from domain.calendar import parse_date
from domain.demonstration.eligibility import JournalFact
from domain.demonstration.forms import parse_publicity, parse_recommendation
from domain.demonstration.round import STEPS, Round
from domain.errors import DomainError
from domain.limits import LIMITS, Limits, check_data
from domain.roles import Actor

# the steps whose data holds a row per candidate (the vote sheet, the approved list): their
# lists are bounded like a meeting's decisions, as their schemas say (``service.demonstration.
# actions``), not by the 50 items of an ordinary list — a round of 300 clusters has ~57 places
ROW_PER_CANDIDATE = ("record_vote", "approve")
ROUND_LIST_LIMITS = replace(LIMITS, list_items=LIMITS.meeting_decisions)


def limits_for(action: str) -> Limits:
    """The limits an action's data is checked against (by the service and by the workflow)."""
    return ROUND_LIST_LIMITS if action in ROW_PER_CANDIDATE else LIMITS


def _key(data: Mapping[str, Any], what: str = "cluster_key") -> str:
    value = str(data.get(what) or "").strip()
    if not value:
        raise DomainError("invalid_data", f"请写明集群编号（{what}）")
    return value


def _flag(data: Mapping[str, Any], name: str, label: str) -> bool:
    value = data.get(name)
    if not isinstance(value, bool):
        raise DomainError("invalid_data", f"请选择{label}（{name}：是或否）")
    return value


def _votes(data: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    rows = data.get("votes")
    if isinstance(rows, Mapping):  # {cluster: {yes, no, abstain}} as well as a list of rows
        return {str(k): dict(v) if isinstance(v, Mapping) else {} for k, v in rows.items()}
    if not isinstance(rows, list):
        raise DomainError("invalid_data", "投票结果应为每个候选集群一行（cluster_key、yes、no、abstain）")
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        if not isinstance(row, Mapping):
            raise DomainError("invalid_data", "投票结果的每一行应为对象")
        key = _key(row)
        if key in out:
            raise DomainError("vote_duplicate", f"{key} 的票数填了两次")
        out[key] = {k: row.get(k, 0) for k in ("yes", "no", "abstain")}
    return out


def apply_step(r: Round, action: str, data: Mapping[str, Any], actor: Actor, industries: Sequence[str],
               today: date, facts: Sequence[JournalFact] = ()) -> None:
    """Apply one step to ``r`` or raise the rule's ``DomainError``. ``facts`` is the
    candidate's program-1 journal (recommend only; an activity reads it)."""
    if action not in STEPS:
        raise DomainError("action_unknown", f"评选没有“{action}”这一步（可选：{'、'.join(STEPS)}）")
    if not isinstance(data, Mapping):
        raise DomainError("invalid_data", "操作数据（data）应为对象")
    check_data(dict(data), limits_for(action))
    _STEPS[action](r, data, actor, list(industries), today, facts)


def _set_quotas(r, data, actor, industries, today, facts):
    r.set_quotas(data.get("quotas") or {}, actor, today)


def _recommend(r, data, actor, industries, today, facts):
    key = _key(data)
    form = parse_recommendation(data.get("form") or {}, r.policy)
    publicity = parse_publicity(data["publicity"], r.policy) if data.get("publicity") else None
    r.recommend(key, form, r.eligibility_for(key, form, facts), actor, industries, today, publicity)


def _close(r, data, actor, industries, today, facts):
    r.close_recommendation(actor, today, str(data.get("reason") or ""))


def _review(r, data, actor, industries, today, facts):
    r.review(_key(data), _flag(data, "passed", "初审是否通过"), str(data.get("reason") or ""), actor, today)


def _complete(r, data, actor, industries, today, facts):
    r.complete_first_review(actor, today)


def _vote(r, data, actor, industries, today, facts):
    members = data.get("members_present")
    if not isinstance(members, list):
        raise DomainError("members_invalid", "请列出到会委员，每人一行（评选办法 三、(三) 到会人员）")
    r.record_vote([str(m) for m in members], _votes(data), actor, today)


def _notice(r, data, actor, industries, today, facts):
    published = parse_date(data.get("published_on"), "公示日期") if data.get("published_on") else today
    r.publish_notice(published, actor, today)


def _objection(r, data, actor, industries, today, facts):
    received = parse_date(data.get("received_on"), "异议收到日期") if data.get("received_on") else today
    r.record_objection(_key(data), received, str(data.get("source") or ""), str(data.get("text") or ""), actor, today)


def _resolve(r, data, actor, industries, today, facts):
    r.resolve_objection(_key(data, "objection_id"), _flag(data, "upheld", "异议是否成立"), str(data.get("reason") or ""),
                        actor, today)


def _approve(r, data, actor, industries, today, facts):
    clusters = data.get("clusters")
    if clusters is not None and not isinstance(clusters, list):
        raise DomainError("invalid_data", "批准名单应为集群编号的列表（不填即批准经公示的全部建议名单）")
    r.approve([str(k) for k in clusters] if clusters else None, actor, today)


def _commend(r, data, actor, industries, today, facts):
    held = parse_date(data.get("held_on"), "表彰日期") if data.get("held_on") else today
    r.commend(held, str(data.get("document_number") or ""), actor, today)


def _attach(r, data, actor, industries, today, facts):
    from domain.attachments import AttachmentMeta, check_meta

    meta = data.get("attachment")
    if not isinstance(meta, Mapping):
        raise DomainError("invalid_data", "附件信息应为对象")
    try:
        m = AttachmentMeta(sha256=str(meta["sha256"]), name=str(meta["name"]), size=int(meta["size"]),
                           media_type=str(meta["type"]), purpose=str(meta["purpose"]), note=str(meta.get("note") or ""))
    except (KeyError, TypeError, ValueError):
        raise DomainError("invalid_data", "附件信息应含 sha256、name、size、type、purpose") from None
    check_meta(m)
    r.attach(_key(data), m.as_event_data(), actor, industries, today)


_STEPS: dict[str, Callable[..., None]] = {
    "set_quotas": _set_quotas, "recommend": _recommend, "close_recommendation": _close, "review": _review,
    "complete_first_review": _complete, "record_vote": _vote, "publish_notice": _notice,
    "record_objection": _objection, "resolve_objection": _resolve, "approve": _approve, "commend": _commend,
    "attach": _attach,
}
assert set(_STEPS) == set(STEPS)
