"""How a lifecycle may start, beyond what ``Lifecycle.start`` decides (issue 10, RULES.md
program 1): who may start which kind, and the plain-data check of an onboarded title's last
evaluation (附件四 二: a re-evaluation compares each indicator with the previous evaluation,
so an onboarded title brings the figures it will be compared with).

Pure: the typed request schemas live in ``service.cnlic.starts``; this module keeps the rules.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any, Iterable, Mapping

from domain.calendar import parse_date
from domain.errors import DomainError
from domain.limits import check_name
from domain.cnlic.model import Role, Stage
from domain.cnlic.policy import Policy

# the three ways a lifecycle starts, as requests name them, and the stage each begins in
START_KINDS: Mapping[str, Stage] = {
    "cultivation": Stage.CULTIVATION,
    "application": Stage.APPLIED,
    "onboarding": Stage.DESIGNATED,
}
START_LABELS = {"cultivation": "纳入培育", "application": "登记申请", "onboarding": "导入已授名称号"}


def check_may_start(role: str, industries: Iterable[str], kind: str, industry: str) -> None:
    """Who may start a lifecycle (RULES.md "Who may do what").

    - file application: the applicant government or the secretariat on its behalf. An applicant
      government's scope is its own clusters, which do not exist before registration, so the
      console registers applications through the secretariat only.
    - cultivation (§二(一)): CNLIC *and the associations* guide and cultivate clusters, so an
      association may take a cluster of one of its industries into cultivation.
    - onboarding an existing title: a record of CNLIC's own programme, the secretariat's.
    """
    if kind not in START_KINDS:
        raise DomainError("invalid_start", f"登记方式“{kind}”无效，应为 {'、'.join(START_KINDS)} 之一")
    label = START_LABELS[kind]
    if role == Role.SECRETARIAT:
        return
    if role == Role.ASSOCIATION and kind == "cultivation":
        if industry not in set(industries):
            raise DomainError("out_of_scope", f"“{industry}”不是本协会负责的行业，不能将该集群纳入培育（§二(一)）")
        return
    if role == Role.AUDITOR:
        raise DomainError("read_only", f"审计账号只能查阅，不能{label}")
    who = "综合业务部（秘书处）或行业协（学）会、中心（本行业）" if kind == "cultivation" else "综合业务部（秘书处）"
    try:
        role_label = Role(role).label
    except ValueError:
        role_label = role
    raise DomainError("role_not_allowed", f"“{label}”只能由{who}办理，{role_label}无此权限")


def check_evaluation(policy: Policy, data: Any, conferred_on: date) -> dict[str, Any]:
    """The figures of an onboarded title's last evaluation: the indicators a re-evaluation's
    site report compares (policy.reevaluation_comparison_indicators), at least one of them,
    each a finite number ≥ 0; the main product's national rank; the evaluation's date, not
    after the conferral. Returns them JSON-ready (the journal and the state keep them)."""
    if not isinstance(data, Mapping):
        raise DomainError("invalid_data", "上次考评数据应为对象（evaluation）")
    raw = data.get("indicators") or {}
    if not isinstance(raw, Mapping):
        raise DomainError("invalid_data", "上次考评指标应为对象（indicators）")
    unknown = sorted(set(raw) - set(policy.reevaluation_comparison_indicators))
    if unknown:
        raise DomainError("indicator_unknown", f"上次考评没有这些指标：{', '.join(map(str, unknown))}")
    indicators: dict[str, float] = {}
    for key in policy.reevaluation_comparison_indicators:
        value = raw.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise DomainError("indicator_invalid", f"上次考评指标 {key} 应为不小于 0 的数，收到“{value}”")
        indicators[key] = float(value)
    if not indicators:
        raise DomainError(
            "evaluation_figures_missing",
            "导入已授名称号须填写上次考评的指标（产量、产值、销售额、出口额、企业数、从业人员至少一项），"
            "复评时据此比较增减（附件四 二）",
        )
    out: dict[str, Any] = {"indicators": indicators}
    rank = data.get("national_rank")
    if rank is not None:
        if isinstance(rank, bool) or not isinstance(rank, int) or rank < 1:
            raise DomainError("invalid_data", f"主导产品全国排名应为不小于 1 的整数，收到“{rank}”")
        out["national_rank"] = rank
    evaluated = data.get("evaluated_on")
    if evaluated is not None:
        day = parse_date(evaluated, "上次考评日期")
        if day > conferred_on:
            raise DomainError("invalid_date", f"上次考评日期 {day} 晚于授名发文日期 {conferred_on}：考评应在发文之前")
        out["evaluated_on"] = day.isoformat()
    return out


def check_document_number(number: str) -> str:
    number = (number or "").strip()
    if not number:
        raise DomainError("document_number_missing", "导入已授名称号须写明共建授名联合发文的文号（§三(四)）")
    return check_name(number, "发文文号")
