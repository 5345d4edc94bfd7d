"""Who does what in program 4, and who sees which pilot (RULES.md "Program 4"; issue 13 item 7).
Pure: the service asks before any Update is sent; the workflow checks the role again.

- the implementing body (``implementing_body``): its own pilots (``clusters`` = pilot keys): files,
  revises, withdraws, reports yearly, applies for evaluation and re-review;
- a city/county government (``local_government``): pilots in its ``cities`` (city or county
  name) or named in ``clusters``: seals the application; when it is itself the applicant
  (§三(一) 市、县人民政府) it also acts as the implementing body;
- a provincial department (``province_department``): pilots of its ``provinces``: reviews and
  recommends, supervises yearly, gives the evaluation's recommendation;
- the MIIT reviewer (``miit_reviewer``): every pilot: batches, experts, shortlist, title, revocation;
- an expert (``expert``): the pilots whose current review names them (by signing name);
- the auditor reads everything and acts on nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.brand.labels import action_label, role_label
from domain.brand.machine import BODY, EXPERT, LOCAL, MIIT, PROVINCE
from domain.errors import DomainError
from domain.roles import User, works_in

PROGRAM = "brand"
READ_ALL = ("miit_reviewer", "auditor")


@dataclass(frozen=True)
class PilotFacts:
    key: str
    province: str
    city: str = ""
    county: str = ""
    applicant_kind: str = ""
    experts: tuple[str, ...] = field(default_factory=tuple)


def _local(user: User, p: PilotFacts) -> bool:
    return p.key in user.clusters or bool({p.city, p.county} - {""} & set(user.cities))


def sees(user: User, p: PilotFacts) -> bool:
    if not works_in(user.role, PROGRAM):
        return False
    if user.role in READ_ALL:
        return True
    if user.role == BODY:
        return p.key in user.clusters
    if user.role == LOCAL:
        return _local(user, p)
    if user.role == PROVINCE:
        return p.province in user.provinces
    if user.role == EXPERT:
        return user.name in p.experts
    return False


def acting_role(user: User, p: PilotFacts) -> str:
    """The role the machine's table knows this user by: a city/county government that is
    itself the applicant acts as the implementing body on its application and reports."""
    if user.role == LOCAL and p.applicant_kind == "local_government" and _local(user, p):
        return BODY
    return user.role


def check_act(user: User, action: str, p: PilotFacts, roles: tuple[str, ...]) -> None:
    """403 unless the user's role may take ``action`` here (``roles`` from the table for the
    pilot's stage) and the pilot is in the user's scope."""
    if not sees(user, p):
        raise DomainError("out_of_scope", f"试点 {p.key} 不在{role_label(user.role)}“{user.name}”的办理范围内")
    allowed = set(roles)
    if user.role not in allowed and not (user.role == LOCAL and BODY in allowed and acting_role(user, p) == BODY):
        raise DomainError("role_not_allowed", f"“{action_label(action)}”不由{role_label(user.role)}办理")


def check_file(user: User, key: str, city: str, county: str, applicant_kind: str) -> None:
    """Who may file a new application under ``key`` (§三(三)): the implementing body the key
    belongs to, or the city/county government applying itself."""
    if user.role == BODY and key in user.clusters:
        return
    if user.role == LOCAL and applicant_kind == "local_government" and (
            key in user.clusters or bool({city, county} - {""} & set(user.cities))):
        return
    if user.role in (BODY, LOCAL):
        raise DomainError("out_of_scope", f"试点编号 {key} 不在“{user.name}”的办理范围内（申报单位须关联该编号）")
    raise DomainError("role_not_allowed", f"试点申报书由组织实施单位或市、县人民政府提交，{role_label(user.role)}不能提交")


def check_batch(user: User) -> None:
    if user.role != MIIT:
        raise DomainError("role_not_allowed", f"批次论证评审由工业和信息化部录入，{role_label(user.role)}不能录入")


def check_read_all(user: User) -> None:
    if user.role not in READ_ALL:
        raise DomainError("role_not_allowed", f"{role_label(user.role)}不能查看全部批次")


def scope_filter(user: User) -> dict[str, tuple[str, ...]] | None:
    """How a list is narrowed for this user (None: everything; empty tuples: nothing)."""
    if not works_in(user.role, PROGRAM):
        return {"keys": ()}
    if user.role in READ_ALL:
        return None
    if user.role == BODY:
        return {"keys": user.clusters}
    if user.role == LOCAL:
        return {"keys": user.clusters, "places": user.cities}
    if user.role == PROVINCE:
        return {"provinces": user.provinces}
    if user.role == EXPERT:
        return {"expert": (user.name,)}
    return {"keys": ()}
