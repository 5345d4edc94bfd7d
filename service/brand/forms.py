"""One typed schema per program-4 form and action (issue 13 item 4): the single source for the
API bodies (OpenAPI, Chinese titles), the console's generated forms, the CLI's ``--data`` file
and the XLSX layouts. The schemas check shape and bounds; the rules (eligibility, plan length,
quota, pledge, character counts, score maxima, the title's conditions) stay in ``domain.brand``
and answer with their own codes.

- 申报书 (附件1 of seeds/004: 第一部分 区域情况, 第二部分 试点工作方案) with the 推荐表's header;
- 年度总结报告 (附件1 of seeds/003: 总体推进情况, 11 项区域品牌建设情况, 11 项主要指标, 第二部分);
- 评价申请书 (附件3 of seeds/003: 承诺书, 申请表, 自我评价 ≤ 500 字, 典型经验 3000–5000 字) with the
  示范区条件 figures (§三(七)1) the title decision is computed from;
- the score sheets (附件2: 资料评审 40/20/20/10/10, 答辩评审 30/30/20/20), the batch decision and
  every other staff action.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError, create_model

from domain.brand.machine import ACTION_LABELS
from domain.brand.policy import (APPLICANT_KINDS, DEFENCE_PARTS, KEY_INDICATORS, MATERIAL_PARTS, PROGRESS_CHOICES,
                                 REGION_KINDS, STATUS_ITEMS, SUMMARY_INDICATORS, get_policy)
from domain.brand.rules import ATTESTATIONS, EXPERIENCE_PARTS, PLEDGES, REVOKE_REASONS
from domain.errors import DomainError
from domain.limits import LIMITS

POLICY = get_policy()
NAME, TEXT, ITEMS = LIMITS.name_chars, LIMITS.text_chars, LIMITS.list_items
FIGURE_MAX = 1e9
EARLIEST, LATEST = date(2014, 1, 1), date(2099, 12, 31)

Short = Annotated[str, Field(min_length=1, max_length=NAME)]
Text = Annotated[str, Field(min_length=1, max_length=TEXT)]
Count = Annotated[int, Field(ge=0, le=10_000_000, strict=True)]
Amount = Annotated[float, Field(ge=0, le=FIGURE_MAX, allow_inf_nan=False)]
Percent = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]


def text(title: str, description: str = "", default: Any = ..., max_length: int = TEXT) -> Any:
    return Field(default, title=title, description=description, min_length=1, max_length=max_length)


def figure(title: str, unit: str, description: str = "", default: Any = ..., **kw: Any) -> Any:
    return Field(default, title=title, description=f"{description}（单位：{unit}）".lstrip(),
                 json_schema_extra={"x-unit": unit}, **kw)


def choice(title: str, labels: dict[str, str], description: str = "", default: Any = ...) -> Any:
    """A coded choice whose options the forms show by their Chinese labels."""
    return Field(default, title=title, description=description, json_schema_extra={"x-labels": labels})


class Form(BaseModel):
    """Base of every form: unknown keys are refused (a typo is not silently dropped)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    codes: ClassVar[dict[str, str]] = {}
    missing_codes: ClassVar[dict[str, str]] = {}
    unknown_code: ClassVar[str] = "invalid_data"


# ---------------------------------------------------------------- 申报书 第一部分 区域情况

ApplicantKind = Literal[tuple(APPLICANT_KINDS)]  # type: ignore[valid-type]
RegionKind = Literal[REGION_KINDS]  # type: ignore[valid-type]


class BrandRegionIn(Form):
    """区域名称、区域性质、申报单位与联系方式。"""

    name: str = text("区域名称", "如：某某市某某产业集聚区", max_length=NAME)
    kind: RegionKind = Field(title="区域性质", description="申报书的四种区域性质之一")
    province: str = text("所在省份", "省、自治区、直辖市或计划单列市", max_length=NAME)
    city: str = text("所在市", max_length=NAME)
    county: str | None = Field(None, title="所在县（区）", max_length=NAME)
    applicant: str = text("申报单位", "组织实施单位全称（§三(一)）", max_length=NAME)
    applicant_kind: ApplicantKind = choice("组织实施单位类别", APPLICANT_KINDS, "§三(一) 的五类之一")
    contact: str = text("联系人", max_length=NAME)
    contact_title: str | None = Field(None, title="职务", max_length=NAME)
    address: str | None = Field(None, title="地址", max_length=NAME)
    email: str | None = Field(None, title="信箱", max_length=NAME)
    phone: str = text("电话/传真", max_length=NAME)


