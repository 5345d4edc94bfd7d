"""The versioned policy table: every number and choice of RULES.md program 1.

Source: 中国轻工业特色区域和产业集群共建管理办法 (2022年版), seeds/001. A rule change is a new
Policy value under a new version; a running lifecycle keeps the version it started under.
No other module holds these literals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

from domain.errors import DomainError


@dataclass(frozen=True)
class ScoreBand:
    """A count range (inclusive) and the score range it allows.

    ``low_open``/``high_open`` mark strict bounds: 附件一 says "得分>48" (open) and
    "36分≤得分≤48" (closed).
    """

    min_count: int
    max_count: int
    low: float
    high: float
    low_open: bool = False
    high_open: bool = False

    def covers(self, count: int) -> bool:
        return self.min_count <= count <= self.max_count

    def admits(self, score: float) -> bool:
        above = score > self.low if self.low_open else score >= self.low
        below = score < self.high if self.high_open else score <= self.high
        return above and below

    def describe(self) -> str:
        lo = f">{self.low:g}" if self.low_open else f"≥{self.low:g}"
        hi = f"<{self.high:g}" if self.high_open else f"≤{self.high:g}"
        return f"{lo} 且 {hi}"


@dataclass(frozen=True)
class GradeBand:
    """Part 3/4 bands are graded (好/较好/一般), not counted."""

    grade: str
    label: str
    band: ScoreBand


@dataclass(frozen=True)
class SheetIndicator:
    """One indicator row of 附件一's table. A "或" row names its alternative: the expert fills
    either, the sheet records which one was used, and it counts as one indicator. A yes/no row
    (part 2's last three) is met when the answer is 无 and has no threshold."""

    key: str
    label: str
    unit: str
    alt_key: str = ""
    alt_label: str = ""
    alt_unit: str = ""
    yes_no: bool = False

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key, self.alt_key) if self.alt_key else (self.key,)

    def label_of(self, key: str) -> str:
        return self.alt_label if key == self.alt_key and self.alt_key else self.label

    def unit_of(self, key: str) -> str:
        return self.alt_unit if key == self.alt_key and self.alt_key else self.unit


# 附件一 评价体系打分表, the rows as the seed prints them (seeds/001): part 1 has 13 indicators
# because 工业总产值 / 占本地区工业总产值比例 and 利税总额 / 主营业务收入利润率 are "或" rows
SCORE_PART1_ROWS: tuple[SheetIndicator, ...] = (
    SheetIndicator("output_value", "特色产业工业总产值", "亿元", "output_share", "占本地区工业总产值比例", "%"),
    SheetIndicator("sales_revenue", "产品销售收入", "万元"),
    SheetIndicator("main_revenue", "主营业务收入", "万元"),
    SheetIndicator("profit_tax", "利税总额", "万元", "profit_margin", "主营业务收入利润率", "%"),
    SheetIndicator("exports", "出口额", "万美元"),
    SheetIndicator("firms", "区域内企业数", "个"),
    SheetIndicator("above_scale_firms", "其中：规模以上企业数", "个"),
    SheetIndicator("patents", "有效期内专利数量", "个"),
    SheetIndicator("standards", "参与制定国家、行业、地方或团体标准数量", "个"),
    SheetIndicator("brands", "省市以上知名品牌数量", "个"),
    SheetIndicator("employees", "从业人数", "人"),
    SheetIndicator("rd_ratio", "研发资金投入占主营业务收入比重", "%"),
    SheetIndicator("market_share", "主导产品具有较高市场占有率和影响力", "%"),
)
SCORE_PART2_ROWS: tuple[SheetIndicator, ...] = (
    SheetIndicator("safety_cert_share", "行业相关的安全认证比例", "%"),
    SheetIndicator("iso9000_share", "通过ISO9000认证企业比例", "%"),
    SheetIndicator("iso14000_share", "通过ISO14000认证企业比例", "%"),
    SheetIndicator("iso22000_share", "通过ISO22000认证企业比例", "%"),
    SheetIndicator("pass_rate", "产品合格率", "%"),
    # the veto rows: the value is whether it happened; 达标值 is 无 for every table
    SheetIndicator("quality_incident", "是否曾发生过重大批量产品质量事故、产品假冒、伪造案件", "", yes_no=True),
    SheetIndicator("pollution_incident", "是否发生过重大污染事故", "", yes_no=True),
    SheetIndicator("safety_accident", "是否曾发生过重大安全生产事故", "", yes_no=True),
)


