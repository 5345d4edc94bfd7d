"""The documents the rules publish, as content (RULES.md program 1; issue 11 item 5): the list
attached to the joint designation document (§三(四)), the annual recognition list and the
revocation announcement (§四(四)), and the expert panel's site-visit report (附件四).

Pure: the service reads the records and hands in plain facts; this module lays them out as
headings, paragraphs and tables in the rules' own wording. Rendering (DOCX, PDF) is
``service.cnlic.documents``'s business.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Mapping, Sequence

from domain.errors import DomainError

ISSUER = "中国轻工业联合会"
SUBJECT = "轻工业特色区域和产业集群"
# a document lists at most this many titles: hundreds fit; more is a request to split, not a
# reason to hold a worker for minutes (python-docx writes a few hundred table rows a second)
MAX_ENTRIES = 1000
TIERS = {"capital": "都", "base": "基地（城、园、区等）", "town": "乡（镇、街等）"}
PROCEDURES = {"designation": "共建授名", "reevaluation": "复评", "rectification_review": "整改复查",
              "title_change": "称号变更或提升"}


# ---------------------------------------------------------------- the blocks a document is made of


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False
    center: bool = False


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str = "（无）"


Block = Heading | Paragraph | Table


@dataclass(frozen=True)
class Document:
    """A document: its title (the first line, centred), the blocks that follow, and the file
    name it is offered under (without extension)."""

    title: str
    blocks: tuple[Block, ...]
    filename: str
    slug: str  # the ASCII file name for clients that cannot read the Chinese one (RFC 6266)

    def text(self) -> str:
        """Every word of the document, for tests and the CLI's preview."""
        out = [self.title]
        for b in self.blocks:
            if isinstance(b, Table):
                out.append(" | ".join(b.header))
                out.extend(" | ".join(r) for r in b.rows)
            else:
                out.append(b.text)
        return "\n".join(out)


# ---------------------------------------------------------------- the facts handed in


@dataclass(frozen=True)
class TitleEntry:
    """One title as a list shows it."""

    key: str
    title: str
    tier: str = ""
    region: str = ""
    industry: str = ""
    conferred_on: date | None = None
    valid_until: date | None = None
    procedure: str = ""


@dataclass(frozen=True)
class Revocation:
    entry: TitleEntry
    on: date
    reason: str


@dataclass(frozen=True)
class JointDocument:
    """The joint document once the secretariat has recorded it (§三(四))."""

    number: str
    issued_on: date
    bodies: tuple[str, ...]


@dataclass(frozen=True)
class PanelMember:
    name: str
    role: str = "成员"  # 组长 / 副组长 / 成员
    senior: bool = False
    field: str = ""


@dataclass(frozen=True)
class SiteReportFacts:
    """A site-visit report as recorded: the cluster, the visit, the panel and the report's data
    (the record_site_report event's data, whatever sections it carries)."""

    key: str
    cluster: str
    region: str
    procedure: str
    visit_on: date | None
    recorded_on: date
    recorded_by: str
    panel: tuple[PanelMember, ...]
    data: Mapping[str, Any] = field(default_factory=dict)


def check_size(count: int, what: str) -> None:
    if count > MAX_ENTRIES:
        raise DomainError("document_too_large",
                          f"{what}共 {count} 条，超过单份文件 {MAX_ENTRIES} 条的上限；请导出 XLSX 名单，或分批生成")


