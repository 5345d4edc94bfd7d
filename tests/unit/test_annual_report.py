"""附件五 年度报表 (§四(一), RULES.md "Annual report (附件五)"): the complete form, 同比 against
the previous calendar year's report, the bounded figures a lifecycle keeps, and the record of
reports filed and missing that the re-evaluation lists."""

from datetime import date

import pytest

from domain.cnlic.annual_report import (
    ANNEX_ROWS,
    ANNUAL_INDICATORS,
    FIGURES_KEPT_YEARS,
    FIRM_COLUMNS,
    HEADER_FIELDS,
    check_annual_report,
    growth_text,
    reports_for_reevaluation,
)
from domain.errors import DomainError
from domain.cnlic.policy import get_policy
from tests.support import APPLICANT, PureDriver, annual_report

POLICY = get_policy()


def code_of(fn, *args, **kw) -> str:
    with pytest.raises(DomainError) as e:
        fn(*args, **kw)
    return e.value.code


def test_annex_five_has_its_twenty_rows_its_header_and_eight_firms_of_twelve_columns():
    assert [r.no for r in ANNEX_ROWS] == list(range(1, 21))
    assert {k for r in ANNEX_ROWS for k in r.keys} == {s.key for s in ANNUAL_INDICATORS}
    assert [k for k, _ in HEADER_FIELDS] == ["location", "cluster_name", "filer", "contact", "phone"]
    assert len(FIRM_COLUMNS) == 12
    report = check_annual_report(POLICY, annual_report(2027, leading_firms=8))
    assert len(report.leading_firms) == 8 and report.header["cluster_name"] == "佛山陶瓷产业集群"
    assert report.indicators["platform_2"] == "陶瓷产业电子商务平台"


@pytest.mark.parametrize("key", [s.key for s in ANNUAL_INDICATORS])
def test_only_year_on_year_may_be_left_blank_every_row_is_required(key):
    data = annual_report(2027)
    del data["indicators"][key]
    assert code_of(check_annual_report, POLICY, data) == "indicator_missing"


@pytest.mark.parametrize("key", [k for k, _ in HEADER_FIELDS])
def test_only_year_on_year_may_be_left_blank_the_header_is_required(key):
    data = annual_report(2027)
    data["header"][key] = " "
    assert code_of(check_annual_report, POLICY, data) == "annual_header_missing"


def test_only_year_on_year_may_be_left_blank_each_leading_firm_fills_its_twelve_columns():
    data = annual_report(2027)
    del data["leading_firms"][1]["email"]
    assert code_of(check_annual_report, POLICY, data) == "annual_firms_missing"
    data = annual_report(2027, leading_firms=3)
    data["leading_firms"].pop()
    assert code_of(check_annual_report, POLICY, data) == "annual_firms_missing"  # 3 counted, 2 listed
    data = annual_report(2027, leading_firms=20)
    assert len(data["leading_firms"]) == 8  # up to 8 are listed
    check_annual_report(POLICY, data)
    data["leading_firms"].append(dict(data["leading_firms"][0]))
    assert code_of(check_annual_report, POLICY, data) == "annual_firms_invalid"


def test_an_or_row_records_which_alternative_was_chosen():
    data = annual_report(2027)
    del data["indicators"]["market_share_basis"]
    assert code_of(check_annual_report, POLICY, data) == "annual_choice_missing"
    report = check_annual_report(POLICY, annual_report(2027, market_share_basis="industry"))
    assert report.indicators["market_share_basis"] == "industry"
    assert report.figures()["market_share_basis"] == "industry"


def test_a_part_cannot_exceed_its_whole():
    assert code_of(check_annual_report, POLICY, annual_report(2027, firms=10, above_scale_firms=11)) == \
        "indicator_invalid"


