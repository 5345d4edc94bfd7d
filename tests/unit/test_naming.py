"""RULES.md clarifications "Title words" and "Region uniqueness" (§二(二)1-4): 之 before any
tier word, the tier word lists as an extensible policy list, naming elements before the
product's activity word with their extra indicators, and regions compared by code or names."""

from dataclasses import replace

import pytest

from domain.errors import DomainError
from domain.cnlic.lifecycle import profile_from_dict
from domain.cnlic.model import Region
from domain.cnlic.naming import same_region, title_word_choices
from domain.cnlic.policy import CNLIC_2022 as POLICY
from domain.cnlic.policy import TierRule
from domain.cnlic.rules import check_unique_lifecycle, compose_title
from tests.support import cluster


def code_of(fn, *args, **kwargs) -> str:
    with pytest.raises(DomainError) as e:
        fn(*args, **kwargs)
    return e.value.code


def title(**changes) -> str:
    return compose_title(POLICY, profile_from_dict(cluster(**changes)))


# ---------------------------------------------------------------- title words


@pytest.mark.parametrize("tier, word, expected", [
    ("town", "之乡", "中国陶瓷之乡·佛山"),
    ("base", "之城", "中国陶瓷之城·佛山"),
    ("base", "之基地", "中国陶瓷之基地·佛山"),
    ("capital", "之都", "中国陶瓷之都·佛山"),
    ("capital", "都", "中国陶瓷都·佛山"),
    ("town", "镇", "中国陶瓷镇·佛山"),
])
def test_zhi_may_precede_any_tier_word(tier, word, expected):
    assert title(tier=tier, title_word=word) == expected


def test_a_tier_word_of_another_tier_is_refused_with_or_without_zhi():
    assert code_of(title, tier="capital", title_word="之乡") == "title_word_tier_mismatch"
    assert code_of(title, tier="town", title_word="基地") == "title_word_tier_mismatch"


def test_the_tier_word_lists_are_a_policy_list_a_new_version_extends():
    # §二(二)1 ends each list in 等: a new policy version adds a word without code changes
    extended = replace(POLICY, version="test-extended", tiers={
        **POLICY.tiers, "base": TierRule("base", "基地（城、园、区等）", 7, ("基地", "城", "园", "区", "谷")),
    })
    profile = profile_from_dict(cluster(tier="base", title_word="之谷"))
    assert compose_title(extended, profile) == "中国陶瓷之谷·佛山"
    assert code_of(compose_title, POLICY, profile) == "title_word_tier_mismatch"
    assert "之乡" in title_word_choices(POLICY, "town") and "谷" not in title_word_choices(POLICY)


def test_naming_elements_stand_before_the_products_activity_word():
    # the rules' own example 中国××智能生产基地·地区名称 (not 中国陶瓷生产智能基地)
    assert title(tier="base", title_word="基地", activity="生产", elements=["智能"]) == "中国陶瓷智能生产基地·佛山"
    assert title(tier="base", activity="生产", elements=["绿色", "智能"]) == "中国陶瓷绿色智能生产基地·佛山"
    assert title(tier="base", activity="生产") == "中国陶瓷生产基地·佛山"


def test_adding_a_naming_element_requires_its_extra_indicators():
    indicators = {i: "3" for i in POLICY.element_indicators["智能"]}
    assert title(tier="base", activity="生产", elements=["智能"], element_indicators={"智能": indicators}) \
        == "中国陶瓷智能生产基地·佛山"
    missing = dict(indicators, **{POLICY.element_indicators["智能"][0]: ""})
    assert code_of(title, tier="base", elements=["智能"], element_indicators={"智能": missing}) \
        == "title_element_indicators_missing"
    assert code_of(title, tier="base", elements=["智能"], element_indicators={}) == "title_element_indicators_missing"
    assert all(POLICY.element_indicators[e] for e in POLICY.naming_elements)


# ---------------------------------------------------------------- region uniqueness


def region(province="广东省", city="", county="", code=""):
    return Region(province=province, city=city, county=county, code=code)


def test_region_uniqueness_never_matches_two_empty_codes_of_different_regions():
    live = [("a", region("广东省", "佛山市", "南海区"), "陶瓷")]
    assert check_unique_lifecycle(POLICY, "b", region("江西省", "景德镇市", "珠山区"), "陶瓷", live) is None


def test_region_uniqueness_compares_normalised_names_when_a_code_is_missing():
    live = [("a", region("广东省", "佛山市", "南海区"), "陶瓷")]
    assert code_of(check_unique_lifecycle, POLICY, "b", region("广东", "佛山", "南海 区"), "陶瓷", live) \
        == "duplicate_lifecycle"
    # one side with a code, the other without: the names decide
    assert code_of(check_unique_lifecycle, POLICY, "b", region("广东省", "佛山市", "南海区", "440605"), "陶瓷", live) \
        == "duplicate_lifecycle"
    assert check_unique_lifecycle(POLICY, "b", region("广东省", "佛山市", "南海区"), "家具", live) is None


def test_region_uniqueness_compares_codes_when_both_have_one():
    live = [("a", region("广东省", "佛山市", "南海区", "440605"), "陶瓷")]
    assert check_unique_lifecycle(POLICY, "b", region("广东省", "佛山市", "南海区", "440606"), "陶瓷", live) is None
    assert code_of(check_unique_lifecycle, POLICY, "b", region("广东", "", "", "440605"), "陶瓷", live) \
        == "duplicate_lifecycle"


def test_region_uniqueness_message_names_the_region_not_an_empty_code():
    live = [("a", region("广东省", "佛山市", "南海区"), "陶瓷")]
    with pytest.raises(DomainError) as e:
        check_unique_lifecycle(POLICY, "b", region("广东省", "佛山市", "南海区"), "陶瓷", live)
    assert "区域  的" not in e.value.message and "广东省佛山市南海区" in e.value.message


def test_same_region_needs_some_name_or_code():
    assert not same_region(region("", "", ""), region("", "", ""))
    assert not same_region("", "")
