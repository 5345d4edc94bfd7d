"""The documents the rules publish, generated from a simulated year's records and read back
with python-docx (issue 11 item 5; §四(四), 附件四)."""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest

from domain.cnlic.access import User
from service.cnlic.documents import DocumentService, render
from tests.support import APPLICANT, ASSOCIATION, LEAD_EXPERT, LEADER, SECRETARIAT, site_report, site_visit
from tests.workflows.helpers import ok, register, who

pytestmark = pytest.mark.workflow

# any signed-in role may read the published lists: an applicant of another province here
READER = User("reader", "applicant", "某县人民政府", provinces=("西藏自治区",))


def _title(key: str, industry: str, county: str, code: str) -> dict:
    return {"key": key, "industry": industry, "product": industry, "tier": "base",
            "region": {"province": "广东省", "city": "佛山市", "county": county, "code": code}}


def read_docx(data: bytes) -> tuple[str, list[list[list[str]]]]:
    """The paragraphs' text and every table's cells of a DOCX."""
    d = docx.Document(io.BytesIO(data))
    text = "\n".join(p.text for p in d.paragraphs)
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in d.tables]
    return text, tables


def titles_in(table: list[list[str]]) -> list[str]:
    return [row[1] for row in table[1:]]


async def _a_year_of_titles(sim) -> int:
    """Four titles onboarded in one year: one valid, one expired this year (overdue), one more
    than two years past expiry (revoked by the announcement), one revoked by a leader."""
    year = (await sim.today()).year
    for key, industry, county, code, conferred in (
        ("valid", "陶瓷", "禅城区", "440604", date(year - 1, 5, 10)),
        ("overdue", "家具", "顺德区", "440606", date(year - 4, 3, 1)),
        ("lapsed", "皮革", "南海区", "440605", date(year - 6, 6, 1)),
        ("decided", "五金", "三水区", "440607", date(year - 2, 5, 10)),
    ):
        await sim.register(_title(key, industry, county, code), {"stage": "designated", "on": conferred.isoformat()},
                           who(SECRETARIAT))
    await ok(sim, "decided", "revoke", {"reason": "发生重大质量安全事故"}, LEADER, await sim.today())
    await sim.advance_to(date(year + 1, 1, 20))  # the annual recognition of 15 January
    return year


async def test_the_recognition_list_and_the_revocation_announcement_of_a_simulated_year_open_as_docx(sim):
    year = await _a_year_of_titles(sim)
    service = DocumentService(sim.engine)

    rendered = render(service.recognition_list(READER, year), "docx")
    assert rendered.filename == f"{year}年度认定名单.docx" and rendered.fallback == f"recognition-{year}.docx"
    text, tables = read_docx(rendered.content)
    assert f"{year}年度轻工业特色区域和产业集群认定名单" in text
    assert "一、认定名单（共 1 个）" in text and "二、到期未复评名单" in text and "三、整改期名单" in text
    recognised, overdue, rectifying = tables
    assert ["陶瓷" in t for t in titles_in(recognised)] == [True]
    assert len(recognised) == 2 and "禅城区" in recognised[1][3]
    assert len(overdue) == 2 and "家具" in overdue[1][1] and "顺德区" in overdue[1][3]
    assert rectifying[1] == ["（无）"] * len(rectifying[1])  # an empty list says so
    assert not any("皮革" in row[1] or "五金" in row[1] for t in tables for row in t)

    rendered = render(service.revocation_announcement(READER, year), "docx")
    text, tables = read_docx(rendered.content)
    assert "关于取消部分轻工业特色区域和产业集群称号的公告" in text
    assert "到期未复评超过2年" in text
    by_announcement, others = tables
    assert len(by_announcement) == 2 and "皮革" in by_announcement[1][1] and "南海区" in by_announcement[1][3]
    assert len(others) == 2 and "五金" in others[1][1]
    assert "会领导决定取消：发生重大质量安全事故" == others[1][4]


async def test_the_site_report_docx_carries_the_panel_the_opinions_and_the_score(sim):
    day = await sim.today()
    await register(sim, "ceramics", stage="applied", on=day)
    await ok(sim, "ceramics", "record_opinion", {"text": "同意"}, ASSOCIATION, day)
    await ok(sim, "ceramics", "accept_application", {}, SECRETARIAT, day)
    from datetime import timedelta

    await ok(sim, "ceramics", "approve_site_visit", site_visit(day + timedelta(days=10)), LEADER, day + timedelta(days=2))
    await ok(sim, "ceramics", "record_site_report", site_report(True), LEAD_EXPERT, day + timedelta(days=11))

    service = DocumentService(sim.engine)
    secretariat = User("s", "secretariat", "综合业务部")
    doc = service.site_report(secretariat, "ceramics")
    text, tables = read_docx(render(doc, "docx").content)
    assert "轻工业特色区域和产业集群专家考评报告" in text
    for heading in ("一、考评基本情况介绍", "二、考评意见", "三、考评结论和建议", "附：1. 专家组组长、副组长及成员签字表"):
        assert heading in text
    panel = tables[0]
    assert [row[1] for row in panel[1:]] == ["李专家", "专家1", "专家2", "专家3", "专家4"]
    assert panel[1][2] == "组长"
    assert "（1）产业规模居全国首位" in text and "（4）培育专业人才" in text
    score = tables[-1]
    assert score[-1][0] == "总得分" and float(score[-1][3]) >= 70
    assert "总得分" in text and "专家组推荐" in text

    # the report follows its cluster's scope; the published lists do not
    from domain.errors import DomainError

    with pytest.raises(DomainError) as refused:
        service.site_report(READER, "ceramics")
    assert refused.value.code == "out_of_scope"


