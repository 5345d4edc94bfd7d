"""RULES.md "Title words" on a running lifecycle: a title change that adds a naming element must
record the element's extra indicators, and the element stands before the product's activity
word (中国陶瓷智能生产基地); 之 may precede any tier word."""

import pytest

from tests.support import APPLICANT, element_indicators
from tests.workflows.helpers import approve, d, designate, ok, refused, to_meeting

pytestmark = pytest.mark.workflow


async def test_adding_a_naming_element_requires_its_extra_indicators(sim):
    await designate(sim, meeting_on=d(6, 20))
    assert await refused(sim, "ceramics", "file_title_change", {"elements": ["智能"]}, APPLICANT,
                         d(9, 1, years=1)) == "title_element_indicators_missing"
    await ok(sim, "ceramics", "file_title_change",
             {"tier": "base", "title_word": "基地", "activity": "生产", "elements": ["智能"],
              "element_indicators": element_indicators("智能")}, APPLICANT, d(9, 1, years=1))
    await to_meeting(sim, "ceramics", d(9, 2, years=1))
    await approve(sim, d(12, 10, years=1), ["ceramics"])
    assert (await sim.service.view("ceramics")).title == "中国陶瓷智能生产基地·佛山"


async def test_zhi_may_precede_a_town_tier_word_in_a_registered_title(sim):
    from tests.workflows.helpers import register

    await register(sim, "ceramics", tier="town", title_word="之乡")
    assert (await sim.service.view("ceramics")).title == "中国陶瓷之乡·佛山"
