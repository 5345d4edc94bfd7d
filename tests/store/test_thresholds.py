"""达标值 table versions in the store (SQLite, and PostgreSQL when reachable): appended, never
edited; the same content filed twice is one version; the version in force is resolved by date."""

from datetime import date

import pytest

from domain.cnlic.access import User
from domain.errors import DomainError
from service.cnlic import thresholds as svc
from store.cnlic import thresholds as repo

KEYS = ["output_value", "sales_revenue", "main_revenue", "profit_tax", "exports", "firms", "above_scale_firms",
        "patents", "standards", "brands", "employees", "rd_ratio", "market_share", "safety_cert_share",
        "iso9000_share", "iso14000_share", "iso22000_share", "pass_rate"]
ASSOCIATION = User("ceramics", "association", "中国陶瓷工业协会", industries=("陶瓷",))


def rows(value=10):
    return [{"key": k, "value": value} for k in KEYS]


def test_threshold_tables_are_versioned_and_never_edited_in_place(engine):
    first = svc.file_table(engine, ASSOCIATION, "陶瓷", "capital", "2026-01-01", rows(10))
    again = svc.file_table(engine, ASSOCIATION, "陶瓷", "capital", "2026-01-01", rows(10))
    second = svc.file_table(engine, ASSOCIATION, "陶瓷", "capital", "2027-01-01", rows(12))
    assert (first.table.version, first.created) == (1, True)
    assert (again.table.version, again.created) == (1, False)
    assert (second.table.version, second.created) == (2, True)
    stored = repo.versions(engine, "陶瓷", "capital")
    assert [(r.version, r.rows[0]["value"], r.filed_by) for r in stored] == [(1, 10, "中国陶瓷工业协会"),
                                                                           (2, 12, "中国陶瓷工业协会")]
    assert svc.resolve(engine, "陶瓷", "capital", date(2026, 6, 1)).version == 1
    assert svc.resolve(engine, "陶瓷", "capital", date(2027, 6, 1)).version == 2


def test_no_table_in_force_is_refused_thresholds_missing(engine):
    svc.file_table(engine, ASSOCIATION, "陶瓷", "capital", "2027-01-01", rows())
    with pytest.raises(DomainError) as e:
        svc.resolve(engine, "陶瓷", "capital", date(2026, 6, 1))
    assert e.value.code == "thresholds_missing" and "行业协（学）会" in e.value.message
    with pytest.raises(DomainError):
        svc.resolve(engine, "陶瓷", "town", date(2027, 6, 1))


def test_an_association_cannot_file_another_industrys_table(engine):
    with pytest.raises(DomainError) as e:
        svc.file_table(engine, ASSOCIATION, "家具", "base", "2026-01-01", rows())
    assert e.value.code == "thresholds_not_permitted"
    assert repo.versions(engine) == []


def test_the_xlsx_template_round_trips_into_a_new_version_once(engine):
    svc.file_table(engine, ASSOCIATION, "陶瓷", "capital", "2026-01-01", rows(10))
    current = svc.show(engine, "陶瓷", "capital")
    content = svc.table_template("陶瓷", "capital", current)
    unchanged = svc.import_table_xlsx(engine, ASSOCIATION, content)
    assert (unchanged.table.version, unchanged.created) == (1, False)
    from openpyxl import load_workbook
    import io
    wb = load_workbook(io.BytesIO(content))
    ws = wb.active
    ws["B3"] = "2027-03-01"
    ws["F6"] = 25
    out = io.BytesIO()
    wb.save(out)
    filed = svc.import_table_xlsx(engine, ASSOCIATION, out.getvalue())
    assert (filed.table.version, filed.created) == (2, True)
    assert filed.table.row("output_value").value == 25 and filed.table.effective_from == date(2027, 3, 1)
