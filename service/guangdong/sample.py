"""Figures for demonstrations and scenarios: a complete, consistent 考核表 and 年度工作总结 for
any zone and year, derived from the zone's number and the year (deterministic, so a scenario
replays the same documents). Labelled 【演示】 in its texts: never mistaken for a zone's own."""

from __future__ import annotations

from typing import Any

from domain.guangdong.form import COUNT, FIELDS, GROWTH, NAMES, NUMBER, PERCENT, TEXT, YESNO
from domain.guangdong.summary import SECTION_KEYS, section_titles
from domain.guangdong.zones import Zone


def sample_form(zone: Zone, data_year: int) -> dict[str, Any]:
    n, k = zone.no, data_year - 2020  # k grows by one a year: the figures grow with it
    values: dict[str, Any] = {}
    for i, f in enumerate(FIELDS):
        if f.kind == TEXT:
            values[f.key] = {"cluster_name": zone.name, "admin_region": f"广东省{zone.city}{zone.district}"}.get(
                f.key, f"【演示】{zone.name}{data_year}年{f.label[:12]}")
        elif f.kind == NAMES:
            values[f.key] = [f"【演示】{zone.industry}{f.label.replace('名称', '')[:10]}"]
        elif f.kind == YESNO:
            values[f.key] = "是"
        elif f.kind == PERCENT:
            values[f.key] = round(10 + (n * 7 + i * 3 + k) % 80, 1)
        elif f.kind == GROWTH:
            values[f.key] = round(5 + (n + k) % 10, 1)
        elif f.kind == COUNT:
            values[f.key] = 10 + (n * 13 + i * 5) % 90 + k * 2
        elif f.kind == NUMBER:
            values[f.key] = round(20 + (n * 11 + i * 7) % 300 + k * 10.5, 2)
    # the wholes above their parts (domain.guangdong.form.NOT_ABOVE)
    values["local_industrial_output"] = values["output"] * 3
    values["value_added"] = round(values["output"] * 0.3, 2)
    values["local_employment"] = 200_000 + n * 1_000 + k * 500
    values["industry_employment"] = 50_000 + n * 300 + k * 200
    values["engineers"] = 2_000 + n * 10 + k * 20
    values["firms_total"] = 1_000 + n * 20 + k * 10
    for key in ("producers", "suppliers", "firms_above_scale", "collective_trademark_users", "guaranteed_firms"):
        values[key] = min(values[key], values["firms_total"])
    values["park_planned_area"] = values["park_built_area"] + 5
    values["patents"] = 300 + n * 5 + k * 10
    values["invention_patents"] = 30 + n + k
    return values


def sample_summary(zone: Zone, data_year: int) -> dict[str, str]:
    titles = section_titles(data_year)
    return {key: f"【演示】{zone.name}：{titles[key]}。" for key in SECTION_KEYS}


def sample_contact(zone: Zone) -> dict[str, str]:
    return {"unit": f"【演示】{zone.name}办公室", "contact": "演示联系人", "phone": "020-00000000"}