def _d(value: date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def tier_label(tier: str) -> str:
    return TIERS.get(tier, tier)


def _entry_rows(entries: Sequence[TitleEntry], *extra: Any) -> tuple[tuple[str, ...], ...]:
    return tuple((str(i), e.title or e.key, tier_label(e.tier), e.region, e.industry, _d(e.valid_until))
                 for i, e in enumerate(entries, start=1))


ENTRY_HEADER = ("序号", "称号", "层级", "所在地区", "行业", "有效期至")


# ---------------------------------------------------------------- §三(四) the joint designation document


def joint_designation_list(meeting_id: str, held_on: date, entries: Sequence[TitleEntry],
                           document: JointDocument | None) -> Document:
    """The list the joint document confers (§三(四)): every title the meeting approved."""
    check_size(len(entries), "本次会长办公会批准的集群")
    title = f"{ISSUER}及相关行业协（学）会、中心联合发文授予{SUBJECT}称号名单"
    blocks: list[Block] = []
    if document is not None:
        blocks.append(Paragraph(f"文号：{document.number}　　发文日期：{_d(document.issued_on)}", center=True))
        blocks.append(Paragraph("发文单位：" + "、".join(document.bodies)))
    else:
        blocks.append(Paragraph("（联合发文尚未登记：文号、发文日期和发文单位待秘书处登记后列入；"
                                "称号自发文之日起授予，有效期四年）", center=True))
    blocks.append(Paragraph(
        f"经{ISSUER}会长办公会（{_d(held_on)}，会议编号 {meeting_id}）审核批准，根据《中国轻工业特色区域和产业集群共建管理办法》"
        f"第三条第（四）款，授予下列特色区域和产业集群相应称号："))
    blocks.append(Table(("序号", "称号", "层级", "所在地区", "行业", "程序", "有效期至"),
                        tuple((str(i), e.title or e.key, tier_label(e.tier), e.region, e.industry,
                               PROCEDURES.get(e.procedure, e.procedure), _d(e.valid_until) or "自发文之日起四年")
                              for i, e in enumerate(entries, start=1))))
    blocks.append(Paragraph(f"共 {len(entries)} 个。"))
    return Document(title, tuple(blocks), f"联合发文授名名单-{meeting_id}", f"joint-designation-{meeting_id}")


# ---------------------------------------------------------------- §四(四) the annual recognition


def recognition_list(year: int, announced_on: date, recognised: Sequence[TitleEntry], overdue: Sequence[TitleEntry],
                     rectifying: Sequence[TitleEntry]) -> Document:
    """认定的名单 (§四(四)): titles conferred or re-approved by 31 December of ``year`` and valid
    that day; expired titles not yet two years overdue and titles in rectification are listed
    separately, not recognised."""
    check_size(len(recognised) + len(overdue) + len(rectifying), f"{year} 年度认定名单")
    title = f"{ISSUER}{year}年度{SUBJECT}认定名单"
    blocks: list[Block] = [
        Paragraph(f"公布日期：{_d(announced_on)}", center=True),
        Paragraph(f"根据《中国轻工业特色区域和产业集群共建管理办法》第四条第（四）款，{ISSUER}对截止{year}年12月31日前"
                  f"授予和到期通过复评的{SUBJECT}进行认定。名单如下："),
        Heading(f"一、认定名单（共 {len(recognised)} 个）"),
        Table(ENTRY_HEADER, _entry_rows(recognised)),
        Heading(f"二、到期未复评名单（到期未超过两年，不予认定；共 {len(overdue)} 个）"),
        Table(("序号", "称号", "层级", "所在地区", "行业", "有效期至"), _entry_rows(overdue)),
        Heading(f"三、整改期名单（复评不合格，整改期内，单独列出；共 {len(rectifying)} 个）"),
        Table(ENTRY_HEADER, _entry_rows(rectifying)),
        Paragraph(f"认定的名单在“{ISSUER}”官方网站（http://www.cnlic.org.cn）、中国轻工微信公众号上予以公布。"),
    ]
    return Document(title, tuple(blocks), f"{year}年度认定名单", f"recognition-{year}")


def revocation_announcement(year: int, announced_on: date, by_announcement: Sequence[TitleEntry],
                            others: Sequence[Revocation], years_overdue: int = 2) -> Document:
    """公告取消的名单 (§四(四)): titles more than ``years_overdue`` years past expiry on 31
    December, revoked by this announcement; then the year's other revocations (a decision, a
    rectification that ended still failing) with their reasons."""
    check_size(len(by_announcement) + len(others), f"{year} 年度取消称号公告")
    title = f"关于取消部分{SUBJECT}称号的公告（{year}年度）"
    blocks: list[Block] = [
        Paragraph(f"公告日期：{_d(announced_on)}", center=True),
        Paragraph(f"根据《中国轻工业特色区域和产业集群共建管理办法》第四条第（四）款，到期未复评超过{years_overdue}年的"
                  f"{SUBJECT}不予认定，并以发文公告形式取消称号。截止{year}年12月31日，下列{SUBJECT}到期未复评超过"
                  f"{years_overdue}年，现公告取消其称号："),
        Heading(f"一、到期未复评超过{years_overdue}年、本公告取消称号的名单（共 {len(by_announcement)} 个）"),
        Table(("序号", "称号", "层级", "所在地区", "行业", "有效期至"), _entry_rows(by_announcement)),
        Heading(f"二、{year}年度其他取消称号的名单（共 {len(others)} 个）"),
        Table(("序号", "称号", "所在地区", "取消日期", "取消原因"),
              tuple((str(i), r.entry.title or r.entry.key, r.entry.region, _d(r.on), r.reason)
                    for i, r in enumerate(others, start=1))),
        Paragraph(f"公告取消的名单在“{ISSUER}”官方网站（http://www.cnlic.org.cn）、中国轻工微信公众号上予以公布。"),
    ]
    return Document(title, tuple(blocks), f"{year}年度取消称号公告", f"revocation-{year}")


# ---------------------------------------------------------------- 附件四 the expert site-visit report

INDICATORS = {"output": "主导产品产量", "value": "产值", "sales": "销售量", "exports": "出口额", "firms": "企业数",
              "employees": "从业人员", "revenue": "营业收入", "share": "市场占有率"}
ROLES = {"leader": "组长", "deputy": "副组长", "member": "成员"}
FIELDS = {"industry_management": "行业管理", "policy_research": "政策研究", "technology": "科技",
          "environment": "环保", "standards": "标准"}


def _first(data: Mapping[str, Any], *names: str) -> Any:
    """The first of ``names`` the report carries: in 附件四's sections (``annex4``, recorded
    since issue 11), at the top level, or inside ``report`` (the older shape). A section a
    report recorded before issue 11 lacks is left out, not an error."""
    places = [data.get("annex4"), data, data.get("report")]
    for where in (p for p in places if isinstance(p, Mapping)):
        for n in names:
            v = where.get(n)
            if v not in (None, "", [], {}):
                return v
    return None


def _texts(value: Any) -> list[tuple[str, str]]:
    """Opinions or recommendations as (heading, text): plain strings, or mappings with a
    title and a text."""
    out: list[tuple[str, str]] = []
    for item in value or []:
        if isinstance(item, Mapping):
            head = str(item.get("title") or "")
            body = str(item.get("text") or "")
            out.append((head, body) if head else (body, ""))
        else:
            out.append((str(item), ""))
    return out


def _numbered(items: list[tuple[str, str]]) -> list[Block]:
    blocks: list[Block] = []
    for i, (head, body) in enumerate(items, start=1):
        blocks.append(Paragraph(f"（{i}）{head}", bold=bool(body)))
        if body:
            blocks.append(Paragraph(body))
    return blocks


def _number(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if v is None else str(v)


def _iso(value: Any) -> str:
    try:
        return _d(date.fromisoformat(str(value)))
    except ValueError:
        return str(value or "")


def with_roles(panel: Sequence[PanelMember], roles: Any) -> tuple[PanelMember, ...]:
    """The approved panel with the 组长/副组长 the report names (``annex4.panel``)."""
    named = {str(m.get("name")): ROLES.get(str(m.get("role")), str(m.get("role") or ""))
             for m in roles or [] if isinstance(m, Mapping)}
    out = [PanelMember(m.name, named.get(m.name) or m.role, m.senior, m.field) for m in panel]
    order = {"组长": 0, "副组长": 1}
    return tuple(sorted(out, key=lambda m: order.get(m.role, 2)))


def site_report(f: SiteReportFacts) -> Document:
    """轻工业特色区域和产业集群专家考评报告 (附件四): 一 basic facts, 二 opinions (with the
    national ranks of a new cluster, or the comparison with the previous evaluation and the
    annual reports since), 三 conclusion and recommendations; then the panel's signature table
    and the score sheet."""
    d = f.data
    annex4 = d.get("annex4") if isinstance(d.get("annex4"), Mapping) else {}
    panel = with_roles(f.panel, annex4.get("panel"))
    blocks: list[Block] = [
        Paragraph(f"集群：{f.cluster}　　所在地区：{f.region}　　程序：{PROCEDURES.get(f.procedure, f.procedure)}", center=True),
        Heading("一、考评基本情况介绍"),
    ]
    basics = _first(d, "basics")
    basics = basics if isinstance(basics, Mapping) else {}
    when = _iso(basics.get("visited_on")) if basics.get("visited_on") else _d(f.visit_on)
    if basics.get("visited_until") and basics.get("visited_until") != basics.get("visited_on"):
        when += f"至{_iso(basics['visited_until'])}"
    blocks.append(Paragraph(f"考评时间：{when or '（未记录）'}"))
    blocks.append(Paragraph(f"考评地点：{basics.get('place') or f.region or '（未记录）'}"))
    if basics.get("activities"):
        blocks.append(Paragraph(f"现场考评和考评会议：{basics['activities']}"))
    leader = next((m.name for m in panel if m.role == "组长"), "")
    deputies = "、".join(m.name for m in panel if m.role == "副组长")
    blocks.append(Paragraph(f"专家组组成人员：共 {len(panel)} 名，其中高级职称 {sum(m.senior for m in panel)} 名；"
                            f"组长 {leader or '（未记录）'}" + (f"，副组长 {deputies}" if deputies else "") + "。"))
    blocks.append(Table(("序号", "姓名", "专家组职务", "领域", "高级职称"),
                        tuple((str(i), m.name, m.role, FIELDS.get(m.field, m.field), "是" if m.senior else "否")
                              for i, m in enumerate(panel, start=1))))

    blocks.append(Heading("二、考评意见"))
    blocks.extend(_numbered(_texts(_first(d, "opinions", "findings"))) or [Paragraph("（未记录）")])
    indicators = _first(d, "indicators")
    comparisons = _first(d, "comparisons")
    if comparisons:
        years = _first(d, "compared_years")
        since = f"（{years.get('previous')} 年与 {years.get('current')} 年）" if isinstance(years, Mapping) else ""
        blocks.append(Paragraph(f"与初评或上一次复评比较{since}，增减百分比：", bold=True))
        rows = []
        for c in comparisons:
            c = c if isinstance(c, Mapping) else {}
            name = str(c.get("indicator") or "")
            change = c.get("change_pct")
            rows.append((INDICATORS.get(name, name), _number(c.get("previous")), _number(c.get("current")),
                         "" if change is None else f"{float(change):+.1f}%"))
        blocks.append(Table(("指标", "上次考评", "本次考评", "增减百分比"), tuple(rows)))
    elif isinstance(indicators, Mapping):
        blocks.append(Paragraph("主导产品指标及全国同行业排名：", bold=True))
        rows = []
        for name, v in indicators.items():
            value, rank = (v.get("value"), v.get("rank")) if isinstance(v, Mapping) else (v, None)
            rows.append((INDICATORS.get(name, name), _number(value), f"第 {rank} 位" if rank else ""))
        blocks.append(Table(("指标", "数值", "全国排名"), tuple(rows)))
    annual = _first(d, "annual_reports")
    if isinstance(annual, Mapping):
        def years_of(name: str) -> str:
            return "、".join(f"{y}年" for y in annual.get(name) or []) or "无"

        blocks.append(Paragraph("年度发展情况报送（§四(一)，列入复评要求）：", bold=True))
        blocks.append(Paragraph(f"已报送：{years_of('filed')}；其中逾期报送：{years_of('late')}；未报送：{years_of('missing')}。"))

    blocks.append(Heading("三、考评结论和建议"))
    score = _first(d, "score") or {}
    recommend = _first(d, "recommend")
    conclusion = _first(d, "conclusion")
    if conclusion:
        blocks.append(Paragraph(f"考评结论：{conclusion}"))
    if score:
        verdict = "合格" if score.get("passed") else "不合格"
        blocks.append(Paragraph(f"评价体系打分表总得分 {_number(score.get('total'))} 分（{_number(score.get('pass_mark'))} 分及以上为合格），"
                                f"{verdict}；专家组{'推荐' if recommend else '不推荐'}。", bold=True))
    recs = _texts(_first(d, "recommendations"))
    if recs:
        blocks.append(Paragraph("产业集群下一步发展的具体建议：", bold=True))
        blocks.extend(_numbered(recs))

    blocks.append(Heading("附：1. 专家组组长、副组长及成员签字表"))
    signatures = _first(d, "signatures")
    signed_on, names = "", set()
    if isinstance(signatures, Mapping):
        signed_on = _iso(signatures.get("date")) if signatures.get("date") else ""
        names = {str(n) for n in signatures.get("names") or []}
    blocks.append(Table(("专家组职务", "姓名", "签字", "日期"),
                        tuple((m.role, m.name, m.name if m.name in names else "", signed_on if m.name in names else "")
                              for m in panel)))
    if score:
        blocks.append(Heading("附：2. 评价体系打分表（附件一）"))
        blocks.append(Table(("评价内容", "分值", "达标情况", "得分"), (
            ("一、特色产业基本情况", "60", f"{score.get('part1_met', '')} 项指标达标", _number(score.get("part1"))),
            ("二、质量安全情况", "20", f"前 5 项达标 {score.get('part2_first5_met', '')} 项；后 3 项"
                                   + ("均达标" if score.get("part2_vetoes_clear") else "有否决项（本部分 0 分）"),
             _number(score.get("part2"))),
            ("三、政府部门和地方行业组织工作", "10", "", _number(score.get("part3"))),
            ("四、发展规划及扶持政策", "10", "", _number(score.get("part4"))),
            ("总得分", "100", "合格" if score.get("passed") else "不合格", _number(score.get("total"))),
        )))
    blocks.append(Paragraph(f"报告提交：{f.recorded_by}，{_d(f.recorded_on)}"))
    return Document(f"{SUBJECT}专家考评报告", tuple(blocks), f"专家考评报告-{f.key}-{f.recorded_on.isoformat()}",
                    f"site-report-{f.key}-{f.recorded_on.isoformat()}")


def panel_from_event(members: Iterable[Mapping[str, Any]]) -> tuple[PanelMember, ...]:
    """The panel as the leader approved it (``lead`` marks its 组长)."""
    return tuple(PanelMember(name=str(m.get("name") or ""), role="组长" if m.get("lead") else "成员",
                             senior=bool(m.get("senior")), field=str(m.get("field") or ""))
                 for m in members)
