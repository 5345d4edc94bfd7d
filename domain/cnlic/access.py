"""Who may see and do what in the console (issue 4; RULES.md program 1, "Who may do what").

Two questions, answered here and nowhere else: may this user see this cluster (scope), and
may this user take this action on it (role and scope). Pure: callers pass the user and the
cluster's facts; the store and the workflow supply them.

Scopes: the secretariat and council leaders see every cluster; an association sees the
clusters of its industries; a provincial body those of its provinces; an expert the clusters
whose current panel lists them; an applicant its own clusters; an auditor reads everything
and acts on nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from domain.errors import DomainError
from domain.cnlic.machine import ACTION_LABELS, ACTIONS, action_roles
from domain.cnlic.model import Role
# the console user and its checks are the platform's (domain.roles); re-exported here
from domain.roles import USER_ROLES, User, check_new_user  # noqa: F401

SEES_EVERYTHING = (Role.SECRETARIAT, Role.LEADER, Role.AUDITOR)


@dataclass(frozen=True)
class ClusterFacts:
    """What scope depends on, read from the read model (industry, province) and the panel."""

    key: str
    industry: str
    province: str
    panel: tuple[str, ...] = ()  # names on the cluster's current site-evaluation panel
    panel_leads: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scope:
    """A user's scope in a form a query can use: ``everything``, or the union of the listed
    industries, provinces, cluster keys and the panels that name ``panel_member``."""

    everything: bool = False
    industries: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    clusters: tuple[str, ...] = ()
    panel_member: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.everything or self.industries or self.provinces or self.clusters or self.panel_member)


def scope_of(user: User) -> Scope:
    role = user.role
    if role in SEES_EVERYTHING:
        return Scope(everything=True)
    if role == Role.ASSOCIATION:
        return Scope(industries=tuple(user.industries))
    if role == Role.PROVINCIAL:
        return Scope(provinces=tuple(user.provinces))
    if role == Role.EXPERT:
        return Scope(panel_member=user.name)
    if role == Role.APPLICANT:
        return Scope(clusters=tuple(user.clusters))
    return Scope()


def in_scope(user: User, facts: ClusterFacts) -> bool:
    scope = scope_of(user)
    return (
        scope.everything
        or facts.industry in scope.industries
        or facts.province in scope.provinces
        or facts.key in scope.clusters
        or (scope.panel_member is not None and scope.panel_member in facts.panel)
    )


def out_of_scope(user: User, key: str) -> DomainError:
    return DomainError("out_of_scope", f"集群 {key} 不在{Role(user.role).label}“{user.name}”的办理范围内")


def check_can_see(user: User, facts: ClusterFacts) -> None:
    if not in_scope(user, facts):
        raise out_of_scope(user, facts.key)


AUDITORS = SEES_EVERYTHING  # who may replay, verify and export: the roles that see every cluster


def check_can_audit(user: User) -> None:
    if user.role not in AUDITORS:
        names = "、".join(Role(r).label for r in AUDITORS)
        raise DomainError("audit_not_allowed", f"审计（重放、校验、导出证据包）只对{names}开放")


def check_action(user: User, action: str, facts: ClusterFacts | None) -> None:
    """Refuse, before anything is sent to the workflow, an action this user may not take:
    an unknown action, a role the rules do not name for it, or a cluster outside the
    user's scope. ``facts`` is None for the program-wide ``hold_meeting``."""
    if action not in ACTIONS:
        raise DomainError("action_unknown", f"未知的操作“{action}”")
    label = ACTION_LABELS.get(action, action)
    if user.role == Role.AUDITOR:
        raise DomainError("read_only", f"审计账号只能查阅，不能{label}")
    roles = action_roles(action)
    if user.role not in roles:
        names = "、".join(Role(r).label for r in roles)
        raise DomainError("role_not_allowed", f"“{label}”只能由{names}办理，{user.actor.describe()}无此权限")
    if facts is not None and not in_scope(user, facts):
        raise out_of_scope(user, facts.key)


def actions_for(user: User, facts: ClusterFacts, allowed: Mapping[str, Iterable[str]],
                outstanding_opinions: Iterable[str] = ()) -> list[str]:
    """The actions to offer this user on this cluster now: what the lifecycle allows the
    user's role (the workflow's ``allowed``), within scope, and — where the rules name the
    person — only to that person (an opinion from a body still owed one, the site report
    from the panel's lead)."""
    if user.role == Role.AUDITOR or not in_scope(user, facts):
        return []
    out = []
    for action in allowed.get(user.role, ()):
        if action == "hold_meeting":
            continue  # decided for the whole queue on the meetings page
        if action == "record_opinion" and user.name not in set(outstanding_opinions):
            continue
        if action == "record_formal_opinion" and user.role == Role.ASSOCIATION and outstanding_opinions \
                and user.name not in set(outstanding_opinions):
            continue  # §三(三): each named association sends its own, once
        if action == "record_site_report" and facts.panel_leads and user.name not in facts.panel_leads:
            continue
        out.append(action)
    return out