def test_green_rows_are_cumulative_since_2016_and_cannot_fall_below_the_previous_year():
    assert "2016" in next(s.label for s in ANNUAL_INDICATORS if s.key == "green_products")
    previous = {"green_products": 8, "green_factories": 2}
    assert code_of(check_annual_report, POLICY, annual_report(2027, green_products=7), previous) == \
        "annual_cumulative_decreased"
    # a late report for an earlier year cannot exceed the year after it either
    assert code_of(check_annual_report, POLICY, annual_report(2026, green_factories=3), None,
                   following={"green_products": 9, "green_factories": 2}) == "annual_cumulative_decreased"
    check_annual_report(POLICY, annual_report(2027, green_products=8), previous)


def test_year_on_year_is_a_relative_change_and_percentage_points_for_percent_rows():
    previous = {"revenue": 200.0, "union_share": 50.0, "market_share": 10.0, "market_share_basis": "market",
                "firms": 0}
    report = check_annual_report(POLICY, annual_report(2027, revenue=220.0, union_share=55.0, market_share=12.5),
                                 previous)
    assert report.growth["revenue"] == 10.0  # +10 %
    assert report.growth["union_share"] == 5.0  # +5 percentage points, not +10 %
    assert report.growth["market_share"] == 2.5
    assert report.growth["firms"] is None  # no relative change from 0
    assert report.growth["employees"] is None  # no figure last year
    assert growth_text("revenue", 10.0) == "+10%" and growth_text("union_share", -1.5) == "−1.5 个百分点"
    assert growth_text("revenue", None) == "—"


def test_year_on_year_of_an_or_row_needs_the_same_alternative_both_years():
    previous = {"market_share": 10.0, "market_share_basis": "industry"}
    report = check_annual_report(POLICY, annual_report(2027, market_share=12.0), previous)
    assert report.growth["market_share"] is None


# ------------------------------------------------------------------ through the lifecycle


def onboarded() -> PureDriver:
    """A title imported on 22 Nov 2026 (conferred June 2025): the 2026 report is owed."""
    d = PureDriver()
    d.today = date(2026, 11, 22)
    d.start("designated", date(2025, 6, 1))
    return d


def growth_of(out) -> dict:
    (action,) = [e for e in out.events if e.kind == "action"]
    return action.data["report"]["growth"]


def test_year_on_year_compares_with_the_report_for_the_previous_calendar_year_whenever_filed():
    d = onboarded()
    first = d.act(date(2028, 3, 1), "submit_annual_report", annual_report(2027, revenue=200.0), APPLICANT)
    late = d.act(date(2028, 3, 2), "submit_annual_report", annual_report(2026, revenue=100.0), APPLICANT)
    third = d.act(date(2029, 3, 1), "submit_annual_report", annual_report(2028, revenue=220.0), APPLICANT)
    assert growth_of(first)["revenue"] is None  # no 2026 report yet
    assert growth_of(late)["revenue"] is None  # no 2025 report: none, not −50 %
    assert growth_of(third)["revenue"] == 10.0  # against 2027, not the 2026 filed last
    assert d.state.annual_reports["2026"]["late"] is True


def test_a_report_for_a_year_not_yet_ended_is_refused():
    d = onboarded()
    d.advance(date(2027, 5, 3))  # 2026 overdue: the 2027 report is armed
    with pytest.raises(DomainError) as e:
        d.act(date(2027, 6, 1), "submit_annual_report", annual_report(2027), APPLICANT)
    assert e.value.code == "annual_report_year_not_ended"


def test_the_state_keeps_only_the_numbers_of_a_bounded_number_of_recent_years():
    d = onboarded()
    d.state.annual_figures = {str(y): {"revenue": float(y)} for y in range(2015, 2026)}  # as if filed for years
    d.act(date(2027, 3, 1), "submit_annual_report", annual_report(2026, revenue=2025.0 * 1.1), APPLICANT)
    kept = d.state.annual_figures
    assert list(kept) == [str(y) for y in range(2027 - FIGURES_KEPT_YEARS, 2027)]
    assert kept["2026"]["revenue"] == 2025.0 * 1.1 and "platform_1" not in kept["2026"]
    assert all(not isinstance(v, str) or k == "market_share_basis" for f in kept.values() for k, v in f.items())
    assert d.state.last_annual_indicators == {}


