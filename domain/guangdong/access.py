"""Who may see and do what in program 3 (RULES.md "Program 3"; the roles of ``domain.roles``).
Pure: the user's scope against a zone's facts.

Scopes:
- ``zone_office``: ``clusters`` = the keys of its zone(s);
- ``local_government``: ``cities`` = the city, district, county or town it governs (matched
  against the zone's prefecture city and its district), and/or ``clusters`` = zone keys;
- ``prefecture_bureau``: ``cities`` = prefecture-level city names (佛山市 …);
- ``province_department``: ``provinces`` contains 广东省 — every zone;
- ``auditor``: reads every zone, acts on none.
Which role acts at which step is the filing's table (``domain.guangdong.filing``); the service
checks both, the scope first, before anything reaches Temporal."""

from __future__ import annotations

from typing import Iterable

from domain.errors import DomainError
from domain.guangdong.zones import PROVINCE, Zone
from domain.roles import User

READ_ALL = ("auditor",)
ROLES = ("zone_office", "local_government", "prefecture_bureau", "province_department", "auditor")


def _local_match(place: str, zone: Zone) -> bool:
    place = place.strip()
    if not place:
        return False
    return place == zone.city or place == zone.district or (bool(zone.district) and zone.district.startswith(place))


def in_scope(user: User, zone: Zone) -> bool:
    role = user.role
    if role in READ_ALL:
        return True
    if role == "province_department":
        return PROVINCE in user.provinces
    if role == "prefecture_bureau":
        return zone.city in user.cities
    if role == "local_government":
        return zone.key in user.clusters or any(_local_match(c, zone) for c in user.cities)
    if role == "zone_office":
        return zone.key in user.clusters
    return False


def visible(user: User, zones: Iterable[Zone]) -> list[Zone]:
    return [z for z in zones if in_scope(user, z)]


def check_scope(user: User, zone: Zone) -> None:
    if user.role not in ROLES:
        raise DomainError("role_not_allowed", f"{user.role_label}不参与广东省产业集群升级示范区的考核")
    if not in_scope(user, zone):
        raise DomainError("out_of_scope", f"{zone.name}不在{user.name}的办理范围内")


def check_open_round(user: User) -> None:
    if user.role != "province_department" or PROVINCE not in user.provinces:
        raise DomainError("role_not_allowed", "年度考核由省级主管部门开启")


def reads_everything(user: User) -> bool:
    return user.role in READ_ALL or (user.role == "province_department" and PROVINCE in user.provinces)
