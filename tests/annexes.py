"""Test data for 附件三 (the application tables) and 附件四 (the full site report): valid
inputs a test changes only where it is about something."""

from __future__ import annotations

from typing import Any

from domain.cnlic.annex3 import TABLE1_ROWS, TABLE2_REQUIRED


def annex3(years: tuple[int, int, int] | list[int] | None = None, scale: float = 1.0, **table2: Any) -> dict[str, Any]:
    """Complete tables: 表一, 表二's required rows (value 100/110/121 × scale …), one firm."""
    rows: dict[str, Any] = {
        "total_output": {"year1": 100 * scale, "year2": 110 * scale, "year3": 121 * scale, "national_share": 12.5},
        "output_share": {"year1": 30, "year2": 31, "year3": 32},
        "sales": {"year1": 90 * scale, "year2": 99 * scale, "year3": 108.9 * scale, "national_share": 11},
        "exports": {"year1": 5000 * scale, "year2": 5500 * scale, "year3": 6000 * scale},
        "firms": {"year1": 300, "year2": 320, "year3": 340},
        "employees": {"year1": 2.0, "year2": 2.2, "year3": 2.5},
        "patents_invention": {"year1": 10, "year2": 12, "year3": 15},
    }
    rows.update(table2)
    data: dict[str, Any] = {
        "table1": {r.key: (1000 if r.kind != "count" else 1000) for r in TABLE1_ROWS},
        "table2": {k: v for k, v in rows.items() if v is not None},
        "firms": [{"name": "佛山陶瓷股份有限公司", "address": "佛山市禅城区", "employees": 2000, "listed": True,
                   "business_types": ["manufacturer"],
                   "finance": [{"year": 2026, "total_assets": 50000, "sales": 30000, "profit": 2000}],
                   "products": [{"name": "瓷砖", "capacity": 5000, "last_sales": 30000, "last_output": 4800}]}],
    }
    assert set(TABLE2_REQUIRED) <= set(rows)
    if years is not None:
        data["table2_years"] = list(years)
    return data


def annex4(panel: list[dict[str, Any]] | None = None, visited_on: str = "", signed_on: str = "") -> dict[str, Any]:
    """附件四's sections for a report by the support panel (李专家 leads, 专家1 deputy)."""
    names = [m["name"] for m in panel] if panel else ["李专家", "专家1", "专家2", "专家3", "专家4"]
    data: dict[str, Any] = {
        "opinions": [{"title": t, "text": f"{t}：详细阐述，列出依据与数据。"} for t in
                     ("产业地位突出", "龙头企业带动作用强", "科技创新与标准制定成效明显", "政府扶持有力")],
        "conclusion": "专家组一致同意推荐。",
        "leader": names[0],
        "deputies": [names[1]],
    }
    if visited_on:
        data["basics"] = {"visited_on": visited_on, "place": "佛山市禅城区", "activities": "听取汇报，考察企业，召开考评会议"}
    if signed_on or visited_on:
        data["signed_by"] = names
        data["signed_on"] = signed_on or visited_on
    return data
