"""The platform's people (RULES.md "Shared by every program"): every role any program names,
the actor an action is signed with, and the console user with the scope their role needs.

Roles are one enum for all four programs so that users, tokens, the journal's actor columns and
the audit read the same vocabulary; which program a role works in is ``ROLE_PROGRAMS``. Who may
do *what* stays in each program's own access rules (``domain.cnlic.access``,
``domain.<program>.access``): this module only says who someone is and what they can see.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Iterable


class Role(StrEnum):
    # program 1 and 2 (CNLIC)
    APPLICANT = "applicant"
    ASSOCIATION = "association"
    PROVINCIAL = "provincial"
    SECRETARIAT = "secretariat"
    LEADER = "leader"
    EXPERT = "expert"  # program 1's site-visit panel; program 4's evaluation experts
    AUDITOR = "auditor"  # reads every program, acts on none
    # program 3 (Guangdong upgrade demonstration zones) and program 4 (MIIT brand pilots)
    ZONE_OFFICE = "zone_office"
    LOCAL_GOVERNMENT = "local_government"
    PREFECTURE_BUREAU = "prefecture_bureau"
    PROVINCIAL_DEPARTMENT = "province_department"  # role columns are VARCHAR(20)
    IMPLEMENTING_BODY = "implementing_body"
    MIIT_REVIEWER = "miit_reviewer"
    SYSTEM = "system"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self.value]


ROLE_LABELS: dict[str, str] = {
    "applicant": "申请地政府",
    "association": "行业协（学）会、中心",
    "provincial": "省级轻工行业组织",
    "secretariat": "综合业务部（秘书处）",
    "leader": "会领导",
    "expert": "考评专家",  # program 1's panel; program 4 says 评审专家 on its own pages
    "auditor": "审计",
    "zone_office": "示范区办公室",
    "local_government": "市县人民政府",
    "prefecture_bureau": "地级以上市经贸（工信）部门",
    "province_department": "省级主管部门",
    "implementing_body": "试点实施主体",
    "miit_reviewer": "工业和信息化部",
    "system": "系统",
}

# the programs a role works in (RULES.md: 1 cnlic, 2 demonstration, 3 guangdong, 4 brand)
ROLE_PROGRAMS: dict[str, tuple[str, ...]] = {
    "applicant": ("cnlic",),
    "association": ("cnlic", "demonstration"),
    "provincial": ("cnlic",),
    "secretariat": ("cnlic", "demonstration"),
    "leader": ("cnlic", "demonstration"),
    "expert": ("cnlic", "brand"),
    "auditor": ("cnlic", "demonstration", "guangdong", "brand"),
    "zone_office": ("guangdong",),
    "local_government": ("guangdong", "brand"),
    "prefecture_bureau": ("guangdong",),
    "province_department": ("guangdong", "brand"),
    "implementing_body": ("brand",),
    "miit_reviewer": ("brand",),
}


def works_in(role: str, program: str) -> bool:
    return program in ROLE_PROGRAMS.get(role, ())


@dataclass(frozen=True)
class Actor:
    role: str
    name: str

    def describe(self) -> str:
        return f"{ROLE_LABELS.get(self.role, self.role)}·{self.name}"


SYSTEM_ACTOR = Actor(Role.SYSTEM.value, "自动时钟")


@dataclass(frozen=True)
class User:
    """A console user as the rules see it: a role, the name that signs their actions, and
    what their scope is made of (only the part that fits the role is used by each program):
    ``industries`` (an association), ``provinces`` (a provincial body or department),
    ``clusters`` (the keys of the clusters, zones or pilots the user stands for) and
    ``cities`` (prefecture-level cities, cities or counties: a local government, a 经贸局)."""

    username: str
    role: str
    name: str
    industries: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    clusters: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()

    @property
    def actor(self) -> Actor:
        """The actor recorded in the Update's input, hence in the history and the journal."""
        return Actor(self.role, self.name)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    def works_in(self, program: str) -> bool:
        return works_in(self.role, program)


# the roles a console user can hold (the system clock is nobody's login)
USER_ROLES: tuple[Role, ...] = tuple(r for r in Role if r is not Role.SYSTEM)

# the part of the scope each role cannot do without: any one of the named fields must be set
SCOPE_NEEDS: dict[str, tuple[tuple[str, ...], str]] = {
    "association": (("industries",), "行业协会须至少指定一个行业（--industry）"),
    "provincial": (("provinces",), "省级轻工行业组织须至少指定一个省份（--province）"),
    "applicant": (("clusters",), "申请地政府须至少关联一个集群编号（--cluster）"),
    "zone_office": (("clusters",), "示范区办公室须关联所在示范区的编号（--cluster）"),
    "local_government": (("cities", "clusters"), "市县人民政府须指定所辖市县（--city）或关联的示范区、试点编号（--cluster）"),
    "prefecture_bureau": (("cities",), "地级以上市经贸部门须指定所在地级市（--city）"),
    "province_department": (("provinces",), "省级主管部门须指定省份（--province）"),
    "implementing_body": (("clusters",), "试点实施主体须关联试点编号（--cluster）"),
}


def _clean(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in values if v and v.strip()))


def check_new_user(username: str, role: str, name: str, industries: Iterable[str] = (),
                   provinces: Iterable[str] = (), clusters: Iterable[str] = (), cities: Iterable[str] = ()) -> User:
    """A user the rules can work with: a known role, a signing name, and the scope that
    role needs (an association without industries would see nothing)."""
    from domain.errors import DomainError

    username = (username or "").strip()
    if not username or len(username) > 64 or not username.isascii() or not all(
            c.isalnum() or c in "-_." for c in username):
        raise DomainError("invalid_username", f"用户名“{username}”无效：1–64 个字母、数字、-、_ 或 .")
    roles = [r.value for r in USER_ROLES]
    if role not in roles:
        raise DomainError("invalid_role", f"角色“{role}”无效，应为：{', '.join(roles)}")
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise DomainError("invalid_name", "须写明署名（name）：单位或本人名称，1–200 字；操作以此署名记录")
    user = User(username, role, name, _clean(industries), _clean(provinces), _clean(clusters), _clean(cities))
    for values in (user.industries, user.provinces, user.clusters, user.cities):
        if len(values) > 200 or any(len(v) > 200 for v in values):
            raise DomainError("scope_too_large", "办理范围至多 200 项，每项至多 200 字")
    need = SCOPE_NEEDS.get(role)
    if need is not None and not any(getattr(user, f) for f in need[0]):
        raise DomainError("scope_missing", need[1])
    return user
