"""The versioned policy of RULES.md program 4 (seeds/004 工信部科函〔2014〕102号 and seeds/003 the
evaluation notice): every number of the pilot's life — the provincial quota, the batch months
and cut-offs, the plan's length, the score sheets' maxima, "excellent", the seven conditions of
a demonstration zone, the title's validity and the yearly clocks. A rule change is a new
``BrandPolicy`` under a new version; a running pilot keeps the version it was filed under.
No other module of the program holds these literals.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import DomainError


@dataclass(frozen=True)
class Part:
    """One part of a score sheet (seeds/003 附件2) with its maximum."""

    key: str
    label: str
    max_points: int


@dataclass(frozen=True)
class KeyIndicator:
    """One of the five key indicators of §二(二) (条件 (7) of §三(七)1)."""

    key: str
    label: str
    rise: float | None  # percentage points above the application's level (None: an absolute floor)
    floor: float | None = None  # an absolute level to reach (品牌管理体系有效运行的企业比重 ≥ 30%)


# seeds/003 附件2 一: 资料评审 100 points
MATERIAL_PARTS: tuple[Part, ...] = (
    Part("work_items", "工作项目完成情况", 40),
    Part("safeguards", "保障措施完成情况", 20),
    Part("brand_mechanism", "区域品牌建设机制", 20),
    Part("brand_influence", "区域品牌影响力", 10),
    Part("demonstration", "区域品牌建设典型经验示范效应", 10),
)
# seeds/003 附件2 二(二): 答辩评审 100 points
DEFENCE_PARTS: tuple[Part, ...] = (
    Part("innovation", "创新性", 30),
    Part("leadership", "引领性", 30),
    Part("transferability", "推广性", 20),
    Part("sharing", "分享性", 20),
)

# §三(七)1(7): the key indicators against the application, in percentage points
KEY_INDICATORS: tuple[KeyIndicator, ...] = (
    KeyIndicator("value_added_rate", "工业增加值率", 2.0),
    KeyIndicator("own_brand_share", "以自主品牌销售产品比重", 5.0),
    KeyIndicator("new_product_rate", "新产品产值率", 3.0),
    KeyIndicator("intl_standard_share", "采用国际先进标准的产品比重", 3.0),
    KeyIndicator("brand_system_working_share", "品牌管理体系有效运行的企业比重", None, floor=30.0),
)

# §三(一): the implementing body of one of four kinds, or a city/county government
APPLICANT_KINDS: dict[str, str] = {
    "demonstration_base": "新型工业化产业示范基地行政管理机构",
    "development_zone": "以工业为主的经济技术开发区行政管理机构",
    "high_tech_zone": "高新技术开发区行政管理机构",
    "other_agglomeration": "其他产业聚集区行政管理机构",
    "local_government": "具有明显产业聚集特征的市、县人民政府",
}
# 申报书 第一部分: 区域性质 (four boxes)
REGION_KINDS: tuple[str, ...] = ("新型工业化示范基地", "经技区", "高新区", "其他产业聚居区")

# seeds/003 附件1 总体进度 and the 11 区域品牌建设情况 items (each with the form's boxes)
PROGRESS_CHOICES: tuple[str, ...] = ("完成试点工作", "按进度推进试点工作", "部分工作延期", "尚未开展工作", "准备中止试点工作")
STATUS_ITEMS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("development_plan", "区域品牌（主导产业）发展规划", ("已发布", "正在编制", "未开展")),
    ("collective_trademark", "区域品牌集体商标", ("已注册", "正在申请", "尚未启动申请工作")),
    ("management_body", "区域品牌管理机构", ("政府", "协会/联盟", "尚未成立")),
    ("self_discipline", "主导产业自律公约", ("已发布", "正在编制", "尚未开展")),
    ("rd_platform", "主导产业研发创新平台", ("已创建", "正在筹建", "尚未成立")),
    ("testing_platform", "主导产业检验检测平台", ("已创建", "正在筹建", "尚未成立")),
    ("promotion_platform", "公共宣传营销平台", ("线上", "线下", "线上和线下", "尚未建立")),
    ("brand_evaluation", "区域品牌发展评价", ("定期开展", "不定期开展", "尚未开展")),
    ("infringement", "区域品牌侵权事件", ("有", "无")),
    ("incentive_fund", "品牌奖励激励资金", ("有", "无")),
    ("group_standards", "主导产业团体标准化组织", ("已创建", "正在筹建", "尚未成立")),
)
# seeds/003 附件1 主导产业主要指标情况: 申报时 and 上一年 (the form prints 11 rows)
SUMMARY_INDICATORS: tuple[tuple[str, str, str], ...] = (
    ("firms", "企业数", "个"),
    ("large_firms", "规上企业数", "个"),
    ("output", "总产值", "亿元"),
    ("value_added", "增加值", "亿元"),
    ("sales", "销售收入", "亿元"),
    ("profit", "利润总额", "亿元"),
    ("tax", "税收总额", "亿元"),
    ("cost", "成本费用总额", "亿元"),
    ("exports", "出口总额", "亿元"),
    ("domestic_share", "国内市场占有率", "%"),
    ("investment", "投资数额", "亿元"),
)


@dataclass(frozen=True)
class BrandPolicy:
    version: str
    source: str
    # §三(二)1: 近三年区域内未出现重特大…事故
    incident_window_years: int
    # §三(三): 按1-3年周期策划; 申报书 第二部分 五: 第一阶段目标的实现周期为六个月到一年
    plan_years_min: int
    plan_years_max: int
    first_phase_months_min: int
    first_phase_months_max: int
    # §三(三): 每年可推荐2-3家 — the service refuses a fourth (RULES.md program 4)
    province_quota: int
    # §三(四): 每年5月份和10月份可组织论证评审; received by the end of the month before
    batch_months: tuple[int, ...]
    # yearly clocks (not in the seeds; the service's choice): the summary report and the province's
    # supervision record of a pilot (or title) year are due N working days after that year ends
    summary_due_working_days: int
    supervision_due_working_days: int
    reminder_days: int  # a reminder this many calendar days before a due date
    # seeds/003 评价: the evaluation application's texts
    self_assessment_max_chars: int
    experience_min_chars: int
    experience_max_chars: int
    material_parts: tuple[Part, ...]
    defence_parts: tuple[Part, ...]
    # "excellent" is not defined by the seeds (RULES.md): material ≥ 85 and defence ≥ 85
    excellent_material: float
    excellent_defence: float
    # §三(七)1: the seven conditions
    min_evaluations: int
    min_quality_activities: int
    training_percent: float
    brand_system_percent: float
    brand_officer_percent: float
    min_promotion_activities: int
    key_indicators: tuple[KeyIndicator, ...]
    # §三(七)2–3: the title and its validity
    title_format: str
    title_validity_years: int
    # re-review (办法另行制定; the service runs it like an evaluation): may be filed this many
    # months before expiry, with this many past years' summaries and a plan of this many years
    rereview_window_months: int
    rereview_summaries: int
    rereview_plan_years: int

    def part_max(self, sheet: str) -> dict[str, int]:
        parts = self.material_parts if sheet == "material" else self.defence_parts
        return {p.key: p.max_points for p in parts}

    def title_for(self, industry: str) -> str:
        return self.title_format.format(industry=industry)


BRAND_2014 = BrandPolicy(
    version="brand-2014",
    source="工信部科函〔2014〕102号；产业集群区域品牌建设试点工作评价通知（seeds/003、004）",
    incident_window_years=3,
    plan_years_min=1,
    plan_years_max=3,
    first_phase_months_min=6,
    first_phase_months_max=12,
    province_quota=3,
    batch_months=(5, 10),
    summary_due_working_days=20,
    supervision_due_working_days=40,
    reminder_days=7,
    self_assessment_max_chars=500,
    experience_min_chars=3000,
    experience_max_chars=5000,
    material_parts=MATERIAL_PARTS,
    defence_parts=DEFENCE_PARTS,
    excellent_material=85.0,
    excellent_defence=85.0,
    min_evaluations=1,
    min_quality_activities=2,
    training_percent=90.0,
    brand_system_percent=50.0,
    brand_officer_percent=50.0,
    min_promotion_activities=2,
    key_indicators=KEY_INDICATORS,
    title_format="产业集群区域品牌建设示范区（{industry}）",
    title_validity_years=3,
    rereview_window_months=6,
    rereview_summaries=3,
    rereview_plan_years=3,
)

POLICIES: dict[str, BrandPolicy] = {BRAND_2014.version: BRAND_2014}
DEFAULT_POLICY_VERSION = BRAND_2014.version


def get_policy(version: str | None = None) -> BrandPolicy:
    policy = POLICIES.get(version or DEFAULT_POLICY_VERSION)
    if policy is None:
        raise DomainError("policy_unknown", f"没有版本为 {version} 的品牌试点示范政策")
    return policy
