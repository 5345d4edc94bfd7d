"""RULES.md "Region uniqueness" at registration: the service looks up the live lifecycles'
regions and compares codes when both have one, else the normalised names — two clusters in
different regions with empty codes no longer clash (the review's false duplicate)."""

import pytest

from domain.errors import DomainError
from tests.workflows.helpers import d, register

pytestmark = pytest.mark.workflow


async def test_region_uniqueness_two_empty_codes_in_different_regions_do_not_clash(sim):
    await register(sim, "foshan", region={"province": "广东省", "city": "佛山市", "county": "禅城区"})
    await register(sim, "jingdezhen", on=d(1, 5), region={"province": "江西省", "city": "景德镇市", "county": "珠山区"})
    assert (await sim.service.view("jingdezhen")).stage == "cultivation"


async def test_region_uniqueness_the_same_names_without_codes_clash(sim):
    await register(sim, "foshan", region={"province": "广东省", "city": "佛山市", "county": "禅城区"})
    with pytest.raises(DomainError) as e:
        await register(sim, "foshan2", on=d(1, 5), region={"province": "广东", "city": "佛山市", "county": "禅城区"})
    assert e.value.code == "duplicate_lifecycle" and "区域  的" not in e.value.message
