"""附件三's workbook in the annex's layout reads back exactly what was written (every table,
表四's finances and products included), and a stale template's years are refused."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from domain.cnlic.annex3 import check_annex3
from domain.errors import DomainError
from service.cnlic.annex3 import TABLE2_SHEET, Annex3In, parse_xlsx, template_xlsx
from tests.annexes import annex3

YEARS = (2024, 2025, 2026)


def test_annex3_workbook_round_trips_every_table():
    data = Annex3In.model_validate(annex3()).model_dump(mode="json", exclude_none=True)
    data["firms"].append({"name": "第二家企业", "finance": [{"year": 2025, "sales": 1.5}, {"year": 2026, "sales": 2}],
                          "business_types": ["seller", "service"]})
    content = template_xlsx(YEARS, procedure_label="新申请", data=data)
    assert load_workbook(io.BytesIO(content)).sheetnames[2:4] == ["表四 重点企业 1", "表四 重点企业 2"]
    back = parse_xlsx(content, YEARS)
    assert check_annex3(back, "designation", date(2027, 3, 1)).as_event() == \
        check_annex3(data, "designation", date(2027, 3, 1)).as_event()
    assert back["firms"][1]["finance"] == [{"year": 2025, "sales": 1.5}, {"year": 2026, "sales": 2}]


def test_annex3_workbook_with_other_years_is_refused_as_stale():
    content = template_xlsx((2023, 2024, 2025), procedure_label="新申请", data=annex3())
    with pytest.raises(DomainError) as e:
        parse_xlsx(content, YEARS)
    assert e.value.code == "annex3_years_mismatch" and f"工作表“{TABLE2_SHEET}”第 4 行 C 列" in e.value.message


def test_annex3_untouched_firm_sheet_is_not_a_firm():
    content = template_xlsx(YEARS, procedure_label="新申请", data={})
    assert parse_xlsx(content, YEARS)["firms"] == []
