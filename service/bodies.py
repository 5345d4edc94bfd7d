"""The directory of opinion-giving bodies (RULES.md "Bodies"): the secretariat keeps it (API,
console page, CLI); applications choose their bodies from it, and the service resolves each
chosen name to its kind before the Update, so the workflow (which does no I/O) is handed the
kinds and never guesses them from a name."""

from __future__ import annotations

from typing import Any, Literal, Mapping

from pydantic import BaseModel, ConfigDict, Field, StrictBool
from sqlalchemy.engine import Engine

from domain.access import User
from domain.bodies import ASSOCIATION, KINDS, PROVINCIAL, BodyEntry, check_body_entry, choices_for, resolve_bodies
from domain.errors import DomainError
from domain.limits import LIMITS
from domain.model import Role
from store import bodies as repo

NAME = LIMITS.name_chars
# the actions whose data names the bodies of an application (§三(一), §四(三), §四(五))
APPLICATION_ACTIONS = ("file_application", "file_reevaluation", "file_rectification_review", "file_title_change")


class BodyData(BaseModel):
    """名录中的一个意见单位：全国性行业协（学）会、中心（写明所属行业）或省级地方轻工行业组织（写明省份）。"""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: str = Field(title="单位名称", description="出具意见的单位全称，名录中不重复", min_length=1, max_length=NAME)
    kind: Literal["association", "provincial"] = Field(
        title="单位类别", description="association：全国性行业协（学）会、中心；provincial：省级地方轻工行业组织")
    industries: list[str] = Field(default_factory=list, title="所属行业",
                                  description="行业协（学）会负责的行业，如 陶瓷；每行一个（省级组织不填）", max_length=50)
    province: str = Field("", title="省份", description="省级组织所在的省级行政区全称，如 广东省（行业协会不填）",
                          max_length=NAME)
    active: StrictBool = Field(True, title="启用", description="停用后不能再被申请选用，已记录的意见不受影响")
    note: str = Field("", title="备注", max_length=NAME)


class BodyOut(BodyData):
    kind_label: str = Field(description="单位类别的中文名称")


def body_out(e: BodyEntry) -> BodyOut:
    return BodyOut(name=e.name, kind=e.kind, industries=list(e.industries), province=e.province, active=e.active,
                   note=e.note, kind_label=e.kind_label)


def check_may_manage(user: User) -> None:
    if user.role != Role.SECRETARIAT:
        raise DomainError("role_not_allowed", "意见单位名录由综合业务部（秘书处）维护")


class BodiesService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def list(self, *, active_only: bool = False) -> list[BodyEntry]:
        return repo.entries(self.engine, active_only=active_only)

    def add(self, user: User, data: Mapping[str, Any]) -> BodyEntry:
        check_may_manage(user)
        return repo.save(self.engine, check_body_entry(data), user.name, create=True)

    def update(self, user: User, name: str, data: Mapping[str, Any]) -> BodyEntry:
        check_may_manage(user)
        entry = check_body_entry({**dict(data), "name": name})
        return repo.save(self.engine, entry, user.name, create=False)

    def set_active(self, user: User, name: str, active: bool) -> BodyEntry:
        check_may_manage(user)
        current = repo.get(self.engine, name)
        if current is None:
            raise DomainError("body_entry_unknown", f"意见单位“{name}”不在名录中")
        entry = BodyEntry(current.name, current.kind, current.industries, current.province, active, current.note)
        return repo.save(self.engine, entry, user.name, create=False)

    def choices(self, industry: str, province: str) -> list[BodyEntry]:
        """The bodies a cluster of this industry and province may name (active only)."""
        return choices_for(self.list(active_only=True), industry, province)

    def resolve(self, raw: Any, industry: str, province: str) -> Any:
        return resolve_bodies(self.list(), raw, industry, province)


def resolve_application(engine: Engine, data: Mapping[str, Any], industry: str, province: str) -> dict[str, Any]:
    """An application's data with its bodies resolved against the directory (the kinds read
    from it); data without bodies is returned unchanged (a re-evaluation keeps the last ones)."""
    out = dict(data)
    if "bodies" in out and out["bodies"] is not None:
        out["bodies"] = BodiesService(engine).resolve(out["bodies"], industry, province)
    return out


__all__ = ["ASSOCIATION", "KINDS", "PROVINCIAL", "APPLICATION_ACTIONS", "BodiesService", "BodyData", "BodyOut",
           "body_out", "check_may_manage", "resolve_application"]
