"""附件3 年度工作总结编写提纲 (seeds/002): the outline as sections of text. Part 一 is the
year's overview; part 二 (扶持产业集群发展的具体策略) has six parts, (一)–(六), of 26 items in
all — (一) 政策/制度的支持 is one item with no sub-items, the others list theirs. The seed's
"2007年" is the round's data year. A zone writes each item's text; material that does not fit
goes in attachments (the filing's ``attach``).

Pure: the outline, the check of a written summary, and its text with headings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from domain.errors import DomainError
from domain.guangdong.policy import GuangdongPolicy, get_policy


@dataclass(frozen=True)
class Item:
    key: str
    number: str  # as the outline numbers it: "1、" or "" for a part without sub-items
    title: str
    hint: str = ""  # the outline's own guidance under the item


@dataclass(frozen=True)
class Part:
    key: str
    number: str  # （一）…（六）
    title: str
    items: tuple[Item, ...]


OVERVIEW_KEY = "overview"
OVERVIEW_TITLE = "{year}年产业集群发展概况分析"
STRATEGY_TITLE = "扶持产业集群发展的具体策略"


def _i(key: str, number: str, title: str, hint: str = "") -> Item:
    return Item(key, number, title, hint)


PARTS: tuple[Part, ...] = (
    Part("policy", "（一）", "政策/制度的支持", (_i("policy", "", "政策/制度的支持"),)),
    Part("competitiveness", "（二）", "集群竞争力的提升", (
        _i("innovation", "1、", "科技创新", "企业创新意识的改变、企业技术创新平台的建设、技术创新公共服务平台（技术创新中心）的建设、"
                                        "技术创新网络的形成等"),
        _i("brand", "2、", "品牌推动", "企业品牌、区域品牌建设等"),
        _i("talent", "3、", "人才引进", "人才资源库的建立、人才激励机制的完善，人才引进平台、人才培训平台、人才交流平台等的建设"),
        _i("informatisation", "4、", "信息化建设", "企业网站、企业电子商务平台、企业计算机辅助系统的建设（如CAD、CAM等）、"
                                              "企业网络管理系统的建设（ERP、MIS等）等"),
        _i("quality", "5、", "质量管理", "企业质量意识的提高、企业质量检测平台的建设、公共质量检测机构的配套、"
                                      "质量管理体系（如ISO9000质量管理体系）的形成等"),
        _i("management", "6、", "管理提升", "引进先进的管理模式(适宜的管理模式)，淘汰家庭式的管理模式等"),
        _i("markets", "7、", "市场开拓", "国内市场开拓、国际市场开拓等。"),
    )),
    Part("supply_network", "（三）", "产业配套网络的完善", (
        _i("vertical_chain", "1、", "纵向产业链配套分工合作体系的完善与延伸"),
        _i("horizontal_network", "2、", "横向同类企业间协作网络的建设"),
        _i("logistics", "3、", "专业市场/物流配送系统的完善"),
        _i("key_projects", "4、", "重点项目和配套企业的引进"),
    )),
    Part("environment_for_industry", "（四）", "产业发展环境的优化", (
        _i("infrastructure", "1、", "现代化的基础设施建设：交通道路、通讯及网络、水电、休闲娱乐等生产生活服务设施的完善"),
        _i("park_planning", "2、", "产业园区的科学规划"),
        _i("government_service", "3、", "政府服务意识的强化、服务功能的完善"),
    )),
    Part("public_support", "（五）", "公共支撑体系的完善", (
        _i("innovation_centre", "1、", "技术创新中心建设"),
        _i("associations", "2、", "行业协会/商会建设"),
        _i("exhibitions", "3、", "展览交易中心/展会建设"),
        _i("distribution", "4、", "集散中心平台的建设"),
        _i("finance", "5、", "金融支持：对企业的金融支持、金融担保机构的建设"),
        _i("intermediaries", "6、", "中介服务机构的引进：认证机构、技术研发机构、管理咨询机构的引进"),
    )),
    Part("protection", "（六）", "集群的环境保护", (
        _i("env_overview", "1、", "{year}年度环境保护的总体概况",
           "包括为保护产业集群环境所采取的措施以及所取得的成效，并以产业集群的用水量、用电量、工业废水排放量、工业废气排放量、"
           "工业废水达标率、二氧化硫排放总量等指标说明"),
        _i("env_technology", "2、", "环境保护的技术支撑", "如集群技术创新中心对环境保护的支持"),
        _i("env_supervision", "3、", "环境污染的监督", "包括政府对企业生产的环保规定、环境保护监测机构的设立、民间的环境污染投诉渠道、"
                                                "行业协会的监督作用等内容"),
        _i("env_treatment", "4、", "环境污染的治理", "比如环境污染设施的建设、治理过程中各方利益的协调机制等内容"),
        _i("circular_economy", "5、", "发展循环经济的前景"),
    )),
)

ITEMS: tuple[Item, ...] = tuple(i for p in PARTS for i in p.items)
# every section a zone writes: the overview, then the 26 items in the outline's order
SECTION_KEYS: tuple[str, ...] = (OVERVIEW_KEY, *(i.key for i in ITEMS))


def item_title(item: Item, year: int | str) -> str:
    return item.title.replace("{year}", str(year))


def section_titles(year: int | str) -> dict[str, str]:
    """Each section's heading, numbered as the outline numbers it."""
    out = {OVERVIEW_KEY: "一、" + OVERVIEW_TITLE.format(year=year)}
    for p in PARTS:
        for i in p.items:
            out[i.key] = f"二、{p.number}{p.title}" + (f" {i.number}{item_title(i, year)}" if i.number else "")
    return out


def check_summary(data: Mapping[str, Any], *, complete: bool, policy: GuangdongPolicy | None = None) -> dict[str, str]:
    """A written summary: known sections only, each within the length limit; to submit it,
    every section written (a clerk may write 无 where nothing happened)."""
    policy = policy or get_policy()
    if not isinstance(data, Mapping):
        raise DomainError("invalid_data", "年度工作总结应为 {部分: 文字} 的对象")
    unknown = [str(k) for k in data if k not in SECTION_KEYS]
    if unknown:
        raise DomainError("summary_section_unknown", f"年度工作总结没有部分“{unknown[0][:50]}”")
    titles = section_titles("本")
    out: dict[str, str] = {}
    for key in SECTION_KEYS:
        value = data.get(key)
        text = "" if value is None else str(value).strip()
        if len(text) > policy.summary_item_chars:
            raise DomainError("text_too_long", f"年度工作总结 {titles[key]}：长 {len(text)} 字，超过 "
                                               f"{policy.summary_item_chars} 字；更多内容请作为附件上传", field=key)
        if text:
            out[key] = text
    if complete:
        empty = [k for k in SECTION_KEYS if k not in out]
        if empty:
            raise DomainError("summary_section_missing",
                              f"年度工作总结尚有 {len(empty)} 个部分未写，首个：{titles[empty[0]]}"
                              "（没有内容的写“无”）", field=empty[0])
    return out