class CompositionIn(Form):
    """区域内产业构成、主导产业发展历程与地位、独特性。"""

    structure: str = text("区域内产业构成说明")
    history: str = text("主导产业发展历程及当前在行业中的地位")
    uniqueness: str = text("该区域与主导产业相关的独特性及潜在的独特性")


class IndustryIn(Form):
    """一个主导产业（§三(一)：可以有两个或两个以上）；关键指标不填时取区域的数值。"""

    name: str = text("主导产业", "如：陶瓷；示范区名称以此标注（§三(七)2）", max_length=NAME)
    output_share: float = figure("占区域工业总产值比重", "%", ge=0, le=100, allow_inf_nan=False)
    value_added_rate: float | None = figure("工业增加值率", "%", "该产业单独统计时填写", None, ge=0, le=100,
                                            allow_inf_nan=False)
    own_brand_share: float | None = figure("以自主品牌销售产品比重", "%", "按销售收入计；该产业单独统计时填写", None,
                                           ge=0, le=100, allow_inf_nan=False)
    new_product_rate: float | None = figure("新产品产值率", "%", "该产业单独统计时填写", None, ge=0, le=100,
                                            allow_inf_nan=False)
    intl_standard_share: float | None = figure("采用国际先进标准的产品比重", "%", "按销售收入计；该产业单独统计时填写",
                                               None, ge=0, le=100, allow_inf_nan=False)


class FiguresIn(Form):
    """以下数据均以上一年度、该区域与试点工作相关企业的统计数据为准。"""

    year: StrictInt = Field(title="统计年度", description="上一年度", ge=2000, le=2100)
    firms: Count = figure("工业企业数", "家")
    large_firms: Count = figure("规模以上企业数", "家")
    output: Amount = figure("工业总产值", "亿元")
    value_added_rate: Percent = figure("工业增加值率", "%")
    own_brand_share: Percent = figure("以自主品牌销售产品比重", "%", "按销售收入计")


class QualityIn(Form):
    """质量安全信誉、品牌、质量、研发、标准、服务平台、政府支持、行业前三企业。"""

    incidents: str = text("区域内近三年质量安全信誉等方面的情况")
    collective_brands: str = text("区域拥有集体品牌或商标的情况")
    own_brands: str = text("企业拥有自主品牌的总体情况、获得质量名牌相关荣誉的情况")
    product_quality: str = text("企业产品质量总体情况")
    rd_ratio: float = figure("企业研发投入占销售收入比重", "%", ge=0, le=100, allow_inf_nan=False)
    new_product_rate: float = figure("新产品产值率", "%", ge=0, le=100, allow_inf_nan=False)
    rd_capability: str = text("拥有技术中心、研发机构以及获得发明专利等情况")
    standards: str = text("企业参与标准制订及采标情况")
    intl_standard_share: float = figure("采用国际先进标准的产品比重", "%", "按销售收入计", ge=0, le=100,
                                        allow_inf_nan=False)
    platforms: str = text("区域拥有质量、品牌、技术等服务平台的情况")
    support: str = text("所在地区政府支持品牌建设和质量提升的政策、制度、项目、资金和措施等情况")
    top_firm_1: str = text("行业排名前三的企业：企业1", "按销售收入；自主品牌、主导产品技术质量水平、品牌荣誉、行业影响力")
    top_firm_2: str = text("企业2")
    top_firm_3: str = text("企业3")


# ---------------------------------------------------------------- 申报书 第二部分 试点工作方案


class PlanIn(Form):
    """试点工作方案：按 1–3 年试点周期策划；第一阶段目标的实现周期为六个月到一年。"""

    years: StrictInt = Field(title="试点周期", description="1–3 年（§三(三)）；复审方案为 3 年", ge=1, le=10,
                             json_schema_extra={"x-unit": "年"})
    first_phase_months: StrictInt = Field(title="第一阶段周期", description="六个月到一年", ge=1, le=36,
                                          json_schema_extra={"x-unit": "个月"})
    approach: str = text("一、试点工作思路")
    organisation: str = text("二、试点工作组织")
    policies: str = text("三、可配套的政策、资金和措施等", "金额、来源、支持方向、投入步骤")
    work_items: str = text("四、主要工作项目", "工作内容、步骤、措施和时间节点，按年度划分")
    targets: str = text("五、工作目标", "分阶段的量化目标，并说明5个关键指标应达到的水平")
    other: str | None = Field(None, title="六、其他需要说明内容", max_length=TEXT)


