"""The versioned policy table of RULES.md program 2 (seeds/000 评选办法): every number of the
selection round. A rule change is a new ``DemonstrationPolicy`` under a new version; a running
round keeps the version it was opened under. No other module of the program holds these literals.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import DomainError


@dataclass(frozen=True)
class Indicator:
    """One 主要指标 row of the 推荐表."""

    key: str
    label: str
    unit: str
    with_share: bool = False  # the row carries 占全国行业比重 (%)


# 推荐表 主要指标 (seeds/000), in the order the form prints them
RECOMMENDATION_INDICATORS: tuple[Indicator, ...] = (
    Indicator("output_value", "特色产业总产值", "亿元", with_share=True),
    Indicator("sales", "特色产品销售额", "亿元", with_share=True),
    Indicator("exports", "特色产品出口额", "万美元", with_share=True),
    Indicator("employees", "从业人员", "万人"),
    Indicator("producers", "生产企业数量", "个"),
    Indicator("brands", "省市及以上知名品牌数量", "个"),
    Indicator("high_tech_firms", "省市及以上高新技术企业", "个"),
    Indicator("science_projects", "完成省部级及以上科技项目", "个"),
    Indicator("science_awards", "获得省市及以上科技奖项", "个"),
    Indicator("platforms", "省级及以上公共服务平台建设情况", "个"),
    Indicator("standards", "参与制定国标、行标数量", "个"),
    Indicator("quality_awards", "获得省市及以上质量奖项", "个"),
)

# 推荐表: the three sealed opinions (申报单位意见, 行业协（学）会、中心推荐意见, 中国轻工业联合会审核意见)
OPINION_KINDS: tuple[tuple[str, str], ...] = (
    ("applicant", "申报单位意见"),
    ("association", "行业协（学）会、中心推荐意见"),
    ("cnlic", "中国轻工业联合会审核意见"),
)

# 有关宣传资料, the seven items of the publicity pack
PUBLICITY_ITEMS: tuple[tuple[str, str], ...] = (
    ("leaders", "领导机构，领导人，职务、领导2寸电子照片"),
    ("introduction", "特色区域和产业集群简介"),
    ("news", "最新发展的新闻、动态（5-10条）"),
    ("investment", "招商引资的条件（地区概况、社会环境、招商环境、区域优势）"),
    ("video", "宣传视频（链接）"),
    ("exports", "国际市场：最近月度（季度）的出口额，出口国别"),
    ("contacts", "联系方式"),
)
INVESTMENT_PARTS: tuple[tuple[str, str], ...] = (
    ("overview", "地区概况"),
    ("society", "社会环境"),
    ("business", "招商环境"),
    ("advantages", "区域优势"),
)


@dataclass(frozen=True)
class DemonstrationPolicy:
    version: str
    source: str
    # 一、评选范围: 不超过共建总数的20%, counted on the opening date, rounded down
    cap_percent: int
    # 二、1 近五年无违规违法事件: the window ends on the opening date
    violation_window_years: int
    # 二、3 一般应居全国同行业前5名 (or a written "strong influence" exception)
    max_national_rank: int
    # the site-report indicators whose rank counts (产量、销售量或出口额; program 1 records 产值 too)
    rank_indicators: tuple[str, ...]
    # 三、(三) 到会人员的三分之二以上多数（含三分之二）: passes iff yes * den >= num * present
    vote_numerator: int
    vote_denominator: int
    # public notice (not in the seed; RULES.md default), in calendar days
    notice_days: int
    # reminders the service adds (no seed text): working days before the recommendation
    # deadline (to the associations) and before the conference (to the secretariat and leaders)
    recommendation_reminder_working_days: int
    conference_reminder_working_days: int
    # 有关宣传资料 三、 新闻、动态（5-10条）
    news_min: int
    news_max: int
    # program 1's title statuses that count as valid (RULES.md: valid or extended)
    valid_statuses: tuple[str, ...] = ("valid", "extended")
    indicators: tuple[Indicator, ...] = RECOMMENDATION_INDICATORS
    opinion_kinds: tuple[tuple[str, str], ...] = OPINION_KINDS
    publicity_items: tuple[tuple[str, str], ...] = PUBLICITY_ITEMS
    investment_parts: tuple[tuple[str, str], ...] = INVESTMENT_PARTS

    def cap(self, valid_titles: int) -> int:
        """≤ 20% of the valid titles, rounded down (integer arithmetic: no float error)."""
        return valid_titles * self.cap_percent // 100

    def vote_passes(self, yes: int, present: int) -> bool:
        """三分之二以上多数（含三分之二）of members present: 3 × yes ≥ 2 × present."""
        return present > 0 and yes * self.vote_denominator >= self.vote_numerator * present

    def votes_needed(self, present: int) -> int:
        """The fewest yes votes that pass with ``present`` members (ceil(2/3 × present))."""
        return -(-self.vote_numerator * present // self.vote_denominator)


DEMONSTRATION_2017 = DemonstrationPolicy(
    version="demonstration-2017",
    source="轻工业创新升级示范特色区域和产业集群评选办法（seeds/000）",
    cap_percent=20,
    violation_window_years=5,
    max_national_rank=5,
    rank_indicators=("output", "value", "sales", "exports"),
    vote_numerator=2,
    vote_denominator=3,
    notice_days=7,
    recommendation_reminder_working_days=3,
    conference_reminder_working_days=10,
    news_min=5,
    news_max=10,
)

_POLICIES = {p.version: p for p in (DEMONSTRATION_2017,)}
DEFAULT_POLICY_VERSION = DEMONSTRATION_2017.version


def get_policy(version: str = DEFAULT_POLICY_VERSION) -> DemonstrationPolicy:
    try:
        return _POLICIES[version]
    except KeyError:
        raise DomainError("policy_unknown", f"评选办法版本“{version}”不存在") from None
