"""The published documents as content and as files, without Temporal (issue 11 item 5):
附件四's sections as the report records them, the size cap, the Chinese file name, and PDF
only where a converter is installed."""

from __future__ import annotations

import io
import os
import stat
from datetime import date

import docx
import pytest

from domain.cnlic import documents as content
from domain.errors import DomainError
from service.cnlic.documents import DOCX, PDF, Rendered, pdf_converter, render

PANEL = content.panel_from_event([
    {"name": "李专家", "senior": True, "field": "technology", "lead": True},
    {"name": "王专家", "senior": True, "field": "standards"},
    {"name": "赵专家", "senior": True, "field": "environment"},
    {"name": "钱专家", "senior": False, "field": "policy_research"},
    {"name": "孙专家", "senior": False, "field": "industry_management"},
])
SCORE = {"part1_met": 12, "part1": 50, "part2_first5_met": 5, "part2_vetoes_clear": True, "part2": 18, "part3": 9,
         "part4": 9, "total": 86, "passed": True, "pass_mark": 70}


def facts(data: dict) -> content.SiteReportFacts:
    return content.SiteReportFacts(key="ceramics", cluster="中国陶瓷之都·佛山", region="广东省佛山市禅城区",
                                   procedure="reevaluation", visit_on=date(2031, 3, 10), recorded_on=date(2031, 3, 20),
                                   recorded_by="李专家", panel=PANEL, data=data)


def docx_text(data: bytes) -> tuple[str, list[list[list[str]]]]:
    d = docx.Document(io.BytesIO(data))
    return ("\n".join(p.text for p in d.paragraphs),
            [[[c.text for c in row.cells] for row in t.rows] for t in d.tables])


def test_the_site_report_renders_annex_four_sections_with_the_leader_deputy_opinions_and_signatures():
    data = {
        "action": "record_site_report",
        "report": {"findings": ["旧的意见"], "recommendations": ["加强品牌建设", "推进智能制造", "完善标准体系", "培育专业人才"],
                   "score": SCORE, "recommend": True,
                   "comparisons": [{"indicator": "output", "previous": 100.0, "current": 125.0, "change_pct": 25.0}]},
        "annex4": {
            "basics": {"visited_on": "2031-03-10", "visited_until": "2031-03-11", "place": "佛山市禅城区",
                       "activities": "察看企业 6 家，召开考评会议"},
            "panel": [{"name": "李专家", "role": "leader"}, {"name": "王专家", "role": "deputy"},
                      {"name": "赵专家", "role": "member"}, {"name": "钱专家", "role": "member"},
                      {"name": "孙专家", "role": "member"}],
            "opinions": [{"title": f"意见{i}", "text": f"第{i}条的详细阐述"} for i in range(1, 5)],
            "conclusion": "符合复评要求，建议通过",
            "signatures": {"names": ["李专家", "王专家", "赵专家"], "date": "2031-03-11"},
            "annual_reports": {"filed": [2028, 2029], "late": [2029], "missing": [2030]},
            "compared_years": {"previous": 2026, "current": 2030},
        },
    }
    text, tables = docx_text(render(content.site_report(facts(data)), "docx").content)
    assert "考评时间：2031年3月10日至2031年3月11日" in text and "考评地点：佛山市禅城区" in text
    assert "组长 李专家，副组长 王专家" in text
    panel = tables[0]
    assert [(r[1], r[2]) for r in panel[1:3]] == [("李专家", "组长"), ("王专家", "副组长")]
    assert "（1）意见1" in text and "第4条的详细阐述" in text and "旧的意见" not in text
    assert "（2026 年与 2030 年）" in text and tables[1][1] == ["主导产品产量", "100", "125", "+25.0%"]
    assert "已报送：2028年、2029年；其中逾期报送：2029年；未报送：2030年。" in text
    assert "考评结论：符合复评要求，建议通过" in text and "（4）培育专业人才" in text
    signatures = {r[1]: (r[2], r[3]) for r in tables[2][1:]}
    assert signatures["王专家"] == ("王专家", "2031年3月11日") and signatures["孙专家"] == ("", "")
    assert tables[3][-1] == ["总得分", "100", "合格", "86"]


def test_a_site_report_recorded_before_annex_four_sections_still_renders_from_its_findings():
    data = {"action": "record_site_report",
            "report": {"findings": ["产业规模居全国首位", "龙头企业带动作用强"], "recommendations": ["加强品牌建设"],
                       "score": SCORE, "recommend": True, "indicators": {"output": {"value": 120.5, "rank": 1}}}}
    text, tables = docx_text(render(content.site_report(facts(data)), "docx").content)
    assert "考评时间：2031年3月10日" in text and "（1）产业规模居全国首位" in text
    assert tables[0][1][1:3] == ["李专家", "组长"]
    assert tables[1][1] == ["主导产品产量", "120.5", "第 1 位"]


def test_a_document_of_more_titles_than_the_cap_is_refused_with_a_clear_message():
    entries = [content.TitleEntry(key=f"c{i}", title=f"中国陶瓷基地·{i}") for i in range(content.MAX_ENTRIES + 1)]
    with pytest.raises(DomainError) as refused:
        content.recognition_list(2030, date(2031, 1, 15), entries, [], [])
    assert refused.value.code == "document_too_large" and f"{content.MAX_ENTRIES} 条" in refused.value.message


def test_an_empty_list_says_none_rather_than_leaving_a_bare_header():
    doc = content.revocation_announcement(2030, date(2031, 1, 15), [], [])
    _, tables = docx_text(render(doc, "docx").content)
    assert all(t[1] == ["（无）"] * len(t[1]) for t in tables)


def test_the_file_name_is_chinese_per_rfc_5987_with_an_ascii_fallback():
    r = render(content.recognition_list(2030, date(2031, 1, 15), [], [], []), "docx")
    assert r.media_type == DOCX
    assert r.disposition == ("attachment; filename=\"recognition-2030.docx\"; "
                             "filename*=UTF-8''2030%E5%B9%B4%E5%BA%A6%E8%AE%A4%E5%AE%9A%E5%90%8D%E5%8D%95.docx")


def test_without_a_converter_on_path_pdf_is_refused_and_docx_still_renders(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert pdf_converter() is None
    doc = content.recognition_list(2030, date(2031, 1, 15), [], [], [])
    assert render(doc, "docx").content[:2] == b"PK"
    with pytest.raises(DomainError) as refused:
        render(doc, "pdf")
    assert refused.value.code == "pdf_unavailable" and "DOCX" in refused.value.message


def test_with_a_converter_on_path_the_docx_is_converted_to_pdf(monkeypatch, tmp_path):
    fake = tmp_path / "soffice"  # stands in for LibreOffice: writes <outdir>/document.pdf
    fake.write_text('#!/bin/sh\nwhile [ "$1" != "--outdir" ]; do shift; done\nprintf "%%PDF-1.7 fake" > "$2/document.pdf"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}/bin:/usr/bin")
    r = render(content.recognition_list(2030, date(2031, 1, 15), [], [], []), "pdf")
    assert isinstance(r, Rendered) and r.media_type == PDF and r.content.startswith(b"%PDF")
    assert r.filename == "2030年度认定名单.pdf" and r.fallback == "recognition-2030.pdf"