class EligibilityIn(Form):
    """申报试点区域的基本条件（§三(二)），由申报单位承诺。"""

    no_serious_incident: StrictBool = Field(title=ATTESTATIONS[0][1])
    organisation_committed: StrictBool = Field(title=ATTESTATIONS[1][1])
    funding_committed: StrictBool = Field(title=ATTESTATIONS[2][1])
    policy_fit: StrictBool = Field(title=ATTESTATIONS[3][1])


class RecommendationHeaderIn(Form):
    """推荐表：编号与行业协会联合实施的情况（当地政府、省级意见由其各自的操作填写）。"""

    number: str | None = Field(None, title="推荐表编号", max_length=NAME)
    association: str | None = Field(None, title="联合实施的全国性工业行业协会", description="行业与区域联合实施时填写",
                                    max_length=NAME)
    association_opinion: str | None = Field(None, title="全国性工业行业协会推荐意见", max_length=TEXT)


class BrandApplicationData(Form):
    """产业集群区域品牌建设试点申报书（两部分）及推荐表（§三(三)）。"""

    missing_codes: ClassVar[dict[str, str]] = {"industries": "industries_missing", "eligibility": "eligibility_not_attested"}
    region: BrandRegionIn = Field(title="第一部分 区域情况")
    composition: CompositionIn = Field(title="产业构成")
    industries: list[IndustryIn] = Field(title="主导产业", min_length=1, max_length=10,
                                         description="每个主导产业一行；有两个以上主导产业时分别说明")
    figures: FiguresIn = Field(title="上一年度数据")
    quality: QualityIn = Field(title="质量品牌基础")
    plan: PlanIn = Field(title="第二部分 试点工作方案")
    eligibility: EligibilityIn = Field(title="申报条件承诺")
    recommendation: RecommendationHeaderIn | None = Field(None, title="推荐表")


class StartPilotIn(Form):
    """提交试点申报书：新试点的编号和申报书。"""

    key: str = Field(title="试点编号", description="字母、数字、- 或 _（1–60 个字符）", pattern=r"^[A-Za-z0-9_-]{1,60}$")
    application: BrandApplicationData = Field(title="申报书")


# ---------------------------------------------------------------- seal, provincial review, withdrawal


class SealData(Form):
    """当地人民政府意见：同意并加盖公章（推荐表）。"""

    sealed_on: date = Field(title="盖章日期", ge=EARLIEST, le=LATEST)
    opinion: str = text("当地人民政府意见", default="我们了解并支持该单位申报工业区域品牌建设试点。《产业集群区域品牌建设试点申报书》"
                                            "中所述与政府相关的内容情况属实，我们将支持落实有关事项。")


class ReasonData(Form):
    """说明理由。"""

    missing_codes: ClassVar[dict[str, str]] = {"reason": "reason_missing"}
    reason: str = text("理由")


class RecommendData(Form):
    """省级工业和信息化主管部门审查推荐意见（推荐表）。"""

    opinion: str = text("审查推荐意见")
    recommended_on: date | None = Field(None, title="推荐日期", ge=EARLIEST, le=LATEST, description="留空即今天")


# ---------------------------------------------------------------- 年度总结报告 (seeds/003 附件1)

Progress = Literal[PROGRESS_CHOICES]  # type: ignore[valid-type]
StatusIn = create_model(
    "StatusIn",
    __base__=Form,
    __doc__="区域品牌建设情况（11 项）。",
    **{key: (Literal[choices], Field(title=label)) for key, label, choices in STATUS_ITEMS},  # type: ignore[valid-type]
    incentive_amount=(float | None, figure("品牌奖励激励资金支持力度", "万元", "有品牌奖励激励资金时填写", None, ge=0,
                                           le=FIGURE_MAX, allow_inf_nan=False)),
    training_count=(Count, figure("试点以来品牌培训人次", "人次")),
    brand_system_firms=(Count, figure("试点以来导入品牌培育管理体系企业数", "家")),
)