@dataclass(frozen=True)
class Route:
    """One of the four application routes of §三(一)."""

    code: str
    label: str
    needs_association: bool
    needs_provincial: bool


@dataclass(frozen=True)
class TierRule:
    code: str
    label: str
    max_national_rank: int  # main product's national rank must be within this (§二(二)1)
    title_words: tuple[str, ...]  # the words the title may end with (§二(二)2)


@dataclass(frozen=True)
class Policy:
    version: str
    source: str

    # §二(一) cultivation
    cultivation_min_years: int
    cultivation_max_years: int
    cultivation_default_years: int
    # §一(二)1(1)
    min_industry_history_years: int
    # §三(二) site visit
    site_visit_approval_days: int  # calendar days after acceptance
    panel_min_size: int
    panel_min_senior: int
    panel_fields: Mapping[str, str]
    # conflict of interest (service rule): members whose region code shares this many
    # leading digits with the cluster's (the prefecture-level city) are excluded
    conflict_region_digits: int
    # 附件四 site report
    report_min_findings: int
    report_min_recommendations: int
    new_cluster_rank_indicators: tuple[str, ...]
    reevaluation_comparison_indicators: tuple[str, ...]
    # 附件一 score sheet
    part1_max: float
    part1_indicators: int
    part1_bands: tuple[ScoreBand, ...]
    part2_max: float
    part2_first_items: int
    part2_veto_items: tuple[str, ...]
    part2_bands: tuple[ScoreBand, ...]
    part3_max: float
    part4_max: float
    graded_bands: tuple[GradeBand, ...]
    pass_mark: float
    # §三(三) formal review
    formal_review_working_days: int
    supplement_restarts_clock: bool
    # §三(三) president's office meeting
    meeting_every_months: int
    # §二(二) validity
    validity_years: int
    # §四(三) re-evaluation application
    reevaluation_lead_months: int
    reevaluation_reminder_months: tuple[int, ...]  # before the application due date
    # §四(一) annual report
    annual_report_due_month: int
    annual_report_due_day: int
    annual_report_reminder_days: tuple[int, ...]
    # §四(三) rectification
    rectification_years: int
    # §四(四) overdue re-evaluation and annual recognition
    overdue_revocation_years: int
    recognition_month: int
    recognition_day: int
    # interpretation: a title change re-runs the procedure and its approval confers the
    # new title under a new designation document, so validity restarts
    title_change_resets_validity: bool
    # §三(一)
    routes: Mapping[str, Route]
    required_attachments: tuple[str, ...]
    # §二(二)1-3
    tiers: Mapping[str, TierRule]
    title_prefix: str
    title_separator: str
    naming_elements: tuple[str, ...]
    # 附件五 indicators that every annual report must carry
    annual_report_required: tuple[str, ...] = field(default=())
    # 附件一 rows (part 1: 13 indicators; part 2: 5 scored then 3 veto rows)
    score_part1_rows: tuple[SheetIndicator, ...] = field(default=SCORE_PART1_ROWS)
    score_part2_rows: tuple[SheetIndicator, ...] = field(default=SCORE_PART2_ROWS)
    # RULES.md "Title words": the extra indicators a naming element requires (agreed with the
    # association); a title with the element records a value for each. The seed names no
    # indicators: the lists below are the service's starting values, to be replaced by the
    # associations' agreed lists under a new policy version.
    element_indicators: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))

    def route(self, code: str) -> Route:
        try:
            return self.routes[code]
        except KeyError:
            raise DomainError(
                "route_unknown",
                f"申请形式“{code}”不是《管理办法》第三条（一）规定的四种形式之一"
                f"（可选：{'、'.join(self.routes)}）",
            ) from None

    def tier(self, code: str) -> TierRule:
        try:
            return self.tiers[code]
        except KeyError:
            raise DomainError(
                "tier_unknown",
                f"授名分类“{code}”无效，应为 {'、'.join(self.tiers)}（都、基地、乡镇）之一",
            ) from None


def _frozen(d: dict) -> Mapping:
    return MappingProxyType(dict(d))


