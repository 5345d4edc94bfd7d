"""附件一 score sheet: bands, the part-2 veto, the total, the pass mark."""

import pytest

from domain.errors import ScoreSheetInvalid
from domain.policy import CNLIC_2022 as POLICY
from domain.rules import validate_score_sheet

VALID = {"part1_met": 12, "part1": 52, "part2_first5_met": 5, "part2_vetoes_clear": True, "part2": 18, "part3": 9,
         "part4": 9, "total": 88}


def sheet(**changes):
    s = dict(VALID)
    s.update(changes)
    if "total" not in changes:
        s["total"] = s["part1"] + s["part2"] + s["part3"] + s["part4"]
    return s


def codes(s):
    with pytest.raises(ScoreSheetInvalid) as e:
        validate_score_sheet(POLICY, s)
    return [v.code for v in e.value.violations]


def test_a_valid_sheet_passes_with_its_total():
    result = validate_score_sheet(POLICY, VALID)
    assert result.passed and result.total == 88


def test_a_valid_sheet_below_seventy_fails_but_is_valid():
    result = validate_score_sheet(POLICY, sheet(part1_met=8, part1=36, part2_first5_met=3, part2=10, part3=6, part4=6))
    assert result.total == 58 and not result.passed


def test_seventy_exactly_passes():
    result = validate_score_sheet(POLICY, sheet(part1_met=10, part1=45, part2_first5_met=4, part2=13, part3=6, part4=6))
    assert result.total == 70 and result.passed


def test_part1_claiming_fifty_points_with_nine_indicators_met_is_rejected():
    assert codes(sheet(part1_met=9, part1=50)) == ["score_band_part1"]


@pytest.mark.parametrize("met, score, ok", [
    (11, 48, False), (11, 48.5, True), (15, 60, True), (10, 48, True), (8, 36, True), (8, 35.9, False),
    (7, 36, False), (7, 35.5, True), (0, 0, True),
])
def test_part1_bands_follow_the_annex(met, score, ok):
    s = sheet(part1_met=met, part1=score)
    if ok:
        validate_score_sheet(POLICY, s)
    else:
        assert codes(s) == ["score_band_part1"]


@pytest.mark.parametrize("met, score, ok", [(5, 16, False), (5, 16.5, True), (4, 16, True), (3, 10, True),
                                            (2, 10, False), (2, 9.5, True)])
def test_part2_bands_follow_the_annex(met, score, ok):
    s = sheet(part2_first5_met=met, part2=score)
    if ok:
        validate_score_sheet(POLICY, s)
    else:
        assert codes(s) == ["score_band_part2"]


def test_a_failed_veto_item_zeroes_part2():
    assert codes(sheet(part2_vetoes_clear=False)) == ["score_veto"]
    result = validate_score_sheet(POLICY, sheet(part2_vetoes_clear=False, part2=0))
    assert result.part2 == 0


def test_total_must_be_the_sum():
    assert codes(sheet(total=90)) == ["score_total_mismatch"]


def test_graded_parts_must_sit_in_their_grade_band():
    assert codes(sheet(part3_grade="good", part3=7)) == ["score_band_part3"]
    validate_score_sheet(POLICY, sheet(part4_grade="较好", part4=6))


def test_indicator_details_must_agree_with_the_count():
    details = [{"name": f"指标{i}", "value": 10, "threshold": 5 if i < 11 else 20} for i in range(15)]
    assert codes(sheet(indicators=details)) == ["score_count_mismatch"]  # 11 met, sheet says 12
    validate_score_sheet(POLICY, sheet(part1_met=11, part1=49, indicators=details))


def test_every_violation_is_reported_not_just_the_first():
    assert codes(sheet(part1_met=9, part1=50, part2_vetoes_clear=False, total=1)) == [
        "score_band_part1", "score_veto", "score_total_mismatch"]


def test_missing_parts_are_named():
    with pytest.raises(ScoreSheetInvalid) as e:
        validate_score_sheet(POLICY, {"part1": 50})
    assert e.value.code == "score_missing_part" and "total" in e.value.message


@pytest.mark.parametrize("bad", [{"part1": "52"}, {"part1": 61}, {"part1_met": 16}, {"part2_vetoes_clear": "yes"},
                                 {"part3": -1}])
def test_wrong_types_and_ranges_are_rejected(bad):
    s = dict(VALID)
    s.update(bad)
    with pytest.raises(ScoreSheetInvalid):
        validate_score_sheet(POLICY, s)
