"""Program 2's policy numbers (seeds/000): the 20% cap rounded down and the 2/3 vote."""

import pytest

from domain.demonstration.policy import DEMONSTRATION_2017, get_policy
from domain.errors import DomainError

P = DEMONSTRATION_2017


@pytest.mark.parametrize("valid, cap", [(49, 9), (50, 10), (54, 10), (55, 11), (4, 0), (5, 1), (0, 0), (30, 6)])
def test_cap_is_twenty_percent_of_valid_titles_rounded_down(valid, cap):
    assert P.cap(valid) == cap


@pytest.mark.parametrize("present, yes, passes", [
    (5, 4, True),   # 12 ≥ 10
    (5, 3, False),  # 9 < 10
    (6, 4, True),   # 12 ≥ 12: two thirds exactly passes (含三分之二)
    (6, 3, False),
    (7, 4, False),  # 12 < 14
    (7, 5, True),
    (3, 2, True),
    (0, 0, False),  # nobody present: no valid vote
])
def test_vote_passes_when_three_times_yes_reaches_twice_the_members_present(present, yes, passes):
    assert P.vote_passes(yes, present) is passes


@pytest.mark.parametrize("present", range(1, 30))
def test_votes_needed_is_the_fewest_yes_that_pass(present):
    needed = P.votes_needed(present)
    assert P.vote_passes(needed, present) and not P.vote_passes(needed - 1, present)


def test_policy_holds_the_seed_numbers_and_unknown_versions_are_refused():
    assert (P.cap_percent, P.violation_window_years, P.max_national_rank, P.notice_days) == (20, 5, 5, 7)
    assert (P.news_min, P.news_max) == (5, 10)
    assert len(P.publicity_items) == 7 and len(P.investment_parts) == 4 and len(P.opinion_kinds) == 3
    assert get_policy() is P
    with pytest.raises(DomainError) as e:
        get_policy("demonstration-1999")
    assert e.value.code == "policy_unknown"
