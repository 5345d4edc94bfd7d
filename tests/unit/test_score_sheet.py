"""附件一 score sheet: bands, the part-2 veto, the total, the pass mark."""

import pytest

from domain.errors import ScoreSheetInvalid
from domain.cnlic.policy import CNLIC_2022 as POLICY
from domain.cnlic.rules import validate_score_sheet

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
    (11, 48, False), (11, 48.5, True), (13, 60, True), (10, 48, True), (8, 36, True), (8, 35.9, False),
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
    details = [{"name": f"指标{i}", "value": 10, "threshold": 5 if i < 11 else 20} for i in range(13)]
    assert codes(sheet(indicators=details)) == ["score_count_mismatch"]  # 11 met, sheet says 12
    validate_score_sheet(POLICY, sheet(part1_met=11, part1=49, indicators=details))


def test_every_violation_is_reported_not_just_the_first():
    assert codes(sheet(part1_met=9, part1=50, part2_vetoes_clear=False, total=1)) == [
        "score_band_part1", "score_veto", "score_total_mismatch"]


def test_missing_parts_are_named():
    with pytest.raises(ScoreSheetInvalid) as e:
        validate_score_sheet(POLICY, {"part1": 50})
    assert e.value.code == "score_missing_part" and "total" in e.value.message


@pytest.mark.parametrize("bad", [{"part1": "52"}, {"part1": 61}, {"part1_met": 14}, {"part2_vetoes_clear": "yes"},
                                 {"part3": -1}])
def test_wrong_types_and_ranges_are_rejected(bad):
    s = dict(VALID)
    s.update(bad)
    with pytest.raises(ScoreSheetInvalid):
        validate_score_sheet(POLICY, s)


# ---------------------------------------------------------------- part 1 has 13 indicators


def test_part1_has_13_indicators_because_the_or_rows_count_once():
    assert POLICY.part1_indicators == 13 == len(POLICY.score_part1_rows)
    alternatives = {r.key: r.alt_key for r in POLICY.score_part1_rows if r.alt_key}
    assert alternatives == {"output_value": "output_share", "profit_tax": "profit_margin"}


def test_part1_met_counts_at_most_13():
    assert codes(sheet(part1_met=14, part1=55)) == ["score_out_of_range"]
    assert codes(sheet(part1_met=15, part1=60)) == ["score_out_of_range"]
    validate_score_sheet(POLICY, sheet(part1_met=13, part1=60))


def test_part1_indicator_details_list_at_most_13_rows():
    details = [{"name": f"指标{i}", "met": True} for i in range(15)]
    assert codes(sheet(part1_met=13, part1=60, indicators=details)) == ["score_too_many_indicators"]


# ---------------------------------------------------------------- met computed from values


def table():
    from datetime import date

    from domain.cnlic.thresholds import ThresholdTable, check_table_rows
    rows = [{"key": k, "value": 10} for k in THRESHOLD_KEYS]
    return ThresholdTable("陶瓷", "capital", 2, date(2026, 1, 1), check_table_rows(POLICY, rows)).as_sheet_data()


THRESHOLD_KEYS = ["output_value", "output_share", "sales_revenue", "main_revenue", "profit_tax", "profit_margin", "exports", "firms",
                  "above_scale_firms", "patents", "standards", "brands", "employees", "rd_ratio", "market_share",
                  "safety_cert_share", "iso9000_share", "iso14000_share", "iso22000_share", "pass_rate"]


def values(met1=13, met2=5, **changes):
    """Values meeting ``met1`` part-1 rows and ``met2`` of part 2's first five (threshold 10)."""
    part1 = ["output_value", "sales_revenue", "main_revenue", "profit_tax", "exports", "firms", "above_scale_firms",
             "patents", "standards", "brands", "employees", "rd_ratio", "market_share"]
    part2 = ["safety_cert_share", "iso9000_share", "iso14000_share", "iso22000_share", "pass_rate"]
    out = {k: (20 if i < met1 else 5) for i, k in enumerate(part1)}
    out.update({k: (20 if i < met2 else 5) for i, k in enumerate(part2)})
    out.update(quality_incident="无", pollution_incident=False, safety_accident="无")
    out.update(changes)
    return out


