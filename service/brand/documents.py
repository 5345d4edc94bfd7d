"""The published list of recommended typical experiences (seeds/003 二(三) 在部网站公布区域品牌建设
典型经验推荐名单), generated from the title decisions in the journal — never typed again — as
JSON for the pages and DOCX (python-docx) for publication."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from docx import Document
from sqlalchemy.engine import Engine

from store.brand import repo


def experience_list(engine: Engine) -> list[dict[str, Any]]:
    """Every evaluation or re-review judged excellent: the pilot, its province, the typical
    experience's name, the titles granted, the decision's date and document."""
    rows = {r.key: r for r in repo.pilots(engine)}
    out = []
    for e in repo.decisions(engine):
        d = e.data or {}
        if not d.get("excellent"):
            continue
        key = e.cluster_key.split(".", 1)[1]
        row = rows.get(key)
        out.append({"key": key, "name": row.name if row else key, "province": row.province if row else "",
                    "applicant": row.applicant if row else "", "experience": d.get("typical_experience") or "",
                    "titles": [i["title"] for i in d.get("industries") or [] if i.get("granted")],
                    "decided_on": e.on.isoformat(), "document": d.get("document") or "",
                    "procedure": d.get("procedure") or "evaluation"})
    return out


def experience_docx(engine: Engine, today: date) -> bytes:
    items = experience_list(engine)
    doc = Document()
    doc.add_heading("区域品牌建设典型经验推荐名单", level=1)
    doc.add_paragraph(f"工业和信息化部（科技司） {today.year} 年 {today.month} 月 {today.day} 日")
    doc.add_paragraph("根据《关于开展产业集群区域品牌建设试点示范工作的通知》（工信部科函〔2014〕102号），经资料评审和答辩评审，"
                      "以下试点单位的区域品牌建设典型经验评价优秀，予以推荐。")
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("序号", "省份", "试点单位", "典型经验", "授予称号", "决定日期")):
        cell.text = text
    for i, item in enumerate(items, 1):
        cells = table.add_row().cells
        for cell, text in zip(cells, (str(i), item["province"], f"{item['applicant']}（{item['name']}）",
                                      item["experience"], "、".join(item["titles"]) or "—", item["decided_on"])):
            cell.text = text
    if not items:
        doc.add_paragraph("（尚无评价优秀的试点）")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
