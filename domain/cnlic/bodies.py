"""The directory of opinion-giving bodies (RULES.md "Bodies", §三(一)/§三(三)): national industry
associations with the industries they speak for, and provincial light-industry bodies with
their province. An application's bodies are chosen from it and their kind is read from it,
never guessed from the name (佛山市轻工业协会 is not a national association).

Pure: the service reads the directory and hands the entries in; the workflow never reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from domain.errors import DomainError
from domain.limits import check_name
from domain.cnlic.naming import _norm_place

ASSOCIATION = "association"
PROVINCIAL = "provincial"
KINDS = {ASSOCIATION: "全国性行业协（学）会、中心", PROVINCIAL: "省级地方轻工行业组织"}

# The first build's guess, kept only for recorded data that carries no kind: a name starting
# with a provincial-level division was taken as a provincial body.
PROVINCES = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江",
    "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆",
    "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "台湾", "香港", "澳门",
)


def legacy_kind_guess(name: str) -> str:
    """Only for data recorded before the directory (an application body without a kind)."""
    return PROVINCIAL if name.startswith(PROVINCES) else ASSOCIATION


@dataclass(frozen=True)
class BodyEntry:
    name: str
    kind: str
    industries: tuple[str, ...] = ()
    province: str = ""
    active: bool = True
    note: str = ""

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    def describe(self) -> str:
        scope = "、".join(self.industries) if self.kind == ASSOCIATION else self.province
        return f"{self.name}（{self.kind_label}{'·' + scope if scope else ''}）"

    def serves(self, industry: str, province: str) -> bool:
        """Whether the body may give an opinion on a cluster of this industry and province:
        an association for its industries, a provincial body for its province."""
        if self.kind == ASSOCIATION:
            return industry.strip() in self.industries
        return bool(self.province) and _norm_place(self.province) == _norm_place(province)


def check_body_entry(data: Mapping[str, Any]) -> BodyEntry:
    """A directory entry as the secretariat submits it."""
    if not isinstance(data, Mapping):
        raise DomainError("invalid_data", "意见单位应为对象")
    name = str(data.get("name") or "").strip()
    if not name:
        raise DomainError("body_name_missing", "意见单位名称不能为空")
    check_name(name, "意见单位名称")
    kind = str(data.get("kind") or "").strip()
    if kind not in KINDS:
        raise DomainError("body_kind_unknown", f"意见单位“{name}”的类别应为：{'、'.join(KINDS.values())}")
    raw = data.get("industries") or []
    if isinstance(raw, str):
        raw = [p for p in raw.replace("，", ",").replace("、", ",").split(",")]
    if not isinstance(raw, (list, tuple)) or len(raw) > 50:
        raise DomainError("invalid_data", "行业应为至多 50 个行业名称的列表")
    industries: list[str] = []
    for item in raw:
        text = str(item).strip()
        if text and text not in industries:
            check_name(text, "行业")
            industries.append(text)
    province = str(data.get("province") or "").strip()
    check_name(province, "省份")
    if kind == ASSOCIATION:
        if not industries:
            raise DomainError("body_industries_missing", f"行业协（学）会“{name}”须写明所属行业（§三(一) 相关行业协（学）会）")
        if province:
            raise DomainError("invalid_data", f"全国性行业协（学）会“{name}”不填省份")
    else:
        if not province:
            raise DomainError("body_province_missing", f"省级地方轻工行业组织“{name}”须写明所在省份")
        if industries:
            raise DomainError("invalid_data", f"省级地方轻工行业组织“{name}”按省份出具意见，不填行业")
    active = data.get("active", True)
    if not isinstance(active, bool):
        raise DomainError("invalid_data", "是否启用应为 是/否")
    note = str(data.get("note") or "").strip()
    check_name(note, "备注")
    return BodyEntry(name, kind, tuple(industries), province, active, note)


def choices_for(entries: Iterable[BodyEntry], industry: str, province: str,
                kinds: Sequence[str] = (ASSOCIATION, PROVINCIAL)) -> list[BodyEntry]:
    """The active bodies a cluster's application may name: associations of its industry,
    the provincial body of its province — in that order, each by name."""
    eligible = [e for e in entries if e.active and e.kind in kinds and e.serves(industry, province)]
    return sorted(eligible, key=lambda e: (e.kind != ASSOCIATION, e.name))


def resolve_bodies(entries: Iterable[BodyEntry], raw: Any, industry: str, province: str) -> list[dict[str, str]] | Any:
    """An application's bodies as the workflow takes them, ``{"name", "kind"}`` each, with the
    kind from the directory. A name not in the directory, inactive, or not serving this
    cluster's industry or province is refused here, before any Update. Anything that is not a
    list is handed on unchanged for the rules to refuse."""
    if not isinstance(raw, list):
        return raw
    by_name = {e.name: e for e in entries}
    out: list[dict[str, str]] = []
    for item in raw:
        name = str(item.get("name", "") if isinstance(item, Mapping) else item).strip()
        if not name:
            out.append({"name": name})  # the rules name the empty body
            continue
        entry = by_name.get(name)
        if entry is None:
            raise DomainError(
                "body_unknown",
                f"“{name}”不在意见单位名录中：出具意见的单位须从名录中选择（由综合业务部维护，§三(一)）",
            )
        if not entry.active:
            raise DomainError("body_inactive", f"意见单位“{name}”已在名录中停用")
        if isinstance(item, Mapping) and item.get("kind") and item.get("kind") != entry.kind:
            raise DomainError(
                "body_kind_mismatch",
                f"“{name}”在名录中是{entry.kind_label}，不是{KINDS.get(str(item.get('kind')), item.get('kind'))}",
            )
        if not entry.serves(industry, province):
            scope = f"“{industry}”行业" if entry.kind == ASSOCIATION else f"{province}"
            raise DomainError(
                "body_not_serving",
                f"{entry.describe()}不负责{scope}的集群：请选择该行业的行业协（学）会或所在省的轻工行业组织",
            )
        out.append({"name": entry.name, "kind": entry.kind})
    return out
