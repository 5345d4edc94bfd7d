"""How a refusal becomes an HTTP status: one table for the API and the pages alike.

403: the rules do not let this person do this (role, scope, not the named body or lead), or a
     form came without its session's form token.
404: no such cluster, action or record.
409: the cluster's state does not allow it now (stage, already done, nothing waiting).
422: the data is wrong (every other rule code: panel, score sheet, dates, missing fields).
413: the data is over a size limit (``domain.limits``).
503: Temporal or the store did not answer (with Retry-After).
"""

from __future__ import annotations

from domain.errors import DomainError

FORBIDDEN = frozenset({
    "role_not_allowed", "out_of_scope", "read_only", "not_panel_lead", "not_panel_member",
    "opinion_role_mismatch", "formal_opinion_body", "override_not_leader", "opinion_body_not_named",
    "audit_not_allowed", "csrf_invalid", "thresholds_not_permitted",
    "industry_not_in_scope", "not_in_program",  # program 2
})
NOT_FOUND = frozenset({"cluster_unknown", "action_unknown", "recognition_unknown", "user_unknown",
                       "attachment_unknown", "thresholds_unknown", "body_entry_unknown", "meeting_unknown", "site_report_unknown", "pdf_unavailable",
                       "round_unknown", "candidate_unknown", "objection_unknown"})  # program 2
CONFLICT = frozenset({
    "action_not_allowed", "lifecycle_ended", "opinion_duplicate", "annual_report_duplicate",
    "annual_report_year_invalid", "cluster_exists", "duplicate_lifecycle", "meeting_cluster_not_waiting",
    "meeting_nothing_waiting", "title_unchanged", "action_failed", "user_exists",
    "attachment_missing", "attachment_altered", "body_exists",
    "annual_report_year_not_ended",  # 附件五: the year reported has not ended
    # program 2: the round's stage does not allow it now
    "step_not_allowed", "round_exists", "round_ended", "recommendation_closed", "recommendation_still_open",
    "candidate_duplicate", "review_incomplete", "vote_recorded", "notice_running", "objection_unresolved",
    "objection_resolved", "commendation_unavailable",
})
UNAVAILABLE = frozenset({"temporal_unavailable", "temporal_timeout", "store_unavailable"})
TOO_LARGE = frozenset({"data_too_large", "body_too_large", "attachment_too_large", "document_too_large"})
# program 3 (广东省产业集群升级示范区): no such zone or round; a round already open, a filing already received
NOT_FOUND = NOT_FOUND | {"zone_unknown", "round_unknown"}
CONFLICT = CONFLICT | {"round_exists", "filing_received"}
RETRY_AFTER = "5"  # seconds: what a 503 suggests before trying again


def status_for(code: str) -> int:
    if code in FORBIDDEN:
        return 403
    if code in NOT_FOUND:
        return 404
    if code in CONFLICT:
        return 409
    if code in UNAVAILABLE:
        return 503
    if code in TOO_LARGE:
        return 413
    return 422


def headers_for(code: str) -> dict[str, str]:
    return {"Retry-After": RETRY_AFTER} if code in UNAVAILABLE else {}


def body(e: DomainError) -> dict:
    return {"code": e.code, "message": e.message}
