"""Titles, tiers and the one-lifecycle-per-region rule of RULES.md program 1 (§二(二)1-4, and
the clarifications "Title words" and "Region uniqueness").

A title is "中国" + product + [naming elements + activity word] + optional 之 + tier word +
"·" + region: 中国陶瓷之都·佛山, 中国羽绒之乡·…, 中国陶瓷智能生产基地·佛山. The tier words are the
policy's lists (the rules end them in 等: a new policy version extends them).
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from domain.errors import DomainError
from domain.cnlic.model import Actor, ClusterProfile, Region, Role
from domain.cnlic.policy import Policy

ZHI = "之"


def split_title_word(word: str) -> tuple[bool, str]:
    """("之乡") → (True, "乡"); ("基地") → (False, "基地")."""
    word = word.strip()
    if word.startswith(ZHI) and len(word) > 1:
        return True, word[1:]
    return False, word


def tier_words(policy: Policy, tier_code: str) -> tuple[str, ...]:
    """The bare tier words of a tier (之 stripped: it may precede any of them)."""
    out: list[str] = []
    for w in policy.tier(tier_code).title_words:
        bare = split_title_word(w)[1]
        if bare not in out:
            out.append(bare)
    return tuple(out)


def title_word_choices(policy: Policy, tier_code: str | None = None) -> tuple[str, ...]:
    """Every word a form may offer: each tier word with and without 之."""
    codes = [tier_code] if tier_code else list(policy.tiers)
    out: list[str] = []
    for code in codes:
        for bare in tier_words(policy, code):
            for w in (f"{ZHI}{bare}", bare):
                if w not in out:
                    out.append(w)
    return tuple(out)


def check_element_indicators(policy: Policy, profile: ClusterProfile) -> None:
    """Adding a naming element requires the element's extra indicators (RULES.md "Title
    words": a policy list per element, agreed with the association). Checked only when the
    profile carries the record (``element_indicators`` not None): profiles recorded before
    the rule carry none and still compose their titles."""
    recorded = profile.element_indicators
    if recorded is None:
        return
    missing: list[str] = []
    for element in profile.elements:
        given = recorded.get(element) or {}
        for indicator in policy.element_indicators.get(element, ()):
            if not str(given.get(indicator, "") or "").strip():
                missing.append(f"{element}：{indicator}")
    if missing:
        raise DomainError(
            "title_element_indicators_missing",
            f"加用命名元素须填写该元素的附加指标（§二(二)3，与行业协会商定）：缺少 {'；'.join(missing)}",
            missing=missing,
        )


def compose_title(policy: Policy, profile: ClusterProfile) -> str:
    """中国 + product + [elements + activity] + [之] + tier word + · + region (§二(二)2-3)."""
    tier = policy.tier(profile.tier)
    product = profile.product.strip()
    if not product:
        raise DomainError("title_product_missing", "称号须写明主导产品或行业（中国×××之都）")
    zhi, word = split_title_word(profile.title_word or tier.title_words[0])
    words = tier_words(policy, profile.tier)
    if word not in words:
        raise DomainError(
            "title_word_tier_mismatch",
            f"“{profile.title_word}”不属于“{tier.label}”一级的称号用字（可用：{'、'.join(words)}，前面可加“之”）",
        )
    unknown = [e for e in profile.elements if e not in policy.naming_elements]
    if unknown:
        raise DomainError(
            "title_element_unknown",
            f"命名元素“{'、'.join(unknown)}”不在允许范围（{'、'.join(policy.naming_elements)}）",
        )
    if len(set(profile.elements)) != len(profile.elements):
        raise DomainError("title_element_unknown", "命名元素不能重复")
    check_element_indicators(policy, profile)
    region = profile.region.title_name
    if not region:
        raise DomainError("title_region_missing", "称号须带地区名称（·地区名称）")
    activity = (profile.activity or "").strip()
    for part in (product, region, activity, *profile.elements):
        if policy.title_separator in part:
            raise DomainError("invalid_data", f"“{part}”中不能含有“{policy.title_separator}”")
    elements = "".join(profile.elements)
    if not activity and zhi and elements and word == "都":
        # kept from the first build: without an activity word, 中国陶瓷智能都 (no 之 between)
        zhi = False
    # the elements stand before the product's activity word: 中国陶瓷 + 智能 + 生产 + 基地
    return f"{policy.title_prefix}{product}{elements}{activity}{ZHI if zhi else ''}{word}{policy.title_separator}{region}"


def check_tier_rank(policy: Policy, tier_code: str, rank: int, exception_reason: str = "") -> None:
    tier = policy.tier(tier_code)
    if rank > tier.max_national_rank and not exception_reason.strip():
        raise DomainError(
            "rank_exceeds_tier",
            f"主导产品全国排名第 {rank} 位，“{tier.label}”一级要求居全国同行业前 {tier.max_national_rank} 名；"
            f"如属出口排名、传统特色等情形，请写明例外理由（tier_exception_reason）",
        )


# ------------------------------------------------------------------ one lifecycle per region (§二(二)4)

_ADMIN_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县",
                   "街道", "地区", "省", "市", "区", "县", "镇", "乡")


def _norm_place(place: str) -> str:
    place = "".join(place.split())
    for suffix in _ADMIN_SUFFIXES:
        if place.endswith(suffix) and len(place) - len(suffix) >= 2:
            return place[: -len(suffix)]
    return place


def region_names(region: Region) -> tuple[str, str, str]:
    """The normalised province + city + county names (广东省 ≡ 广东)."""
    return (_norm_place(region.province), _norm_place(region.city), _norm_place(region.county))


def same_region(a: Region | str, b: Region | str) -> bool:
    """RULES.md "Region uniqueness": the administrative codes when both have one, else the
    normalised province + city + county names; two empty codes never make a match alone."""
    ra = a if isinstance(a, Region) else Region(province="", code=str(a or ""))
    rb = b if isinstance(b, Region) else Region(province="", code=str(b or ""))
    ca, cb = ra.code.strip(), rb.code.strip()
    if ca and cb:
        return ca == cb
    na, nb = region_names(ra), region_names(rb)
    if not any(na) or not any(nb):
        return False
    return na == nb


def check_unique_lifecycle(
    policy: Policy,
    key: str,
    region: Region | str,
    industry: str,
    live: Iterable[tuple[str, Region | str, str]],
    override: Mapping[str, Any] | None = None,
) -> str | None:
    """§二(二)4 同一区域同一行业原则上不可重复申请授名: refuse a second live lifecycle for
    the same region and industry unless a council leader overrides with a written reason.
    Returns the override reason when one was used."""
    clash = [k for k, r, ind in live if k != key and ind == industry and same_region(region, r)]
    if not clash:
        return None
    if override:
        by = override.get("by") or {}
        role = by.role if isinstance(by, Actor) else (by.get("role") if isinstance(by, Mapping) else None)
        reason = str(override.get("reason") or "").strip()
        if role != Role.LEADER:
            raise DomainError("override_not_leader", "同一区域同一行业重复申请，只有会领导可以书面批准例外")
        if not reason:
            raise DomainError("override_reason_missing", "会领导批准同一区域同一行业重复申请，须写明理由")
        return reason
    where = _describe(region)
    raise DomainError(
        "duplicate_lifecycle",
        f"{where}的“{industry}”行业已有进行中的共建（{'、'.join(clash)}），"
        f"同一区域同一行业原则上不可重复申请授名（§二(二)4）",
        existing=clash,
    )


def _describe(region: Region | str) -> str:
    if isinstance(region, Region):
        names = "".join(p for p in (region.province, region.city, region.county) if p)
        if region.code and names:
            return f"区域 {names}（{region.code}）"
        return f"区域 {names or region.code}"
    return f"区域 {region}"
