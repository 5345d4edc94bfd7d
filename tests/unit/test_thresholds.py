"""达标值 tables as data (RULES.md "Thresholds"): what a table must hold, named per row; the
version in force on a date; who may file one."""

from datetime import date

import pytest

from domain.errors import DomainError
from domain.cnlic.policy import CNLIC_2022 as POLICY
from domain.cnlic.thresholds import ThresholdRow, ThresholdTable, ThresholdsInvalid, check_may_file, check_table_rows, in_force

KEYS = ["output_value", "sales_revenue", "main_revenue", "profit_tax", "exports", "firms", "above_scale_firms",
        "patents", "standards", "brands", "employees", "rd_ratio", "market_share", "safety_cert_share",
        "iso9000_share", "iso14000_share", "iso22000_share", "pass_rate"]


def rows(**values):
    out = [{"row": i + 6, "key": k, "value": 10} for i, k in enumerate(KEYS)]
    for r in out:
        if r["key"] in values:
            r["value"] = values[r["key"]]
    return out


def table(version, effective):
    return ThresholdTable("陶瓷", "capital", version, effective, (ThresholdRow("firms", version),))


def test_a_table_holds_every_part1_indicator_once_and_parts_2_first_five():
    checked = check_table_rows(POLICY, rows())
    assert len(checked) == 18 and checked[0].key == "output_value" and checked[0].unit == "亿元"


def test_an_or_row_needs_only_one_of_its_alternatives():
    r = [x for x in rows() if x["key"] != "output_value"] + [{"key": "output_share", "value": 30}]
    assert {x.key for x in check_table_rows(POLICY, r)} >= {"output_share"}


def test_table_errors_name_the_row_and_the_indicator():
    bad = rows(patents="很多", firms=-1) + [{"row": 30, "key": "nonsense", "value": 1}]
    bad = [x for x in bad if x["key"] != "pass_rate"]
    with pytest.raises(ThresholdsInvalid) as e:
        check_table_rows(POLICY, bad)
    found = {(x.details["row"], x.details["indicator"], x.code) for x in e.value.errors}
    assert (13, "patents", "thresholds_value_invalid") in found
    assert (11, "firms", "thresholds_value_invalid") in found
    assert (30, "nonsense", "thresholds_row_unknown") in found
    assert (None, "pass_rate", "thresholds_row_missing") in found
    assert "第 13 行（有效期内专利数量）" in e.value.message


def test_a_unit_other_than_the_annexs_is_refused():
    bad = rows()
    bad[0]["unit"] = "万元"
    with pytest.raises(ThresholdsInvalid) as e:
        check_table_rows(POLICY, bad)
    assert e.value.code == "thresholds_unit_mismatch"


def test_the_version_in_force_on_the_visit_date_is_the_latest_effective_not_after_it():
    v1, v2, v3 = table(1, date(2026, 1, 1)), table(2, date(2027, 1, 1)), table(3, date(2027, 1, 1))
    assert in_force([v1, v2, v3], date(2025, 12, 31)) is None
    assert in_force([v1, v2, v3], date(2026, 12, 31)) is v1
    assert in_force([v1, v2, v3], date(2027, 1, 1)) is v3  # a later version for the same date supersedes
    assert in_force([v3, v1], date(2030, 1, 1)) is v3


def test_an_association_files_tables_only_for_its_own_industries():
    check_may_file("association", ("陶瓷",), "陶瓷")
    check_may_file("secretariat", (), "家具")
    with pytest.raises(DomainError) as e:
        check_may_file("association", ("陶瓷",), "家具")
    assert e.value.code == "thresholds_not_permitted"
    with pytest.raises(DomainError):
        check_may_file("expert", (), "陶瓷")


def test_the_site_report_form_has_the_annex_one_values_table_and_posts_them_as_values():
    from console.cnlic.action_forms import data_from_form, items_of

    table = next(i for i in items_of("record_site_report", date(2027, 1, 1)) if i.name == "f_score_sheet.values")
    labels = [label for label, _ in table.rows]
    assert len(labels) == 15 + 8 and labels[1] == "或：占本地区工业总产值比例（%）"
    assert [i.kind for i in table.rows[-1][1]] == ["select"]
    form = {"f_score_sheet.values.output_share": "3", "f_score_sheet.values.pollution_incident": "无"}
    data = data_from_form("record_site_report", form, date(2027, 1, 1))
    assert data["score_sheet"]["values"] == {"output_share": 3.0, "pollution_incident": "无"}