async def test_the_joint_designation_list_names_the_meetings_approvals_and_then_the_document(sim):
    from tests.workflows.helpers import d, meeting, to_meeting

    await register(sim, "ceramics", stage="applied", on=d(3, 1))
    await register(sim, "jingdezhen", stage="applied", on=d(3, 1),
                   region={"province": "江西省", "city": "景德镇市", "county": "珠山区", "code": "360203"})
    await to_meeting(sim, "ceramics", d(3, 2))
    await to_meeting(sim, "jingdezhen", d(4, 2))
    held = await meeting(sim, d(6, 20), {"ceramics": "approve", "jingdezhen": "approve"})
    service = DocumentService(sim.engine)
    assert [(m.meeting_id, n) for m, n in service.meetings()] == [(held.meeting_id, 2)]

    doc = service.joint_list(READER, held.meeting_id)
    text, tables = read_docx(render(doc, "docx").content)
    assert "联合发文授予轻工业特色区域和产业集群称号名单" in text
    assert "联合发文尚未登记" in text  # §三(四): the title waits for the document
    listed = tables[0]
    assert len(listed) == 3 and any("佛山市" in r[3] for r in listed) and any("景德镇市" in r[3] for r in listed)

    await ok(sim, None, "record_joint_document",
             {"meeting_id": held.meeting_id, "number": "中轻联综字〔2027〕8号", "issued_on": d(7, 1).isoformat(),
              "bodies": ["中国轻工业联合会", "中国陶瓷工业协会"]}, SECRETARIAT, d(7, 2))
    text, tables = read_docx(render(service.joint_list(READER, held.meeting_id), "docx").content)
    assert "文号：中轻联综字〔2027〕8号" in text and f"发文日期：{d(7, 1).year}年7月1日" in text
    assert "发文单位：中国轻工业联合会、中国陶瓷工业协会" in text
    assert {r[-1] for r in tables[0][1:]} == {f"{d(6, 30, years=4).year}年6月30日"}  # four years from the document


async def test_a_rectification_is_listed_separately_and_its_lapse_is_announced_with_the_reason(sim):
    from tests.workflows.helpers import d, designate, meeting, to_meeting

    await designate(sim, meeting_on=d(6, 20))
    await ok(sim, "ceramics", "file_reevaluation", {}, APPLICANT, d(3, 1, years=4))
    await to_meeting(sim, "ceramics", d(3, 2, years=4), new_cluster=False)
    await meeting(sim, d(6, 10, years=4), {"ceramics": "refuse"})  # a year of rectification, no review filed
    await sim.advance_to(d(1, 20, years=6))
    assert (await sim.service.view("ceramics")).stage == "revoked"

    service = DocumentService(sim.engine)
    _, tables = read_docx(render(service.recognition_list(READER, d(1, 1, years=4).year), "docx").content)
    recognised, overdue, rectifying = tables
    assert recognised[1] == ["（无）"] * len(recognised[1]) and "陶瓷" in rectifying[1][1]
    _, tables = read_docx(render(service.revocation_announcement(READER, d(1, 1, years=5).year), "docx").content)
    by_announcement, others = tables
    assert by_announcement[1] == ["（无）"] * len(by_announcement[1])
    assert len(others) == 2 and "陶瓷" in others[1][1] and others[1][3] == f"{d(1, 1, years=5).year}年6月10日"
    assert "整改" in others[1][4] and "§四(三)" in others[1][4], others[1][4]


async def test_the_site_report_docx_renders_the_annex_four_sections_the_panel_recorded(sim):
    from datetime import timedelta

    day = await sim.today()
    await register(sim, "ceramics", stage="applied", on=day)
    await ok(sim, "ceramics", "record_opinion", {"text": "同意"}, ASSOCIATION, day)
    await ok(sim, "ceramics", "accept_application", {}, SECRETARIAT, day)
    visit = day + timedelta(days=10)
    await ok(sim, "ceramics", "approve_site_visit", site_visit(visit), LEADER, day + timedelta(days=2))
    report = site_report(True, basics={"visited_on": visit.isoformat(), "place": "佛山市禅城区",
                                       "activities": "察看企业 6 家，召开考评会议"},
                         leader="李专家", deputies=["专家1"],
                         opinions=[{"title": f"意见{i}", "text": f"第{i}条意见的详细阐述"} for i in range(1, 5)],
                         conclusion="符合共建条件，推荐授名", signed_by=["李专家", "专家1", "专家2"],
                         signed_on=(visit + timedelta(days=1)).isoformat())
    del report["findings"]
    await ok(sim, "ceramics", "record_site_report", report, LEAD_EXPERT, visit + timedelta(days=1))

    doc = DocumentService(sim.engine).site_report(User("s", "secretariat", "综合业务部"), "ceramics")
    text, tables = read_docx(render(doc, "docx").content)
    assert "考评地点：佛山市禅城区" in text and "现场考评和考评会议：察看企业 6 家，召开考评会议" in text
    assert "组长 李专家，副组长 专家1" in text
    assert [(r[1], r[2]) for r in tables[0][1:3]] == [("李专家", "组长"), ("专家1", "副组长")]
    assert "（1）意见1" in text and "第4条意见的详细阐述" in text
    assert "考评结论：符合共建条件，推荐授名" in text
    signed = {r[1]: r[2] for r in tables[-2][1:]}
    assert signed["专家1"] == "专家1" and signed["专家3"] == ""
