"""One typed schema per way a lifecycle starts (issue 10 item 1): taking a cluster into
cultivation (§二(一)), registering an application (§三(一)), onboarding a title that exists
today (§三(四), its last evaluation per 附件四 二). Each is the single source for the API
request body (OpenAPI), the console form, the CLI ``--data`` file and the XLSX template:
field names, Chinese titles, units and limits are declared here once.

The schemas check shape and bounds; the rules (route and bodies, title words, dates against
today, one lifecycle per region and industry) stay in the domain, which the service calls
with the plain data ``to_register`` returns.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from domain.errors import DomainError
from domain.limits import LIMITS
from domain.cnlic.policy import get_policy
from domain.cnlic.starts import START_LABELS
from service.refusals import MESSAGES

POLICY = get_policy()
NAME = LIMITS.name_chars
ITEMS = LIMITS.list_items
KEY_PATTERN = r"^[A-Za-z0-9_-]{1,100}$"
FIGURE_MAX = 1e12  # no cluster's figure comes near it; a typo or a fuzzer's 10**400 stops here
EARLIEST = date(1990, 1, 1)  # before any co-built title (the programme began in the 1990s)

TierCode = Literal[tuple(POLICY.tiers)]  # type: ignore[valid-type]
RouteCode = Literal[tuple(POLICY.routes)]  # type: ignore[valid-type]
Element = Literal[tuple(POLICY.naming_elements)]  # type: ignore[valid-type]

# labels of the choices, for the console's selects and the template's instructions
CHOICES: dict[str, dict[str, str]] = {
    "tier": {c: t.label for c, t in POLICY.tiers.items()},
    "route": {c: r.label for c, r in POLICY.routes.items()},
    "kind": dict(START_LABELS),
}

# a schema refusal on these fields carries the domain rule's own code, not invalid_data
FIELD_CODES = {
    "planned_years": "cultivation_years_out_of_range",
    "route": "route_unknown",
    "tier": "tier_unknown",
    "industry_history_years": "industry_history_too_short",
    "document_number": "document_number_missing",
}


def unit(title: str, unit_: str, description: str, default: Any = ..., **kw: Any) -> Any:
    """A figure: its unit is declared once, here, and shown by every form and template."""
    return Field(default, title=title, description=f"{description}（单位：{unit_}）", json_schema_extra={"x-unit": unit_},
                 **kw)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RegionIn(Strict):
    province: str = Field(title="省份", description="省级行政区全称，如 广东省", min_length=1, max_length=NAME)
    city: str = Field("", title="地市", description="地级市，如 佛山市", max_length=NAME)
    county: str = Field("", title="县区", description="县、区或县级市，如 禅城区", max_length=NAME)
    code: str = Field("", title="行政区划代码", description="6 位行政区划代码，如 440604；用于同一区域同一行业的判断（§二(二)4）",
                      pattern=r"^(\d{6})?$")
    name: str = Field("", title="称号中的地区名", description="称号“·”后的地区名称；留空时取县区、地市或省份去掉“省、市、区、县”",
                      max_length=NAME)


class ClusterIn(Strict):
    key: str = Field(title="集群编号", description="唯一编号，字母、数字、- 或 _（1–100 个字符），登记后不可更改，也不再复用",
                     pattern=KEY_PATTERN)
    name: str = Field("", title="集群名称", description="集群的描述性名称，如 佛山陶瓷产业集群", max_length=NAME)
    industry: str = Field(title="行业", description="所属行业，如 陶瓷；行业协会按行业确定范围", min_length=1, max_length=NAME)
    product: str = Field(title="主导产品", description="称号中的主导产品或行业，如 陶瓷（中国陶瓷之都）", min_length=1,
                         max_length=NAME)
    tier: TierCode = Field(title="授名分类", description="都（全国前 3）、基地（前 7）、乡镇（前 12），§二(二)1")
    title_word: str = Field("", title="称号用字", description="该分类的称号用字（都；基地、城、园、区；乡、镇、街等），前面可加“之”，"
                                                          "如 之都、之乡、之城；留空时取该分类的第一个", max_length=10)
    activity: str = Field("", title="产品的活动词", description="可选，如 生产、制造：命名元素放在它前面，如 中国陶瓷智能生产基地",
                          max_length=10)
    elements: list[Element] = Field(default_factory=list, title="命名元素",
                                    description="可选：智能、绿色、创新、品牌、智慧、设计（§二(二)3）", max_length=6)
    region: RegionIn = Field(title="地区", description="集群所在的行政区")

    def plain(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class CultivationStart(Strict):
    """纳入培育（§二(一)）：从今天起进入辅导和培育期。"""

    kind: Literal["cultivation"] = Field(title="登记方式", description="cultivation：纳入培育")
    cluster: ClusterIn = Field(title="集群信息")
    planned_years: int = Field(POLICY.cultivation_default_years, title="计划培育年限",
                               description=f"辅导和培育期一般为 {POLICY.cultivation_min_years}–"
                                           f"{POLICY.cultivation_max_years} 年（§二(一)）（单位：年）",
                               ge=POLICY.cultivation_min_years, le=POLICY.cultivation_max_years,
                               json_schema_extra={"x-unit": "年"})

    def to_register(self) -> tuple[dict[str, Any], dict[str, Any]]:
        return self.cluster.plain(), {"stage": "cultivation", "planned_years": self.planned_years}


class ApplicationStart(Strict):
    """登记申请（§三(一)）：县级及以上政府提出的申请，由秘书处代为登记，今天起进入“申请”阶段。"""

    kind: Literal["application"] = Field(title="登记方式", description="application：登记申请")
    cluster: ClusterIn = Field(title="集群信息")
    route: RouteCode = Field(title="申请形式", description="§三(一) 的四种形式之一")
    bodies: list[Annotated[str, Field(min_length=1, max_length=NAME)]] = Field(
        default_factory=list, title="出具意见的单位",
        description="申请形式所列的行业协（学）会、中心和／或省级轻工行业组织的全称，每行一个；仅向联合会申请时不填",
        max_length=ITEMS)
    industry_history_years: float = unit("产业发展年限", "年", "特色产业的发展年限，须 5 年以上（§一(二)1(1)）",
                                         ge=POLICY.min_industry_history_years, le=5000)
    attachments: list[Annotated[str, Field(min_length=1, max_length=NAME)]] | None = Field(
        None, title="申请材料清单",
        description=f"附件二、附件三的材料名称，每行一个，须含：{'、'.join(POLICY.required_attachments)}；不填视为齐全",
        max_length=ITEMS)

    def to_register(self) -> tuple[dict[str, Any], dict[str, Any]]:
        application: dict[str, Any] = {"route": self.route, "bodies": list(self.bodies),
                                       "industry_history_years": self.industry_history_years}
        if self.attachments is not None:
            application["attachments"] = list(self.attachments)
        return self.cluster.plain(), {"stage": "applied", "application": application}


class EvaluationIn(Strict):
    """上次考评（初评或最近一次复评）的指标：复评时考评报告与之比较（附件四 二）。至少填一项指标。"""

    evaluated_on: date | None = Field(None, title="上次考评日期", description="专家组现场考评的日期，不晚于发文日期",
                                      ge=EARLIEST)
    national_rank: int | None = Field(None, title="全国排名", description="主导产品产量、产值、销售额或出口额的全国排名（单位：位）",
                                      ge=1, le=1000, json_schema_extra={"x-unit": "位"})
    output: float | None = unit("产量", "主导产品的计量单位", "主导产品产量，如万件、万吨", ge=0, le=FIGURE_MAX, default=None)
    value: float | None = unit("产值", "亿元", "工业总产值", ge=0, le=FIGURE_MAX, default=None)
    sales: float | None = unit("销售额", "亿元", "销售量（额）", ge=0, le=FIGURE_MAX, default=None)
    exports: float | None = unit("出口额", "万美元", "出口额", ge=0, le=FIGURE_MAX, default=None)
    firms: int | None = unit("企业数", "个", "集群内企业数量", ge=0, le=FIGURE_MAX, default=None)
    employees: int | None = unit("从业人员", "人", "集群从业人员", ge=0, le=FIGURE_MAX, default=None)

    def plain(self) -> dict[str, Any]:
        indicators = {k: getattr(self, k) for k in POLICY.reevaluation_comparison_indicators
                      if getattr(self, k, None) is not None}
        out: dict[str, Any] = {"indicators": indicators}
        if self.national_rank is not None:
            out["national_rank"] = self.national_rank
        if self.evaluated_on is not None:
            out["evaluated_on"] = self.evaluated_on.isoformat()
        return out


class OnboardingStart(Strict):
    """导入已授名称号：按联合发文日期起算有效期，年度报告、复评申请、到期和年度认定从今天的实际位置开始；已过期的进入“到期未复评”。"""

    kind: Literal["onboarding"] = Field(title="登记方式", description="onboarding：导入已授名称号")
    cluster: ClusterIn = Field(title="集群信息")
    conferred_on: date = Field(title="授名发文日期",
                               description="中国轻工业联合会与行业协会联合发文的日期；有效期四年自此起算（§二(二)、§三(四)）",
                               ge=EARLIEST)
    document_number: str = Field(title="发文文号", description="联合发文的文号，如 中轻联综合〔2023〕88号", min_length=1,
                                 max_length=NAME)
    title: str = Field("", title="授予的称号", description="发文中授予的称号全文，如 中国陶瓷之都·佛山；留空时按集群信息组成",
                       max_length=NAME)
    evaluation: EvaluationIn = Field(default_factory=EvaluationIn, title="上次考评",
                                     description="上次考评的指标，复评时据此比较；至少填一项指标")

    def to_register(self) -> tuple[dict[str, Any], dict[str, Any]]:
        return self.cluster.plain(), {"stage": "designated", "on": self.conferred_on.isoformat(),
                                      "title": self.title, "document_number": self.document_number,
                                      "evaluation": self.evaluation.plain()}


StartRequest = Annotated[Union[CultivationStart, ApplicationStart, OnboardingStart], Field(discriminator="kind")]
START_SCHEMAS: dict[str, type[Strict]] = {"cultivation": CultivationStart, "application": ApplicationStart,
                                          "onboarding": OnboardingStart}
_ADAPTER: TypeAdapter[Any] = TypeAdapter(StartRequest)


# ---------------------------------------------------------------- refusals in Chinese

_MESSAGES = {  # the kernel's wording, and the start's own union of kinds
    **MESSAGES,
    "union_tag_invalid": "应为 cultivation（纳入培育）、application（登记申请）或 onboarding（导入已授名称号）",
    "union_tag_not_found": "须写明 kind：cultivation、application 或 onboarding",
}


def _title_path(model: Any, loc: tuple[Any, ...]) -> tuple[str, str]:
    """The Chinese titles along an error's location, and the last field's name."""
    names: list[str] = []
    last = ""
    current: Any = model
    if loc and str(loc[0]) in START_SCHEMAS:  # a union's tag names the schema it tried
        current, loc = START_SCHEMAS[str(loc[0])], loc[1:]
    for part in loc:
        if isinstance(part, int):
            names.append(f"第 {part + 1} 项")
            continue
        part = str(part)
        fields = getattr(current, "model_fields", {}) if current is not None else {}
        f = fields.get(part)
        if f is None:
            names.append(part)
            current = None
            last = part
            continue
        names.append(f.title or part)
        last = part
        ann = f.annotation
        current = ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None
    return "·".join(names) or "登记数据", last


def refusal(e: ValidationError, model: Any = None) -> DomainError:
    """The first problem as a domain refusal: the field's Chinese title and what is wrong,
    with the rule's code where the field is one a rule owns (planned years, route, tier…)."""
    err = e.errors(include_url=False)[0]
    where, last = _title_path(model, tuple(err.get("loc", ())))
    ctx = dict(err.get("ctx") or {})
    ctx = {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in ctx.items()}
    if "expected" in ctx:
        ctx["expected"] = str(ctx["expected"]).replace("'", "").replace(" or ", "、").replace(", ", "、")
    template = _MESSAGES.get(err["type"])
    try:
        what = template.format(**ctx) if template else err.get("msg", "无效")
    except (KeyError, IndexError):
        what = err.get("msg", "无效")
    code = FIELD_CODES.get(last, "invalid_data")
    empty = err["type"] in ("missing", "string_too_short")
    # a missing route or years is incomplete data, not a breach of the rule; a document
    # number is the other way round: only its absence is the rule's refusal
    if empty != (last == "document_number"):
        code = "invalid_data"
    more = len(e.errors()) - 1
    tail = f"（另有 {more} 处问题）" if more > 0 else ""
    return DomainError(code, f"{where}：{what}{tail}")