def computed(**changes):
    s = {"values": values(), "thresholds": table(), "part1": 52, "part2": 18, "part3": 9, "part4": 9}
    s.update(changes)
    s.setdefault("total", s["part1"] + s["part2"] + s["part3"] + s["part4"])
    return s


def test_met_is_computed_from_entered_values_against_the_table():
    result = validate_score_sheet(POLICY, computed(values=values(met1=11, met2=4), part1=49, part2=12))
    assert (result.part1_met, result.part2_first5_met, result.part2_vetoes_clear) == (11, 4, True)
    assert result.thresholds == "陶瓷·都·第2版"
    assert result.as_dict()["thresholds"] == "陶瓷·都·第2版" and len(result.as_dict()["rows"]) == 13 + 8


def test_met_computed_from_values_sets_the_band_not_a_typed_count():
    # ten rows meet the table: 52 points is above the 8-10 band even if the expert typed 12
    s = computed(values=values(met1=10))
    assert codes(s) == ["score_band_part1"]
    assert codes(dict(s, part1=45, total=81, part1_met=12)) == ["score_count_mismatch"]
    assert validate_score_sheet(POLICY, dict(s, part1=45, total=81)).part1_met == 10


def test_an_or_row_takes_either_alternative_and_counts_once():
    v = values()
    del v["output_value"]
    v["output_share"] = 30.0
    result = validate_score_sheet(POLICY, computed(values=v))
    assert result.part1_met == 13
    assert {r["key"] for r in result.rows} >= {"output_share", "profit_tax"}
    assert codes(computed(values=dict(values(), output_share=30.0))) == ["score_alternative_ambiguous"]


def test_a_missing_value_is_named():
    v = values()
    del v["patents"]
    with pytest.raises(ScoreSheetInvalid) as e:
        validate_score_sheet(POLICY, computed(values=v))
    assert e.value.code == "score_value_missing" and "有效期内专利数量" in e.value.message


def test_a_veto_row_answered_yes_zeroes_part2_from_values():
    s = computed(values=values(pollution_incident="有"))
    assert codes(s) == ["score_veto"]
    assert validate_score_sheet(POLICY, dict(s, part2=0, total=70)).part2_vetoes_clear is False


def test_a_direction_at_most_is_met_below_the_threshold():
    from datetime import date

    from domain.cnlic.thresholds import ThresholdTable, check_table_rows
    rows = [{"key": k, "value": 10} for k in THRESHOLD_KEYS if k != "firms"] + [
        {"key": "firms", "value": 10, "direction": "不高于"}]
    t = ThresholdTable("陶瓷", "capital", 3, date(2026, 1, 1), check_table_rows(POLICY, rows)).as_sheet_data()
    result = validate_score_sheet(POLICY, computed(thresholds=t, values=values(met1=13, firms=20)))
    assert result.part1_met == 12  # firms (20) is above an at-most 10: not met
    assert [r["met"] for r in result.rows if r["key"] == "firms"] == [False]


def test_values_without_a_table_are_refused_thresholds_missing():
    s = computed()
    del s["thresholds"]
    assert codes(s) == ["thresholds_missing"]


def test_a_sheet_of_typed_counts_still_validates_as_before_issue_11():
    result = validate_score_sheet(POLICY, VALID)
    assert result.thresholds is None and "thresholds" not in result.as_dict()
    assert set(result.as_dict()) == {"part1_met", "part1", "part2_first5_met", "part2_vetoes_clear", "part2",
                                     "part3", "part4", "total", "passed", "pass_mark"}


def test_of_the_industrys_tables_the_evaluated_tiers_is_used():
    capital, town = table(), dict(table(), tier="town", ref="陶瓷·乡镇·第2版")
    town = dict(town, rows={k: dict(r, value=1) for k, r in town["rows"].items()})  # everything met in town
    s = computed(thresholds=[town, capital], values=values(met1=10), part1=45)
    assert validate_score_sheet(POLICY, s, tier="capital").part1_met == 10
    assert codes(dict(s, part1=52, total=88)) != []  # no tier given and two tables: refused
    with pytest.raises(ScoreSheetInvalid) as e:
        validate_score_sheet(POLICY, dict(s, thresholds=[town]), tier="capital")
    assert e.value.code == "thresholds_missing" and "“陶瓷”行业“都”级" in e.value.message