class PairIn(Form):
    at_application: float | None = Field(None, title="申报时", ge=0, le=FIGURE_MAX, allow_inf_nan=False)
    last_year: float | None = Field(None, title="上一年", ge=0, le=FIGURE_MAX, allow_inf_nan=False)


SummaryIndicatorsIn = create_model(
    "SummaryIndicatorsIn",
    __base__=Form,
    __doc__="主导产业主要指标情况（适用时）：申报时与上一年。",
    **{key: (PairIn | None, Field(None, title=label, json_schema_extra={"x-unit": unit}))
       for key, label, unit in SUMMARY_INDICATORS},
)


class SummaryTextIn(Form):
    """第二部分 试点工作总结。"""

    overview: str = text("一、综述")
    organisation: str | None = Field(None, title="二、试点工作组织情况", max_length=TEXT)
    work_items: str | None = Field(None, title="三、主要工作项目开展情况", max_length=TEXT)
    mechanism: str | None = Field(None, title="四、区域品牌建设机制的变化", max_length=TEXT)
    influence: str | None = Field(None, title="五、区域品牌影响力的变化", max_length=TEXT)
    problems: str | None = Field(None, title="六、存在问题及对策", max_length=TEXT)
    next_plan: str | None = Field(None, title="七、下一步工作计划", max_length=TEXT)
    other: str | None = Field(None, title="八、其他需要说明内容", max_length=TEXT)
    evidence: str | None = Field(None, title="九、相关证实性材料", description="附件名称（文件请作为附件上传）",
                                 max_length=TEXT)


class SummaryData(Form):
    """产业集群区域品牌建设试点工作总结报告（年度）。"""

    year_no: StrictInt = Field(title="报告年度", description="本期第几年（试点第 n 年或示范第 n 年）", ge=1, le=10)
    reported_on: date = Field(title="报告日期", ge=EARLIEST, le=LATEST)
    progress: Progress = Field(title="总体进度")
    status: StatusIn = Field(title="区域品牌建设情况")  # type: ignore[valid-type]
    indicators: SummaryIndicatorsIn = Field(title="主导产业主要指标情况")  # type: ignore[valid-type]
    report: SummaryTextIn = Field(title="第二部分 试点工作总结")


class SupervisionData(Form):
    """省级主管部门年度监督检查记录（§三(六) 委托省级主管部门开展年度监督检查）。"""

    year_no: StrictInt = Field(title="检查年度", description="本期第几年", ge=1, le=10)
    inspected_on: date = Field(title="检查日期", ge=EARLIEST, le=LATEST)
    conclusion: Literal["符合进度", "基本符合进度", "明显滞后"] = Field(title="检查结论")
    findings: str = text("检查发现")
    measures: str | None = Field(None, title="整改要求", max_length=TEXT)


# ---------------------------------------------------------------- 评价申请书 (seeds/003 附件3) and §三(七)1


class EvaluationFormIn(Form):
    """产业集群区域品牌建设试点评价申请表。"""

    unit_name: str = text("申报单位名称", max_length=NAME)
    leader: str = text("单位负责人", max_length=NAME)
    leader_title: str = text("职务", max_length=NAME)
    leader_phone: str = text("座机", max_length=NAME)
    contact: str = text("申报联系人", max_length=NAME)
    contact_title: str | None = Field(None, title="联系人职务", max_length=NAME)
    contact_phone: str | None = Field(None, title="联系人座机", max_length=NAME)
    mobile: str = text("手机", max_length=NAME)
    fax: str | None = Field(None, title="传真", max_length=NAME)
    email: str | None = Field(None, title="邮箱", max_length=NAME)


PledgeIn = create_model(
    "PledgeIn",
    __base__=Form,
    __doc__="承诺书：本单位严格按照试点方案开展试点工作，已全面完成试点方案中的工作任务和目标，现申请评价。",
    **{key: (StrictBool, Field(title=label)) for key, label in PLEDGES},
    signer=(str, text("负责人签字", max_length=NAME)),
)
ExperienceIn = create_model(
    "ExperienceIn",
    __base__=Form,
    __doc__="产业集群区域品牌建设典型经验：六部分合计 3000–5000 字。",
    **{key: (str, text(f"{i + 1}. {label}")) for i, (key, label) in enumerate(EXPERIENCE_PARTS)},
)


