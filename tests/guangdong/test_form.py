"""附件2 考核表 as the domain types it: 94 fields (counted from the seed where it is at hand),
grouped as the form groups them, each with its kind and unit; values judged by kind and range,
the fields against each other, the form complete before it is submitted; year-on-year change
for every numeric field. And 附件3's outline: an overview and 6 parts of 26 items."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from domain.errors import DomainError
from domain.guangdong import form as F
from domain.guangdong import summary as S
from domain.guangdong.zones import BY_KEY
from service.guangdong.sample import sample_form, sample_summary

SEED = Path("/work/shared/seeds/002_e8f69d8be8ea26d0.txt")
ZONE = BY_KEY["gd-foshan-xiqiao-textiles"]


def seed_labels() -> list[str]:
    """The field labels of 附件2 in the seed: every non-blank line between the form's title and
    the filer's block (申报单位), less the title."""
    text = SEED.read_text(encoding="utf-8")
    body = text.split("广东省产业集群升级示范区考核表", 1)[1].split("申报单位", 1)[0]
    return [line.strip() for line in body.splitlines() if line.strip() and line.strip() != "\u3000"]


def norm(s: str) -> str:
    return re.sub(r"\s+", "", s)


def test_the_form_has_94_fields_each_typed_with_a_unit_and_a_group():
    assert len(F.FIELDS) == 94
    assert len({f.key for f in F.FIELDS}) == 94 and len({f.label for f in F.FIELDS}) == 94
    assert {f.group for f in F.FIELDS} == {g.key for g in F.GROUPS}
    for f in F.FIELDS:
        assert f.kind in F.KIND_LABELS
        if f.kind == F.PERCENT:
            assert f.unit == "%"
        if f.kind in (F.NUMBER, F.COUNT):
            assert f.unit, f.key


@pytest.mark.skipif(not SEED.exists(), reason=f"the seed is not at {SEED}")
def test_the_94_fields_are_the_seeds_labels_in_the_seeds_order():
    labels = seed_labels()
    assert len(labels) == 94
    assert [norm(x) for x in labels] == [norm(f.label) for f in F.FIELDS]


def test_the_parks_group_holds_eleven_yes_no_compliance_items():
    yes_no = [f for f in F.FIELDS if f.kind == F.YESNO]
    assert len(yes_no) == 11 and {f.group for f in yes_no} == {"parks"}


def test_rows_print_one_or_two_fields_and_keep_a_group_together():
    assert sum(len(r) for r in F.ROWS) == 94
    assert all(1 <= len(r) <= 2 and len({f.group for f in r}) == 1 for r in F.ROWS)


def test_a_share_above_100_percent_is_refused_naming_the_field():
    with pytest.raises(F.FormInvalid) as e:
        F.check_form({"output_share_domestic": "130%"}, complete=False)
    assert e.value.code == "share_out_of_range"
    assert e.value.message.startswith("特色产业产值占国内同类产品比重（％）：130%")
    assert e.value.problems[0].details["field"] == "output_share_domestic"


def test_growth_may_fall_but_a_count_may_not_be_negative_nor_a_fraction():
    assert F.check_form({"output_growth": -12.5}, complete=False) == {"output_growth": -12.5}
    with pytest.raises(F.FormInvalid) as e:
        F.check_form({"firms_total": -1, "patents": "3.5"}, complete=False)
    assert [p.code for p in e.value.problems] == ["form_negative", "form_not_an_integer"]


def test_every_refused_field_is_named_not_just_the_first():
    with pytest.raises(F.FormInvalid) as e:
        F.check_form({"water_use": "很多", "park_plan": "也许", "top10_erp": 101, "nonsense": 1}, complete=False)
    codes = [p.code for p in e.value.problems]
    assert codes == ["form_field_unknown", "form_not_yes_no", "form_not_a_number", "share_out_of_range"]  # form order


@pytest.mark.parametrize("part, whole", F.NOT_ABOVE)
def test_a_part_may_not_exceed_its_whole(part, whole):
    values = sample_form(ZONE, 2026)
    values[part] = values[whole] + 1
    with pytest.raises(F.FormInvalid) as e:
        F.check_form(values, complete=True)
    assert e.value.code == "form_inconsistent" and F.BY_KEY[part].label in e.value.message


def test_employment_in_the_industry_above_local_employment_is_refused():
    with pytest.raises(F.FormInvalid) as e:
        F.check_form({"local_employment": 1000, "industry_employment": 1200}, complete=False)
    assert e.value.message == "特色产业就业人数（1200）不能大于当地就业总人数（1000）"


def test_a_plan_that_does_not_exist_cannot_have_passed_its_environmental_assessment():
    with pytest.raises(F.FormInvalid):
        F.check_form({"park_plan": "无", "park_plan_eia": "是"}, complete=False)


def test_a_submitted_form_fills_every_field_but_names_may_be_none():
    values = sample_form(ZONE, 2026)
    values["parks_building"] = "无"
    assert F.check_form(values, complete=True)["parks_building"] == []
    del values["rd_spending"]
    with pytest.raises(F.FormInvalid) as e:
        F.check_form(values, complete=True)
    assert e.value.code == "form_field_missing" and "去年企业R&D(研发)投入(亿元)" in e.value.message


def test_year_on_year_covers_every_numeric_field_in_points_for_shares_and_percent_for_amounts():
    this = F.check_form(sample_form(ZONE, 2026), complete=True)
    last = F.check_form(sample_form(ZONE, 2025), complete=True)
    changes = {c.key: c for c in F.year_on_year(this, last)}
    assert set(changes) == {f.key for f in F.FIELDS if f.numeric} and len(changes) == 59
    out = changes["output"]
    assert out.growth == round((this["output"] - last["output"]) / last["output"] * 100, 2)
    share = changes["output_share_domestic"]
    assert share.points and share.change == round(this["output_share_domestic"] - last["output_share_domestic"], 4)
    assert all(c.last_year is None and c.growth is None for c in F.year_on_year(this, None))


def test_the_summary_outline_has_an_overview_and_six_parts_of_26_items():
    assert len(S.PARTS) == 6 and len(S.ITEMS) == 26 and len(S.SECTION_KEYS) == 27
    assert [len(p.items) for p in S.PARTS] == [1, 7, 4, 3, 6, 5]
    titles = S.section_titles(2026)
    assert titles["overview"] == "一、2026年产业集群发展概况分析"
    assert titles["env_overview"] == "二、（六）集群的环境保护 1、2026年度环境保护的总体概况"


def test_a_summary_is_submitted_with_every_section_written():
    written = sample_summary(ZONE, 2026)
    assert S.check_summary(written, complete=True) == written
    del written["circular_economy"]
    with pytest.raises(DomainError) as e:
        S.check_summary(written, complete=True)
    assert e.value.code == "summary_section_missing" and "发展循环经济的前景" in e.value.message
    with pytest.raises(DomainError) as e:
        S.check_summary({"overview": "x" * 5001}, complete=False)
    assert e.value.code == "text_too_long"