def parse_start(data: Any) -> CultivationStart | ApplicationStart | OnboardingStart:
    """A start request from plain data (API body, CLI file, form, XLSX row), refused in Chinese."""
    if not isinstance(data, dict):
        raise DomainError("invalid_data", "登记数据应为对象：{kind, cluster, …}")
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as e:
        kind = data.get("kind")
        raise refusal(e, START_SCHEMAS.get(kind) if isinstance(kind, str) else None) from None


def parse_as(model: type[Strict], data: Any) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise refusal(e, model) from None


# ---------------------------------------------------------------- flattening (forms, XLSX)


def flat_fields(model: type[BaseModel], prefix: str = "") -> list[tuple[str, Any]]:
    """Every leaf field of a schema with its dotted name (``cluster.region.province``), in
    declaration order: the console form's inputs and the XLSX template's columns."""
    out: list[tuple[str, Any]] = []
    for name, f in model.model_fields.items():
        if name == "kind":
            continue
        ann = f.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out += flat_fields(ann, f"{prefix}{name}.")
        else:
            out.append((f"{prefix}{name}", f))
    return out


def header(f: Any) -> str:
    """A column's or an input's Chinese label: the title with its unit, declared once."""
    extra = f.json_schema_extra if isinstance(f.json_schema_extra, dict) else {}
    u = extra.get("x-unit")
    return f"{f.title}（{u}）" if u else str(f.title)


def choices_of(f: Any) -> dict[str, str] | None:
    """The allowed values of a select (a Literal field), with their Chinese labels."""
    from typing import get_args, get_origin

    ann = f.annotation
    args = get_args(ann)
    if get_origin(ann) is Literal:
        values = args
    elif get_origin(ann) is list and args and get_origin(args[0]) is Literal:
        values = get_args(args[0])
    else:
        return None
    name = next((k for k, v in CHOICES.items() if set(v) == set(values)), None)
    labels = CHOICES.get(name, {}) if name else {}
    return {str(v): labels.get(str(v), str(v)) for v in values}


def is_list(f: Any) -> bool:
    from typing import get_args, get_origin

    ann = f.annotation
    if get_origin(ann) is list:
        return True
    return any(get_origin(a) is list for a in get_args(ann))


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    """``{"cluster.region.province": "广东省"}`` → ``{"cluster": {"region": {"province": …}}}``."""
    out: dict[str, Any] = {}
    for dotted, value in flat.items():
        node = out
        *parents, leaf = dotted.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value
    return out
