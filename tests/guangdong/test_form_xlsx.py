"""The 考核表 as an XLSX workbook in the form's own layout, both ways: every one of the 94
fields round-trips; an upload is refused naming the cell and the field (a share of 130%), or
when it is another zone's or year's form, or a column label was removed."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from domain.errors import DomainError
from domain.guangdong.form import FIELDS, FormInvalid, check_form
from domain.guangdong.zones import BY_KEY
from service.guangdong.form_xlsx import SHEET, read_form, write_form
from service.guangdong.sample import sample_contact, sample_form

ZONE = BY_KEY["gd-jiangmen-kaiping-sanitary"]


def _edit(content: bytes, change) -> bytes:
    wb = load_workbook(io.BytesIO(content))
    change(wb[SHEET])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell_of(ws, label: str):
    for row in ws.iter_rows(max_col=4):
        for i in (0, 2):
            if row[i].value == label:
                return row[i + 1]
    raise AssertionError(label)


def test_a_filled_workbook_round_trips_every_one_of_the_94_fields():
    values = check_form(sample_form(ZONE, 2026), complete=True)
    values["markets"] = ["【演示】开平水口水暖卫浴城", "【演示】水口镇五金市场"]
    values["guarantors"] = []
    assert len(values) == 94
    back, contact = read_form(write_form(ZONE, 2026, values, sample_contact(ZONE)), ZONE, 2026)
    assert back == values
    assert {f.key for f in FIELDS} == set(back)
    assert contact == sample_contact(ZONE)


def test_an_upload_with_a_share_of_130_percent_is_refused_naming_the_cell_and_the_field():
    content = _edit(write_form(ZONE, 2026, sample_form(ZONE, 2026)),
                    lambda ws: setattr(_cell_of(ws, "出口交货值占国内同类出口产品的比重（％）"), "value", 130))
    with pytest.raises(FormInvalid) as e:
        read_form(content, ZONE, 2026)
    assert e.value.code == "share_out_of_range"
    assert "出口交货值占国内同类出口产品的比重（％）：130%" in e.value.message
    assert e.value.message.startswith(f"{SHEET}!D")


def test_a_share_typed_as_a_percentage_in_excel_is_read_as_that_percentage():
    def typed(ws):
        cell = _cell_of(ws, "特色产业产值占国际同类产品比重（％）")
        cell.value, cell.number_format = 0.35, "0%"

    values, _ = read_form(_edit(write_form(ZONE, 2026, sample_form(ZONE, 2026)), typed), ZONE, 2026)
    assert values["output_share_world"] == 35


def test_another_zones_or_years_form_is_refused():
    content = write_form(ZONE, 2026, sample_form(ZONE, 2026))
    with pytest.raises(DomainError) as e:
        read_form(content, BY_KEY["gd-yunfu-stone"], 2026)
    assert e.value.code == "form_other_zone"
    with pytest.raises(DomainError) as e:
        read_form(content, ZONE, 2025)
    assert e.value.code == "form_other_year"


def test_a_workbook_missing_a_field_label_is_refused_with_its_name():
    content = _edit(write_form(ZONE, 2026, {}), lambda ws: setattr(
        next(c for row in ws.iter_rows(max_col=4) for c in row if c.value == "中国名牌产品数"), "value", None))
    with pytest.raises(DomainError) as e:
        read_form(content, ZONE, 2026)
    assert e.value.code == "form_field_missing" and "中国名牌产品数" in e.value.message


def test_a_file_that_is_not_a_workbook_gets_one_line():
    with pytest.raises(DomainError) as e:
        read_form(b"not a spreadsheet", ZONE, 2026)
    assert e.value.code == "file_invalid"