def test_a_lifecycle_that_filed_before_issue_11_compares_with_its_last_report():
    d = onboarded()
    d.lc.annual_report_v2 = False
    d.act(date(2027, 3, 1), "submit_annual_report",
          {"year": 2026, "indicators": {"revenue": 100.0, "profit": 1.0, "firms": 300, "employees": 9}}, APPLICANT)
    assert d.state.annual_figures == {} and d.state.last_annual_indicators["revenue"] == 100.0
    d.lc.annual_report_v2 = True
    out = d.act(date(2028, 3, 1), "submit_annual_report", annual_report(2027, revenue=150.0), APPLICANT)
    assert growth_of(out)["revenue"] == 50.0
    assert set(d.state.annual_figures) == {"2026", "2027"}


def test_annual_reports_reach_the_reevaluation_filed_and_missing_since_conferral():
    d = onboarded()
    d.act(date(2028, 3, 1), "submit_annual_report", annual_report(2027), APPLICANT)
    record = reports_for_reevaluation(d.state, date(2028, 6, 1))
    assert [(e.year, e.status) for e in record.entries] == [(2026, "missing"), (2027, "filed"), (2028, "owed")]
    assert record.filed[0].filed_on == date(2028, 3, 1) and not record.filed[0].late
    assert [e.year for e in record.missing] == [2026]
    assert record.as_dict()["missing"][0]["status_label"] == "未报送（已逾期）"
    d.advance(date(2029, 5, 2))
    record = reports_for_reevaluation(d.state, date(2029, 5, 2))
    assert [(e.year, e.status) for e in record.entries] == [(2026, "missing"), (2027, "filed"), (2028, "missing"),
                                                              (2029, "owed")]


# ------------------------------------------------------------------ the CLI's --data file.xlsx


def test_the_cli_reads_an_annex_five_workbook_as_the_data_file_and_names_a_bad_cell(capsys, tmp_path, monkeypatch):
    import io

    from openpyxl import load_workbook

    from cli.main import run
    from service.cnlic.annex5 import MAIN_SHEET, workbook

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    monkeypatch.setenv("TEMPORAL_ADDRESS", "127.0.0.1:1")  # nothing listens: the file is refused first
    monkeypatch.chdir(tmp_path)
    data = annual_report(2027)
    wb = load_workbook(io.BytesIO(workbook(2027, data["header"], None, data)))
    wb[MAIN_SHEET]["C11"] = "五十"  # 出口额 in words
    f = tmp_path / "附件五.xlsx"
    wb.save(f)
    code = run(["act", "c-1", "submit_annual_report", "--data", str(f)])
    err = capsys.readouterr().err
    assert code == 2 and "[annex5_invalid]" in err and "附件五!C11" in err and "出口额" in err
    code = run(["act", "c-1", "revoke", "--data", str(f)])
    assert code == 2 and "只有报送年度报表" in capsys.readouterr().err


def test_a_workbook_round_trips_and_a_figure_outside_the_schemas_limits_is_named_by_its_cell():
    import io

    from openpyxl import load_workbook

    from service.cnlic.annex5 import FIRMS_SHEET, MAIN_SHEET, read_workbook, workbook

    data = annual_report(2027, leading_firms=2, market_share_basis="industry", profit=-12.5)
    assert read_workbook(workbook(2027, None, {"revenue": 900.0}, data)) == data
    wb = load_workbook(io.BytesIO(workbook(2027, None, None, data)))
    wb[MAIN_SHEET]["C15"] = 120  # 设立工会组织的企业占比 over 100 %
    wb[FIRMS_SHEET]["D4"] = -5  # the second firm's revenue below 0
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(DomainError) as e:
        read_workbook(out.getvalue())
    assert e.value.code == "annex5_invalid"
    assert "附件五!C15（第 7 行 设立工会组织的企业占比） 应不大于 100" in e.value.message
    assert "附件五-附表!D4（营业收入） 应不小于 0" in e.value.message