class IndicatorsNowIn(Form):
    """一个主导产业的关键指标现值（与申报时相比，§三(七)1(7)）。"""

    industry: str = text("主导产业", max_length=NAME)
    value_added_rate: float = figure(KEY_INDICATORS[0].label, "%", ge=0, le=100, allow_inf_nan=False)
    own_brand_share: float = figure(KEY_INDICATORS[1].label, "%", ge=0, le=100, allow_inf_nan=False)
    new_product_rate: float = figure(KEY_INDICATORS[2].label, "%", ge=0, le=100, allow_inf_nan=False)
    intl_standard_share: float = figure(KEY_INDICATORS[3].label, "%", ge=0, le=100, allow_inf_nan=False)
    brand_system_working_share: float = figure(KEY_INDICATORS[4].label, "%", ge=0, le=100, allow_inf_nan=False)


class ConditionsIn(Form):
    """示范区条件的情况（§三(七)1 的七项），据此计算称号决定。"""

    strategy_published: StrictBool = Field(title="(1) 已正式发布区域品牌发展战略，对区域品牌做出明确定位")
    strategy_document: str | None = Field(None, title="发展战略文件", max_length=NAME)
    policies_in_place: StrictBool = Field(title="(1) 相关政策、资金支持已按计划落实到位")
    evaluations_done: Count = figure("(2) 已开展品牌评价次数", "次")
    improvement_measures: StrictBool = Field(title="(2) 已形成评价报告并根据评价结果制定改进措施")
    quality_activities: list[Short] = Field(default_factory=list, title="(3) 质量品牌提升活动", max_length=ITEMS)
    firms_total: Count = figure("(4) 相关企业数", "家")
    firms_trained: Count = figure("(4) 参加品牌培训的企业数", "家")
    firms_with_brand_system: Count = figure("(4) 建立实施品牌管理体系的企业数", "家")
    firms_with_brand_officer: Count = figure("(4) 设立首席品牌官和品牌经理的企业数", "家")
    opinion_monitoring: StrictBool = Field(title="(5) 已建立区域品牌舆情监控系统并开展监控工作")
    promotion_activities: list[Short] = Field(default_factory=list, title="(6) 区域品牌宣传或营销活动", max_length=ITEMS)
    indicators: list[IndicatorsNowIn] = Field(title="(7) 关键指标现值", min_length=1, max_length=10,
                                              description="每个主导产业一行")


class EvaluationData(Form):
    """产业集群区域品牌建设试点评价申请书（seeds/003 附件3）。"""

    form: EvaluationFormIn = Field(title="评价申请表")
    pledge: PledgeIn = Field(title="承诺书")  # type: ignore[valid-type]
    self_assessment: str = text("试点工作完成情况自我评价", "限 500 字")
    experience: ExperienceIn = Field(title="典型经验")  # type: ignore[valid-type]
    conditions: ConditionsIn = Field(title="示范区条件")


class RereviewData(EvaluationData):
    """示范区复审申请：前 3 年的总结（已按年度提交）和未来 3 年区域品牌建设工作方案（§三(七)3）。"""

    plan: PlanIn = Field(title="未来 3 年区域品牌建设工作方案")


class OpinionData(Form):
    """推荐部门审查推荐意见。"""

    opinion: str = text("审查推荐意见")


class ExpertsData(Form):
    """评审专家（按署名）。"""

    missing_codes: ClassVar[dict[str, str]] = {"experts": "experts_missing"}
    experts: list[Short] = Field(title="评审专家", min_length=1, max_length=ITEMS, description="专家的署名，每行一位")


MaterialScoresIn = create_model(
    "MaterialScoresIn", __base__=Form, __doc__="资料评审（100 分）。",
    **{p.key: (float, Field(title=p.label, ge=0, le=p.max_points, allow_inf_nan=False,
                            json_schema_extra={"x-unit": f"满分 {p.max_points} 分"})) for p in MATERIAL_PARTS},
)
DefenceScoresIn = create_model(
    "DefenceScoresIn", __base__=Form, __doc__="答辩评审：典型经验示范效应（100 分）。",
    **{p.key: (float, Field(title=p.label, ge=0, le=p.max_points, allow_inf_nan=False,
                            json_schema_extra={"x-unit": f"满分 {p.max_points} 分"})) for p in DEFENCE_PARTS},
)