CNLIC_2022 = Policy(
    version="cnlic-2022",
    source="中国轻工业特色区域和产业集群共建管理办法（2022年版）",
    cultivation_min_years=1,
    cultivation_max_years=3,
    cultivation_default_years=3,
    min_industry_history_years=5,
    site_visit_approval_days=5,
    panel_min_size=5,
    panel_min_senior=3,
    panel_fields=_frozen(
        {
            "industry_management": "行业管理",
            "policy_research": "政策研究",
            "technology": "科技",
            "environment": "环保",
            "standards": "标准",
        }
    ),
    conflict_region_digits=4,
    report_min_findings=4,
    report_min_recommendations=4,
    new_cluster_rank_indicators=("output", "value", "sales", "exports"),
    reevaluation_comparison_indicators=(
        "output",
        "value",
        "sales",
        "exports",
        "firms",
        "employees",
    ),
    part1_max=60,
    part1_indicators=13,  # 15 rows, two of them "或" alternatives (RULES.md clarification)
    part1_bands=(
        ScoreBand(11, 13, 48, 60, low_open=True),
        ScoreBand(8, 10, 36, 48),
        ScoreBand(0, 7, 0, 36, high_open=True),
    ),
    part2_max=20,
    part2_first_items=5,
    part2_veto_items=(
        "无重大批量产品质量事故、产品假冒、伪造案件",
        "无重大污染事故",
        "无重大安全生产事故",
    ),
    part2_bands=(
        ScoreBand(5, 5, 16, 20, low_open=True),
        ScoreBand(3, 4, 10, 16),
        ScoreBand(0, 2, 0, 10, high_open=True),
    ),
    part3_max=10,
    part4_max=10,
    graded_bands=(
        GradeBand("good", "好", ScoreBand(0, 0, 8, 10, low_open=True)),
        GradeBand("fair", "较好", ScoreBand(0, 0, 6, 8)),
        GradeBand("average", "一般", ScoreBand(0, 0, 0, 6, high_open=True)),
    ),
    pass_mark=70,
    formal_review_working_days=15,
    supplement_restarts_clock=True,
    meeting_every_months=3,
    validity_years=4,
    reevaluation_lead_months=3,
    reevaluation_reminder_months=(3, 1),
    annual_report_due_month=4,
    annual_report_due_day=30,
    annual_report_reminder_days=(30, 7),
    rectification_years=1,
    overdue_revocation_years=2,
    recognition_month=1,
    recognition_day=15,
    title_change_resets_validity=True,
    routes=_frozen(
        {
            "association": Route("association", "向中国轻工业联合会及相关行业协（学）会、中心申请", True, False),
            "provincial": Route("provincial", "向中国轻工业联合会和省级地方轻工行业组织申请", False, True),
            "association_and_provincial": Route(
                "association_and_provincial", "向中国轻工业联合会、相关行业协（学）会及省级地方轻工行业组织申请", True, True
            ),
            "cnlic_only": Route("cnlic_only", "仅向中国轻工业联合会申请", False, False),
        }
    ),
    required_attachments=("申请报告", "基本情况表", "发展规划"),
    tiers=_frozen(
        {
            "capital": TierRule("capital", "都", 3, ("之都", "都")),
            "base": TierRule("base", "基地（城、园、区等）", 7, ("基地", "城", "园", "区")),
            "town": TierRule("town", "乡（镇、街等）", 12, ("乡", "镇", "街")),
        }
    ),
    title_prefix="中国",
    title_separator="·",
    naming_elements=("智能", "绿色", "创新", "品牌", "智慧", "设计"),
    element_indicators=_frozen(
        {
            "智能": ("智能制造示范工厂（车间）数量", "关键工序数控化率（%）"),
            "绿色": ("绿色工厂数量（累计）", "绿色设计产品数量（累计）"),
            "创新": ("研发投入占营业收入比重（%）", "有效发明专利数量"),
            "品牌": ("自主品牌产品销售额占比（%）", "省级以上知名品牌数量"),
            "智慧": ("数字化平台或工业互联网平台数量", "企业上云比例（%）"),
            "设计": ("省级以上工业设计中心数量", "设计类奖项数量（近三年）"),
        }
    ),
    annual_report_required=("revenue", "profit", "firms", "employees"),
)

POLICIES: Mapping[str, Policy] = _frozen({CNLIC_2022.version: CNLIC_2022})
DEFAULT_POLICY_VERSION = CNLIC_2022.version


def get_policy(version: str = DEFAULT_POLICY_VERSION) -> Policy:
    try:
        return POLICIES[version]
    except KeyError:
        raise DomainError("policy_unknown", f"未知的政策版本“{version}”") from None
