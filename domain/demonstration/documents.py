"""The commendation document of a round (seeds/000 四、表彰: 颁发荣誉奖牌和表彰文件) as content:
the decision's title and number, the approved list with each cluster's votes. Pure: the
service hands in the facts; the blocks are the platform's document blocks (rendered to DOCX
by the same renderer as program 1's documents)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Sequence

from domain.cnlic.documents import Document, Paragraph, Table

ISSUER = "中国轻工业联合会"
HONOUR = "轻工业创新升级示范特色区域和产业集群"


@dataclass(frozen=True)
class Commended:
    cluster_key: str
    name: str  # the cluster's title (or name) on program 1's record
    association: str
    yes: int
    present: int


def commendation(round_key: str, title: str, document_number: str, held_on: date | None, approved_on: date | None,
                 entries: Sequence[Commended], cap: int, valid_titles: int) -> Document:
    when = held_on.isoformat() if held_on else "（待表彰）"
    blocks = (
        Paragraph(document_number or "（文号待定）", center=True),
        Paragraph(f"{title}经行业推荐、初审、审核委员会审核（到会人员三分之二以上多数通过）并在{ISSUER}网站公示，"
                  f"{ISSUER}审核批准{('于 ' + approved_on.isoformat()) if approved_on else ''}，"
                  f"决定授予以下 {len(entries)} 个特色区域和产业集群“{HONOUR}”称号，颁发荣誉奖牌，并于 {when} "
                  "全国轻工业特色区域和产业集群大会上表彰。"),
        Paragraph(f"评选数量不超过共建特色区域和产业集群总数的20%：开始评选之日有效共建称号 {valid_titles} 个，上限 {cap} 个。"),
        Table(("序号", "特色区域和产业集群", "集群编号", "推荐单位", "赞成票／到会委员"),
              tuple((str(i), e.name or e.cluster_key, e.cluster_key, e.association, f"{e.yes}／{e.present}")
                    for i, e in enumerate(entries, 1))),
        Paragraph(f"{ISSUER}", center=False),
    )
    return Document(f"关于表彰{HONOUR}的决定", blocks, filename=f"表彰名单-{round_key}", slug=f"commendation-{round_key}")