MaterialScoresIn.codes = {p.key: "score_part_over_max" for p in MATERIAL_PARTS}  # a rule owns the maxima
DefenceScoresIn.codes = {p.key: "score_part_over_max" for p in DEFENCE_PARTS}


class MaterialReviewData(Form):
    """资料评审打分（seeds/003 附件2 一）。"""

    scores: MaterialScoresIn = Field(title="资料评审得分")  # type: ignore[valid-type]
    supplements: list[Short] | None = Field(None, title="需补充的材料", max_length=ITEMS)
    remarks: str | None = Field(None, title="评审意见", max_length=TEXT)


class DefenceReviewData(Form):
    """答辩评审打分（seeds/003 附件2 二）。"""

    scores: DefenceScoresIn = Field(title="答辩评审得分")  # type: ignore[valid-type]
    remarks: str | None = Field(None, title="评审意见", max_length=TEXT)


class ShortlistData(Form):
    """遴选确定进入答辩评审的试点单位。"""

    shortlisted: StrictBool = Field(title="进入答辩评审")
    note: str | None = Field(None, title="说明", max_length=TEXT)


class DecideTitleData(Form):
    """示范区称号决定：结果由评审得分和七项条件计算，此处录入决定文件。"""

    document: str | None = Field(None, title="决定文件文号", max_length=NAME)


class BrandRevokeData(Form):
    """撤销示范区称号（§三(七)3）。"""

    missing_codes: ClassVar[dict[str, str]] = {"reason_kind": "revoke_reason_invalid", "reason": "reason_missing"}
    codes: ClassVar[dict[str, str]] = {"reason_kind": "revoke_reason_invalid"}
    reason_kind: Literal[tuple(REVOKE_REASONS)] = choice("撤销理由", REVOKE_REASONS)  # type: ignore[valid-type]
    reason: str = text("情况说明")


Decision = Literal["approve", "refuse", "defer"]
DECISION_CHOICES = {"approve": "批准为试点", "refuse": "不予批准", "defer": "转入下一批次"}


class HoldBatchData(Form):
    """工业和信息化部批次论证评审（§三(四)）：本批次每个申报的决定，未列出的转入下一批次。"""

    batch_id: str = Field(title="批次", description="YYYY-MM，如 2027-10", pattern=r"^\d{4}-\d{2}$")
    held_on: date | None = Field(None, title="评审日期", ge=EARLIEST, le=LATEST, description="留空即今天")
    decisions: dict[Annotated[str, Field(max_length=60)], Decision] = Field(
        title="评审决定", description="试点编号 → approve（批准为试点）、refuse（不予批准）或 defer（转入下一批次）",
        max_length=LIMITS.meeting_decisions)


ACTION_SCHEMAS: dict[str, type[Form]] = {
    "revise_application": BrandApplicationData,
    "seal_application": SealData,
    "return_application": ReasonData,
    "recommend": RecommendData,
    "withdraw": ReasonData,
    "submit_summary": SummaryData,
    "record_supervision": SupervisionData,
    "apply_evaluation": EvaluationData,
    "apply_rereview": RereviewData,
    "recommend_evaluation": OpinionData,
    "return_evaluation": ReasonData,
    "assign_experts": ExpertsData,
    "record_material_review": MaterialReviewData,
    "shortlist": ShortlistData,
    "record_defence_review": DefenceReviewData,
    "decide_title": DecideTitleData,
    "revoke": BrandRevokeData,
}


def schema_for(action: str) -> type[Form]:
    model = ACTION_SCHEMAS.get(action)
    if model is None:
        raise DomainError("action_unknown", f"未知的操作“{action}”")
    return model


def parse(model: type[Form], data: Any, what: str) -> Form:
    """Data of a form (API body, console form, CLI file), refused in Chinese by its schema."""
    from service.refusals import refusal  # the one Chinese wording of schema refusals (the kernel)

    if not isinstance(data, dict):
        raise DomainError("invalid_data", f"“{what}”的数据应为对象 {{…}}")
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise refusal(e, model) from None  # type: ignore[arg-type]


def parse_action(action: str, data: Any) -> dict[str, Any]:
    parsed = parse(schema_for(action), data, ACTION_LABELS.get(action, action))
    return parsed.model_dump(mode="json", exclude_none=True)
