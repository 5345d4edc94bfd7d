"""The typed forms of program 2 (seeds/000 附件): the 推荐表 and the publicity pack
(有关宣传资料, 7 items). One schema each, bounded by ``domain.limits``; the fields and units
come from ``domain.demonstration.policy``. ``parse_recommendation`` / ``parse_publicity`` turn
plain data into a form or one ``DomainError`` naming the first problem.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError

from domain.demonstration.policy import DemonstrationPolicy
from domain.errors import DomainError
from domain.limits import LIMITS

NAME = LIMITS.name_chars
TEXT = LIMITS.text_chars
ITEMS = LIMITS.list_items


class _Form(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class IndicatorEntry(_Form):
    value: float = Field(ge=0, title="数值", description="单位见指标名称")
    share: float | None = Field(None, ge=0, le=100, title="占全国行业比重（%）")


class SealedOpinion(_Form):
    kind: str = Field(title="意见类别", description="applicant 申报单位 / association 行业协（学）会、中心 / cnlic 中国轻工业联合会")
    body: str = Field(min_length=1, max_length=NAME, title="出具单位")
    text: str = Field("", max_length=TEXT, title="意见")
    sealed: StrictBool = Field(False, title="已盖章")
    on: date | None = Field(None, title="日期")


class RecommendationForm(_Form):
    """“十二五”轻工业创新升级示范特色区域和产业集群推荐表."""

    applicant: str = Field(min_length=1, max_length=NAME, title="申报单位名称")
    filled_on: date = Field(title="填报时间")
    address: str = Field(min_length=1, max_length=NAME, title="地址")
    postcode: str = Field(pattern=r"^\d{6}$", title="邮编")
    contact: str = Field(min_length=1, max_length=NAME, title="联系人")
    mobile: str = Field(pattern=r"^1\d{10}$", title="手机")
    phone: str = Field("", max_length=40, title="联系电话")
    cluster_name: str = Field(min_length=1, max_length=NAME, title="特色区域和产业集群名称")
    base_year: int = Field(ge=2000, le=2100, title="主要指标年度")
    indicators: dict[str, IndicatorEntry] = Field(title="主要指标", max_length=LIMITS.mapping_keys,
                                                  json_schema_extra={"x-own-table": True})  # the form's own table
    results: str = Field(min_length=1, max_length=TEXT, title="主要业绩及经验",
                         description="创新思路与主要业绩、主要经验，要有数据指标")
    opinions: list[SealedOpinion] = Field(default_factory=list, max_length=3, title="意见（盖章）")
    on_platform: StrictBool = Field(False, title="参与中国轻工业产业集群公共服务平台", description="二、5 同等条件下优先")
    rank_exception: str = Field("", max_length=TEXT, title="特色产业影响力强、示范作用大的说明",
                                description="主导产品未居全国前5名时的书面说明（二、3）")


class Leader(_Form):
    name: str = Field(min_length=1, max_length=NAME, title="领导人")
    post: str = Field(min_length=1, max_length=NAME, title="职务")
    photo: str = Field("", max_length=NAME, title="2寸电子照片（附件编号）")


class NewsItem(_Form):
    title: str = Field(min_length=1, max_length=NAME, title="标题")
    on: date = Field(title="日期")
    text: str = Field("", max_length=TEXT, title="内容")
    link: str = Field("", max_length=NAME, title="链接")


class Investment(_Form):
    overview: str = Field(min_length=1, max_length=TEXT, title="地区概况")
    society: str = Field(min_length=1, max_length=TEXT, title="社会环境")
    business: str = Field(min_length=1, max_length=TEXT, title="招商环境")
    advantages: str = Field(min_length=1, max_length=TEXT, title="区域优势")


class ExportRow(_Form):
    period: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$", title="月度或季度", description="如 2026-03 或 2026-Q1")
    country: str = Field(min_length=1, max_length=NAME, title="出口国别")
    amount: float = Field(ge=0, title="出口额（万美元）")


class PublicityPack(_Form):
    """有关宣传资料: the seven items."""

    body: str = Field(min_length=1, max_length=NAME, title="领导机构")
    leaders: list[Leader] = Field(min_length=1, max_length=ITEMS, title="领导人，职务、领导2寸电子照片")
    introduction: str = Field(min_length=1, max_length=TEXT, title="特色区域和产业集群简介")
    news: list[NewsItem] = Field(max_length=ITEMS, title="最新发展的新闻、动态（5-10条）")
    investment: Investment = Field(title="招商引资的条件")
    video_link: str = Field(pattern=r"^https?://\S+$", max_length=NAME, title="宣传视频链接")
    exports: list[ExportRow] = Field(min_length=1, max_length=ITEMS, title="国际市场：最近月度（季度）出口额、出口国别")
    contacts: str = Field(min_length=1, max_length=TEXT, title="联系方式")


def _invalid(e: ValidationError, what: str) -> DomainError:
    err = e.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ())) or what
    return DomainError("invalid_data", f"{what}：{where} {err.get('msg', '')}", field=where)


def parse_recommendation(data: Mapping[str, Any], policy: DemonstrationPolicy) -> RecommendationForm:
    try:
        form = RecommendationForm.model_validate(data)
    except ValidationError as e:
        raise _invalid(e, "推荐表") from None
    rows = {i.key: i for i in policy.indicators}
    unknown = sorted(set(form.indicators) - set(rows))
    if unknown:
        raise DomainError("indicator_unknown", f"推荐表没有指标“{'、'.join(unknown)}”")
    missing = [rows[k].label for k in rows if k not in form.indicators]
    if missing:
        raise DomainError("indicator_missing", f"推荐表主要指标缺少：{'、'.join(missing)}")
    for key, entry in form.indicators.items():
        if entry.share is not None and not rows[key].with_share:
            raise DomainError("indicator_share_not_allowed", f"“{rows[key].label}”没有占全国行业比重一栏")
    kinds = [o.kind for o in form.opinions]
    allowed = dict(policy.opinion_kinds)
    bad = [k for k in kinds if k not in allowed]
    if bad or len(set(kinds)) != len(kinds):
        raise DomainError("opinion_kind_invalid", f"推荐表意见应为 {'、'.join(allowed.values())} 各一份")
    return form


def parse_publicity(data: Mapping[str, Any], policy: DemonstrationPolicy) -> PublicityPack:
    try:
        pack = PublicityPack.model_validate(data)
    except ValidationError as e:
        raise _invalid(e, "有关宣传资料") from None
    if not policy.news_min <= len(pack.news) <= policy.news_max:
        raise DomainError("news_count_invalid",
                          f"新闻、动态有 {len(pack.news)} 条，应为 {policy.news_min}-{policy.news_max} 条（有关宣传资料 三）")
    return pack
