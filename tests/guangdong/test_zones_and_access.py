"""The 36 zones of 附件1 as shipped reference data, and who may see and act on which zone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from domain.errors import DomainError
from domain.guangdong import access
from domain.guangdong.zones import BY_KEY, CITIES, ZONES
from domain.roles import User

SEED = Path("/work/shared/seeds/002_e8f69d8be8ea26d0.txt")


def test_there_are_36_zones_with_unique_ascii_keys_in_the_order_of_annex_1():
    assert len(ZONES) == 36 and [z.no for z in ZONES] == list(range(1, 37))
    assert len(BY_KEY) == 36 and all(re.fullmatch(r"gd-[a-z0-9-]+", z.key) for z in ZONES)
    assert all(z.name.endswith("产业集群升级示范区") and z.industry in z.name for z in ZONES)
    assert all(z.city.endswith("市") for z in ZONES) and len(CITIES) == 14


@pytest.mark.skipif(not SEED.exists(), reason=f"the seed is not at {SEED}")
def test_the_names_are_annex_1s_own():
    text = SEED.read_text(encoding="utf-8").split("附件2", 1)[0]
    names = re.findall(r"^\s*\d+、(\S+)", text, flags=re.M)
    assert names == [z.name for z in ZONES]


XIQIAO, KAIPING = BY_KEY["gd-foshan-xiqiao-textiles"], BY_KEY["gd-jiangmen-kaiping-sanitary"]


@pytest.mark.parametrize("user, sees_xiqiao, sees_kaiping", [
    (User("z", "zone_office", "西樵", clusters=(XIQIAO.key,)), True, False),
    (User("c", "local_government", "南海区人民政府", cities=("南海区",)), True, False),
    (User("c", "local_government", "开平市人民政府", cities=("开平市",)), False, True),
    (User("c", "local_government", "某镇", clusters=(KAIPING.key,)), False, True),
    (User("p", "prefecture_bureau", "佛山市经贸局", cities=("佛山市",)), True, False),
    (User("p", "province_department", "广东省经贸委", provinces=("广东省",)), True, True),
    (User("p", "province_department", "浙江省经信厅", provinces=("浙江省",)), False, False),
    (User("a", "auditor", "审计"), True, True),
    (User("s", "secretariat", "综合业务部"), False, False),
])
def test_scopes_follow_zone_keys_cities_and_the_province(user, sees_xiqiao, sees_kaiping):
    assert access.in_scope(user, XIQIAO) is sees_xiqiao
    assert access.in_scope(user, KAIPING) is sees_kaiping


def test_a_user_out_of_scope_is_refused_by_name():
    with pytest.raises(DomainError) as e:
        access.check_scope(User("p", "prefecture_bureau", "江门市经贸局", cities=("江门市",)), XIQIAO)
    assert e.value.code == "out_of_scope" and XIQIAO.name in e.value.message
    with pytest.raises(DomainError) as e:
        access.check_open_round(User("p", "prefecture_bureau", "佛山市经贸局", cities=("佛山市",)))
    assert e.value.code == "role_not_allowed"
