"""One typed schema per staff action's data (issue 10 item 1), and the meeting's: the single
source for the API request bodies (OpenAPI), the console's action forms and the CLI's
``--data`` file. Field names, Chinese titles, units and limits are declared here once
(limits from ``domain.limits``, bounds from the policy).

The schemas check shape and bounds only; the rules — who may, route and bodies, panel size
and seniority, score bands, which annual report is owed — stay in ``domain.cnlic.lifecycle`` and
``domain.cnlic.rules``, which answer with their own rule codes. A field whose absence a rule
refuses with its own code (a revocation without a reason, a report without a score sheet)
is refused here with that same code, so a client sees one code whichever layer answered.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar, Literal, Union, get_origin

from pydantic import Field, StrictBool, StrictInt, ValidationError, create_model

from domain.errors import DomainError
from domain.limits import LIMITS
from domain.cnlic.machine import ACTION_LABELS
from domain.cnlic.rules import INDICATOR_LABELS
from service.cnlic.annex3 import Annex3In
from service.refusals import refusal, unwrap
from service.cnlic.action_base import (  # noqa: F401  (the names every importer has read from here)
    CHOICES, EARLIEST, FIGURE_MAX, ITEMS, LATEST, NAME, POLICY, TEXT, ActionData, Element, Finite, Grade, LongText,
    PanelField, RouteCode, ShortText, TierCode, unit)
from service.cnlic.annual_schemas import (  # noqa: F401  (附件五, §四(一))
    AnnualHeaderIn, AnnualIndicatorsIn, AnnualReportData, LeadingFirmIn)


# ---------------------------------------------------------------- §三(一) application and opinions


class BodyIn(ActionData):
    name: str = Field(title="单位名称", description="出具意见的单位全称", min_length=1, max_length=NAME)
    kind: Literal["association", "provincial"] | None = Field(
        None, title="单位类别", description="association：行业协（学）会、中心；provincial：省级地方轻工行业组织；"
                                       "类别以意见单位名录为准：留空即取名录中的类别，填写时须与名录一致")


Bodies = list[Union[Annotated[str, Field(min_length=1, max_length=NAME)], BodyIn]]


class ReapplicationData(ActionData):
    """复评、整改复查申请（§四(三)）：不填申请形式时沿用上次申请的形式、意见单位和产业发展年限。"""

    codes: ClassVar[dict[str, str]] = {"route": "route_unknown"}
    route: RouteCode | None = Field(None, title="申请形式", description="§三(一) 的四种形式之一；留空沿用上次申请")
    bodies: Bodies | None = Field(None, title="出具意见的单位",
                                  description="申请形式所列的行业协（学）会、中心和／或省级轻工行业组织的全称，须在意见单位名录中"
                                              "（GET /api/bodies?industry=…&province=… 列出该集群可选的单位）",
                                  max_length=ITEMS)
    industry_history_years: Finite | None = unit("产业发展年限", "年", "特色产业的发展年限，须 5 年以上（§一(二)1(1)）",
                                                 default=None, ge=0, le=5000)
    attachments: list[ShortText] | None = Field(
        None, title="申请材料清单",
        description=f"附件二、附件三的材料名称，每行一个，须含：{'、'.join(POLICY.required_attachments)}；不填视为齐全",
        max_length=ITEMS)
    # 附件三 (issue 11): required of a new filing; the domain still takes a recorded one without it
    missing_codes: ClassVar[dict[str, str]] = {"annex3": "annex3_missing"}
    annex3: Annex3In = Field(title="附件三 基本情况表",
                             description="表一、表二、表四；表二的年度由服务按程序和今天计算（新申请为近三年，"
                                         "复评为上次考评年度和近两年）。可下载按本集群预填的 XLSX 模板填写后上传")


class ApplicationData(ReapplicationData):
    """提出共建授名申请（§三(一)）。"""

    missing_codes: ClassVar[dict[str, str]] = {"route": "route_unknown", "annex3": "annex3_missing",
                                               "industry_history_years": "industry_history_missing"}
    route: RouteCode = Field(title="申请形式", description="§三(一) 的四种形式之一")  # type: ignore[assignment]
    industry_history_years: Finite = unit("产业发展年限", "年", "特色产业的发展年限，须 5 年以上（§一(二)1(1)）",
                                          ge=0, le=5000)


class OpinionData(ActionData):
    """审查意见（§三(一)）或正式意见（§三(三)）。"""

    body: str = Field("", title="出具单位", description="出具意见的单位全称；留空即本账号的署名", max_length=NAME)
    text: str = Field("", title="意见", description="意见全文；长文件请作为附件上传", max_length=TEXT)
    recommend: StrictBool | None = Field(None, title="是否推荐", description="true：推荐；false：不推荐；留空不表态")


class NoData(ActionData):
    """此操作不需要数据：提交空对象 {}。"""


# ---------------------------------------------------------------- §三(二) site evaluation


class PanelMemberIn(ActionData):
    codes: ClassVar[dict[str, str]] = {"field": "panel_field_unknown"}
    name: str = Field(title="姓名", description="专家姓名，组内不重复", min_length=1, max_length=NAME)
    senior: StrictBool = Field(False, title="高级职称", description="是否具有高级职称（§三(二)：不少于 3 名）")
    field: PanelField = Field(title="领域", description=f"专家领域：{'、'.join(POLICY.panel_fields.values())}")
    region_code: str = Field("", title="所在地区代码",
                             description="专家所在地的 6 位行政区划代码；与申请地区同一地市的须回避", pattern=r"^(\d{6})?$")
    lead: StrictBool = Field(False, title="组长", description="专家组组长（只能一名），由其提交考评报告")


class SiteVisitData(ActionData):
    """批准考评（§三(二)）：专家组名单与实地考评日期，报会领导批准。"""

    missing_codes: ClassVar[dict[str, str]] = {"panel": "panel_too_small"}
    visit_on: date = Field(title="考评日期", description="实地考评的日期，不早于今天（YYYY-MM-DD）", ge=EARLIEST, le=LATEST)
    panel: list[PanelMemberIn] = Field(title="专家组名单",
                                       description=f"不少于 {POLICY.panel_min_size} 名专家，其中高级职称不少于 "
                                                   f"{POLICY.panel_min_senior} 名，来自{'、'.join(POLICY.panel_fields.values())}等领域",
                                       max_length=ITEMS)


Count = Annotated[StrictInt, Field(ge=0)]
SCORE_TOTAL = POLICY.part1_max + POLICY.part2_max + POLICY.part3_max + POLICY.part4_max


class ScoreIndicatorIn(ActionData):
    name: str = Field("", title="指标", description="附件一第一部分的指标名称", max_length=NAME)
    met: StrictBool | None = Field(None, title="是否达标", description="直接填写是否达标；或填写实际值与达标值")
    value: Finite | None = Field(None, title="实际值", description="指标的实际值", ge=-FIGURE_MAX, le=FIGURE_MAX)
    threshold: Finite | None = Field(None, title="达标值", description="该分类、该行业的达标值", ge=-FIGURE_MAX, le=FIGURE_MAX)


def _score_value(ind: Any, key: str) -> tuple[Any, Any]:
    label = ind.label_of(key) if key == ind.key else f"或：{ind.label_of(key)}"
    if ind.yes_no:
        return (Literal["有", "无"] | None,
                Field(None, title=ind.label, description="填 有 或 无；有一项为“有”则第二部分不得分"))
    return (Finite | None, unit(label, ind.unit_of(key) or "—", "实际值，与生效的达标值比较", default=None,
                                ge=0, le=FIGURE_MAX))


# 附件一's rows as entered values (issue 11): the service computes which are met against the
# 达标值 table in force on the visit date; a 或 row is filled for one of its two keys
ScoreValuesIn = create_model(
    "ScoreValuesIn", __base__=ActionData,
    __doc__="附件一各项指标的实际值：“或”项只填其一；是否达标由系统按生效的达标值表计算。",
    **{k: _score_value(ind, k) for ind in POLICY.score_part1_rows + POLICY.score_part2_rows for k in ind.keys},
)


class ScoreSheetIn(ActionData):
    """附件一 评价体系打分表：各部分得分须落在达标项数允许的分段内，总分为各部分之和（由规则检查）。
    录入各项指标数值时，达标项数由系统按生效的达标值表计算，不必填写。"""

    codes: ClassVar[dict[str, str]] = {
        **dict.fromkeys(("part1_met", "part1", "part2_first5_met", "part2", "part3", "part4", "total"),
                        "score_out_of_range"),
        "part2_vetoes_clear": "score_not_a_number", "part3_grade": "score_grade_unknown",
        "part4_grade": "score_grade_unknown", "indicators": "score_sheet_invalid"}
    missing_codes: ClassVar[dict[str, str]] = dict.fromkeys(
        ("part1_met", "part1", "part2_first5_met", "part2_vetoes_clear", "part2", "part3", "part4", "total"),
        "score_missing_part")
    values: ScoreValuesIn | None = Field(None, title="指标数值",  # type: ignore[valid-type]
                                         description="附件一第一、二部分各项指标的实际值；填写后达标项数由系统计算")
    part1_met: StrictInt | None = Field(None, title="第一部分达标项数",
                                        description="产业基础指标中达标的项数（单位：项）；录入指标数值时由系统计算",
                                        ge=0, le=POLICY.part1_indicators, json_schema_extra={"x-unit": "项"})
    part1: Finite = unit("第一部分得分", "分", f"产业基础，满分 {POLICY.part1_max:g}", ge=0, le=POLICY.part1_max)
    part2_first5_met: StrictInt | None = Field(
        None, title="第二部分前 5 项达标数", description="质量与安全前 5 项中达标的项数（单位：项）；录入指标数值时由系统计算",
        ge=0, le=POLICY.part2_first_items, json_schema_extra={"x-unit": "项"})
    part2_vetoes_clear: StrictBool | None = Field(
        None, title="后 3 项均达标",
        description=f"{'；'.join(POLICY.part2_veto_items)}：有一项不达标则第二部分不得分；录入指标数值时由系统判定")
    part2: Finite = unit("第二部分得分", "分", f"质量与安全，满分 {POLICY.part2_max:g}", ge=0, le=POLICY.part2_max)
    part3: Finite = unit("第三部分得分", "分", f"政府部门和地方协会工作，满分 {POLICY.part3_max:g}", ge=0, le=POLICY.part3_max)
    part3_grade: Grade | None = Field(None, title="第三部分评价", description="好（>8）、较好（6–8）、一般（<6）")
    part4: Finite = unit("第四部分得分", "分", f"政府规划及扶持政策，满分 {POLICY.part4_max:g}", ge=0, le=POLICY.part4_max)
    part4_grade: Grade | None = Field(None, title="第四部分评价", description="好（>8）、较好（6–8）、一般（<6）")
    total: Finite = unit("总得分", "分", f"各部分之和；{POLICY.pass_mark:g} 分以上为合格", ge=0, le=SCORE_TOTAL)
    indicators: list[ScoreIndicatorIn] | None = Field(None, title="第一部分指标明细",
                                                      description="每项指标是否达标；达标项数须与第一部分达标项数一致",
                                                      max_length=ITEMS)


class SiteIndicatorIn(ActionData):
    value: Finite | None = Field(None, title="数值", ge=0, le=FIGURE_MAX)
    rank: StrictInt | None = Field(None, title="全国排名", description="单位：位", ge=1, le=1000,
                                   json_schema_extra={"x-unit": "位"})
    previous: Finite | None = Field(None, title="上次考评值", description="复评时与之比较；留空取上次考评记录",
                                    ge=0, le=FIGURE_MAX)


SiteIndicator = Union[SiteIndicatorIn, Annotated[float, Field(allow_inf_nan=False, strict=True, ge=0, le=FIGURE_MAX)]]
_SITE_UNITS = {"output": "主导产品的计量单位", "value": "亿元", "sales": "亿元", "exports": "万美元", "firms": "个",
               "employees": "人"}
SiteIndicatorsIn = create_model(
    "SiteIndicatorsIn", __base__=ActionData,
    __doc__="考评报告的指标（附件四 二）：新共建集群写主导产品的数值及全国排名；复评写数值，与上次考评比较。",
    **{k: (SiteIndicator | None, unit(label, _SITE_UNITS[k], f"{label}：数值，或 {{数值、全国排名、上次考评值}}", default=None))
       for k, label in INDICATOR_LABELS.items()},
)


class SiteBasicsIn(ActionData):
    """附件四 一、考评基本情况：考评时间、地点、现场考评和考评会议情况。"""

    visited_on: date = Field(title="考评时间", description="实地考评开始的日期（YYYY-MM-DD）", ge=EARLIEST, le=LATEST)
    visited_until: date | None = Field(None, title="考评结束日期", description="多日考评时填写", ge=EARLIEST, le=LATEST)
    place: ShortText = Field(title="考评地点")
    activities: str | None = Field(None, title="现场考评和考评会议情况", max_length=TEXT)


class ReportOpinionIn(ActionData):
    """附件四 二、考评意见的一条：标题与一段详细阐述。"""

    title: ShortText = Field(title="意见", description="突出成绩或特色亮点，一句话")
    text: LongText = Field(title="详细阐述", description="每条意见均要求有一段详细阐述")


class SiteReportData(ActionData):
    """提交专家考评报告（附件四）与专家组打分表（附件一），由专家组组长提交：一、考评基本情况（时间、地点、专家组组长、
    副组长）；二、考评意见（不少于 4 条，每条有详细阐述；新共建写主导产品指标及全国排名，复评与上次考评比较）；
    三、考评结论和建议（建议不少于 4 条）；附：专家组签字与打分表。"""

    missing_codes: ClassVar[dict[str, str]] = {"findings": "report_too_few_findings",
                                               "opinions": "report_too_few_findings",
                                               "recommendations": "report_too_few_recommendations",
                                               "score_sheet": "score_missing_part"}
    basics: SiteBasicsIn | None = Field(None, title="一、考评基本情况", description="考评时间、地点、现场考评和考评会议情况")
    leader: ShortText | None = Field(None, title="专家组组长", description="从批准的专家组名单中选择",
                                     json_schema_extra={"x-choices": "panel"})
    deputies: list[ShortText] | None = Field(None, title="专家组副组长", description="从批准的专家组名单中选择",
                                             max_length=ITEMS, json_schema_extra={"x-choices": "panel"})
    opinions: list[ReportOpinionIn] | None = Field(
        None, title="二、考评意见", description=f"每条一个标题和一段详细阐述，一般不少于 {POLICY.report_min_findings} 条",
        max_length=ITEMS)
    findings: list[LongText] | None = Field(None, title="考评意见（逐条文字）",
                                            description="旧格式：每条一行；新报告请填写“考评意见”（含详细阐述）",
                                            max_length=ITEMS, json_schema_extra={"x-legacy": True})
    indicators: SiteIndicatorsIn | None = Field(None, title="指标", description="主导产品产量、产值、销售量、出口额等；"  # type: ignore
                                                "复评时由附件三表二预填并与上次考评比较")
    conclusion: str | None = Field(None, title="三、考评结论", description="专家组的考评结论（附件四 三）", max_length=TEXT)
    recommendations: list[LongText] = Field(
        title="发展建议", description=f"每条一项，一般不少于 {POLICY.report_min_recommendations} 条", max_length=ITEMS)
    recommend: StrictBool = Field(title="推荐意见", description="true：推荐授名（或复评通过）；false：不推荐")
    tier_exception_reason: str = Field("", title="排名例外理由", description="全国排名不在该分类要求内而仍推荐时的书面理由",
                                       max_length=TEXT)
    signed_by: list[ShortText] | None = Field(None, title="签字专家", description="专家组组长、副组长及成员签字（附件四 附1）",
                                              max_length=ITEMS, json_schema_extra={"x-choices": "panel"})
    signed_on: date | None = Field(None, title="签字日期", description="专家组签字的日期，不早于考评时间（YYYY-MM-DD）",
                                   ge=EARLIEST, le=LATEST)
    score_sheet: ScoreSheetIn = Field(title="专家组打分表", description="附件一 评价体系打分表")


# ---------------------------------------------------------------- §三(三) formal review


class SupplementData(ActionData):
    """要求或提交补充材料：每项材料一行。"""

    missing_codes: ClassVar[dict[str, str]] = {"items": "supplement_items_missing"}
    items: list[ShortText] = Field(title="材料清单", description="每项材料的名称，每行一个", max_length=ITEMS)


# ---------------------------------------------------------------- §四(五) title change, revocation, withdrawal


class ElementIndicatorIn(ActionData):
    element: Element = Field(title="命名元素", description="该指标所属的命名元素")
    indicator: str = Field(title="指标", description="该元素的附加指标名称（见政策所列）", min_length=1, max_length=NAME)
    value: str = Field(title="数值", description="指标的数值或情况", min_length=1, max_length=NAME)


class TitleChangeData(ReapplicationData):
    """申请称号变更或提升（§四(五)）：只填要改的项；原称号在审批期间继续有效。"""

    codes: ClassVar[dict[str, str]] = {"route": "route_unknown", "tier": "tier_unknown"}
    product: str | None = Field(None, title="主导产品", description="称号中的主导产品或行业", min_length=1, max_length=NAME)
    tier: TierCode | None = Field(None, title="授名分类", description="都（全国前 3）、基地（前 7）、乡镇（前 12），§二(二)1")
    title_word: str | None = Field(None, title="称号用字",
                                   description="该分类的称号用字（都；基地、城、园、区；乡、镇、街等），前面可加“之”，如 之乡、之城；"
                                               "改分类时留空取第一个", max_length=10)
    activity: str | None = Field(None, title="产品的活动词", description="如 生产、制造：命名元素放在它前面，"
                                 "如 中国陶瓷智能生产基地", max_length=10)
    elements: list[Element] | None = Field(None, title="命名元素", description="智能、绿色、创新、品牌、智慧、设计（§二(二)3）；"
                                           "加用命名元素须填写该元素的附加指标", max_length=len(POLICY.naming_elements))
    element_indicators: list[ElementIndicatorIn] | None = Field(
        None, title="命名元素的附加指标",
        description="每个命名元素的附加指标及其数值（与行业协会商定的指标：" + "；".join(
            f"{e}：{'、'.join(POLICY.element_indicators.get(e, ()))}" for e in POLICY.naming_elements) + "）",
        max_length=ITEMS)
    region_name: str | None = Field(None, title="称号中的地区名", description="称号“·”后的地区名称", max_length=NAME)


class RevokeData(ActionData):
    """取消称号（会领导决定）：须写明书面理由。"""

    missing_codes: ClassVar[dict[str, str]] = {"reason": "reason_missing"}
    reason: str = Field(title="取消理由", description="书面理由", min_length=1, max_length=TEXT)


class WithdrawData(ActionData):
    """撤回（申请方）。"""

    reason: str = Field("", title="撤回理由", description="可留空", max_length=TEXT)


# ---------------------------------------------------------------- §三(三) the president's office meeting

Decision = Literal["approve", "refuse", "defer"]


class MeetingData(ActionData):
    """记录会长办公会决定（§三(三)-(四)）：对待审集群逐一批准、不予批准或暂缓；未列出的暂缓。"""

    codes: ClassVar[dict[str, str]] = {"decisions": "meeting_decision_unknown"}

    decisions: dict[Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,100}$")], Decision] = Field(
        default_factory=dict, title="决定", description="{集群编号: approve（批准）| refuse（不予批准）| defer（暂缓）}",
        max_length=LIMITS.meeting_decisions)
    held_on: date | None = Field(None, title="会议日期", description="YYYY-MM-DD，默认今天", ge=EARLIEST, le=LATEST)
    notes: str = Field("", title="备注", max_length=TEXT)


# one distinct schema per action, so each has its own name and description in OpenAPI, even
# where two actions take the same fields


class RecordOpinionData(OpinionData):
    """出具审查意见（§三(一)）：申请所列的行业协（学）会、中心或省级轻工行业组织，各出具一份。"""


class FormalOpinionData(OpinionData):
    """行文提出正式意见（§三(三)）：申请所列的每个行业协会各行文一份；仅向联合会申请的由秘书处出具。"""


class AcceptApplicationData(NoData):
    """受理申请（秘书处）：所需的审查意见齐全后受理；不需要数据，提交 {}。"""


class CompleteFormalReviewData(ActionData):
    """完成形式审查（秘书处）：进入待会长办公会；考评总得分低于 70 分的（附件一 备注2）只能提请不予授名。"""

    refer_for_refusal: StrictBool | None = Field(None, title="提请不予授名",
                                    description="考评总得分低于 70 分时，完成形式审查并提请会长办公会不予授名")


class JointDocumentData(ActionData):
    """记录联合发文（§三(四)）：会长办公会批准后，联合会与行业协会联合发文授予称号；有效期自发文日期起算。"""

    missing_codes: ClassVar[dict[str, str]] = {"number": "document_number_missing"}
    number: str = Field(title="发文文号", description="如 中轻联综字〔2027〕12号", min_length=1, max_length=NAME)
    issued_on: date = Field(title="发文日期", description="YYYY-MM-DD，不早于会议日期、不晚于今天", ge=EARLIEST, le=LATEST)
    bodies: list[Annotated[str, Field(min_length=1, max_length=NAME)]] = Field(
        default_factory=lambda: ["中国轻工业联合会"], title="发文单位", description="联合发文的单位，须含中国轻工业联合会",
        min_length=1, max_length=20)
    meeting_id: str = Field("", title="会议编号", description="批准的会长办公会；留空为最近一次尚未发文的会议",
                            max_length=NAME)


class RequestSupplementData(SupplementData):
    """要求补充材料（秘书处）：形式审查时限暂停，收到补充材料后重新起算 15 个工作日。"""


class SubmitSupplementData(SupplementData):
    """提交补充材料（申请方）：列出已提交的材料。"""


class ReevaluationData(ReapplicationData):
    """提出复评申请（§四(三)）：有效期届满前 3 个月提出；不填申请形式时沿用上次申请。"""


class RectificationReviewData(ReapplicationData):
    """申请整改复查（§四(三)）：整改期内提出；不填申请形式时沿用上次申请。"""


ACTION_SCHEMAS: dict[str, type[ActionData]] = {
    "file_application": ApplicationData,
    "record_opinion": RecordOpinionData,
    "accept_application": AcceptApplicationData,
    "approve_site_visit": SiteVisitData,
    "record_site_report": SiteReportData,
    "record_formal_opinion": FormalOpinionData,
    "request_supplement": RequestSupplementData,
    "submit_supplement": SubmitSupplementData,
    "complete_formal_review": CompleteFormalReviewData,
    "record_joint_document": JointDocumentData,
    "submit_annual_report": AnnualReportData,
    "file_reevaluation": ReevaluationData,
    "file_rectification_review": RectificationReviewData,
    "file_title_change": TitleChangeData,
    "revoke": RevokeData,
    "withdraw": WithdrawData,
    "hold_meeting": MeetingData,
}


def schema_for(action: str) -> type[ActionData]:
    model = ACTION_SCHEMAS.get(action)
    if model is None:
        raise DomainError("action_unknown", f"未知的操作“{action}”")
    return model


def parse_action(action: str, data: Any) -> ActionData:
    """An action's data (API body, form, CLI file), refused in Chinese by its schema."""
    model = schema_for(action)
    if not isinstance(data, dict):
        raise DomainError("invalid_data", f"“{ACTION_LABELS.get(action, action)}”的操作数据应为对象 {{…}}")
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise refusal(e, model) from None


def plain(parsed: ActionData) -> dict[str, Any]:
    """The data the domain checks: what was given, in JSON form (dates as YYYY-MM-DD)."""
    return parsed.model_dump(mode="json", exclude_unset=True)


def checked(action: str, data: Any) -> Any:
    """The data the domain checks; an action without a schema here (one added to the domain
    since) goes on as given, and the domain decides."""
    if action not in ACTION_SCHEMAS:
        return data
    return plain(parse_action(action, data))


def is_model(ann: Any) -> bool:
    return unwrap(ann) is not None and get_origin(ann) is not list
