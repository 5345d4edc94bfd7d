"""Who may see and do what in program 2 (RULES.md program 2 "Steps"; decided here, pure):

| role | program 2 |
|---|---|
| secretariat (综合业务部) | opens rounds, sets quotas, closes recommendation, first review, records the committee's vote, publishes the notice, records and resolves objections, commends; sees everything |
| leader (会领导, CNLIC 审核批准) | approves the list after the notice; sees everything |
| association (行业协（学）会、中心) | recommends co-built clusters of its own industries and attaches their materials while the round takes recommendations; sees the rounds and the candidates of its industries |
| auditor (审计) | reads every round, its journal and the audit; acts on none |

Which step each role takes at which stage is ``round.STEPS``; this module adds the scope.
"""

from __future__ import annotations

from typing import Any, Iterable

from domain.errors import DomainError
from domain.roles import Role, User, works_in

PROGRAM = "demonstration"
EVERYTHING = (Role.SECRETARIAT.value, Role.LEADER.value, Role.AUDITOR.value)


def check_reads(user: User) -> None:
    if not works_in(user.role, PROGRAM):
        raise DomainError("not_in_program", f"{user.role_label}不参与创新升级示范评选")


def sees_all(user: User) -> bool:
    return user.role in EVERYTHING


def sees_candidate(user: User, industry: str) -> bool:
    """An association sees the candidates of its own industries; the others see all."""
    return sees_all(user) or (user.role == Role.ASSOCIATION and industry in user.industries)


def visible(user: User, candidates: Iterable[Any]) -> list[Any]:
    """The candidates (anything with ``industry``) this user may see."""
    return [c for c in candidates if sees_candidate(user, c.industry)]


def check_opens(user: User) -> None:
    if user.role != Role.SECRETARIAT:
        raise DomainError("role_not_allowed", f"评选由{Role.SECRETARIAT.label}组织开始，{user.role_label}无此权限")
