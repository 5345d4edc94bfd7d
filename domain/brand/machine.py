"""A pilot's life as one ``transitions`` table (RULES.md program 4): application → city/county
seal → provincial review → MIIT batch → pilot → evaluation → demonstration zone → re-review or
lapse; revocation. ``auto_transitions=False``: nothing moves a pilot except a row of this table.

The table answers: may this trigger fire in this stage, which roles may ask for it, and where it
leads. Data rules live in ``domain.brand.rules``; the aggregate ``domain.brand.pilot`` combines both;
who (which person, which scope) is ``domain.brand.access``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from transitions import Machine


class Stage(StrEnum):
    APPLIED = "applied"
    SEALED = "sealed"
    RECOMMENDED = "recommended"
    PILOT = "pilot"
    EVALUATION_APPLIED = "evaluation_applied"
    MATERIAL_REVIEW = "material_review"
    DEFENCE_REVIEW = "defence_review"
    DEMONSTRATION = "demonstration"
    LAPSED = "lapsed"
    REVOKED = "revoked"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self.value]


STAGE_LABELS: dict[str, str] = {
    "applied": "申报（待市县人民政府盖章）",
    "sealed": "市县已盖章（待省级审查推荐）",
    "recommended": "省级已推荐（待工业和信息化部批次评审）",
    "pilot": "试点实施中",
    "evaluation_applied": "申请评价（待省级推荐意见）",
    "material_review": "资料评审",
    "defence_review": "答辩评审",
    "demonstration": "示范区（称号有效）",
    "lapsed": "称号期满失效",
    "revoked": "称号已撤销",
    "refused": "未批准为试点",
    "withdrawn": "已撤回申报",
}

TERMINAL = frozenset({Stage.LAPSED, Stage.REVOKED, Stage.REFUSED, Stage.WITHDRAWN})
REVIEW_STAGES = (Stage.EVALUATION_APPLIED, Stage.MATERIAL_REVIEW, Stage.DEFENCE_REVIEW)
# stages in which the yearly summary report and supervision record are owed
RUNNING = (Stage.PILOT, *REVIEW_STAGES, Stage.DEMONSTRATION)

BODY = "implementing_body"  # the applicant side (a city/county government applying itself: access.py)
LOCAL = "local_government"
PROVINCE = "province_department"
MIIT = "miit_reviewer"
EXPERT = "expert"
SYSTEM = "system"

S = Stage


@dataclass(frozen=True)
class Row:
    trigger: str
    sources: tuple[Stage, ...]
    dest: Stage | None  # None: the stage does not change
    roles: tuple[str, ...]


def _row(trigger: str, sources, dest, roles) -> Row:
    return Row(trigger, tuple(sources), dest, tuple(roles))


TABLE: tuple[Row, ...] = (
    # §三(三) application, seal, provincial review
    _row("revise_application", [S.APPLIED], None, [BODY]),
    _row("seal_application", [S.APPLIED], S.SEALED, [LOCAL]),
    _row("return_application", [S.SEALED], S.APPLIED, [PROVINCE]),
    _row("recommend", [S.SEALED], S.RECOMMENDED, [PROVINCE]),
    _row("withdraw", [S.APPLIED, S.SEALED, S.RECOMMENDED], S.WITHDRAWN, [BODY]),
    # §三(四) the MIIT batch (the batch workflow's decisions)
    _row("batch_approve", [S.RECOMMENDED], S.PILOT, [SYSTEM]),
    _row("batch_refuse", [S.RECOMMENDED], S.REFUSED, [SYSTEM]),
    _row("batch_defer", [S.RECOMMENDED], None, [SYSTEM]),
    # §三(六) the yearly summary and the province's supervision
    _row("submit_summary", RUNNING, None, [BODY]),
    _row("record_supervision", RUNNING, None, [PROVINCE]),
    # §三(六) evaluation (seeds/003), and the re-review run like one (§三(七)3)
    _row("apply_evaluation", [S.PILOT], S.EVALUATION_APPLIED, [BODY]),
    _row("apply_rereview", [S.DEMONSTRATION], S.EVALUATION_APPLIED, [BODY]),
    _row("recommend_evaluation", [S.EVALUATION_APPLIED], S.MATERIAL_REVIEW, [PROVINCE]),
    _row("return_evaluation", [S.EVALUATION_APPLIED], None, [PROVINCE]),  # dest by procedure: pilot | demonstration
    _row("assign_experts", [S.MATERIAL_REVIEW, S.DEFENCE_REVIEW], None, [MIIT]),
    _row("record_material_review", [S.MATERIAL_REVIEW], None, [EXPERT, MIIT]),
    _row("shortlist", [S.MATERIAL_REVIEW], None, [MIIT]),  # dest: defence review, or back when not shortlisted
    _row("record_defence_review", [S.DEFENCE_REVIEW], None, [EXPERT, MIIT]),
    _row("decide_title", [S.DEFENCE_REVIEW], None, [MIIT]),  # dest computed: demonstration, pilot or lapsed
    # §三(七)3 validity and revocation
    _row("expire", [S.DEMONSTRATION], S.LAPSED, [SYSTEM]),
    _row("revoke", [S.DEMONSTRATION, *REVIEW_STAGES], S.REVOKED, [MIIT]),
)

ACTION_LABELS: dict[str, str] = {
    "file_application": "提交试点申报书",
    "revise_application": "修改申报书",
    "seal_application": "市县人民政府同意并盖章",
    "return_application": "退回申报单位修改",
    "recommend": "省级审查推荐",
    "withdraw": "撤回申报",
    "batch_approve": "部批次评审批准试点",
    "batch_refuse": "部批次评审不予批准",
    "batch_defer": "转入下一批次",
    "submit_summary": "提交年度总结报告",
    "record_supervision": "录入年度监督检查",
    "apply_evaluation": "申请试点工作评价",
    "apply_rereview": "申请示范区复审",
    "recommend_evaluation": "出具评价推荐意见",
    "return_evaluation": "不予推荐评价",
    "assign_experts": "指定评审专家",
    "record_material_review": "录入资料评审打分",
    "shortlist": "确定答辩名单",
    "record_defence_review": "录入答辩评审打分",
    "decide_title": "作出示范区称号决定",
    "expire": "称号有效期届满",
    "revoke": "撤销示范区称号",
    "hold_batch": "召开批次论证评审",
}

STAFF_ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(r.trigger for r in TABLE if SYSTEM not in r.roles))


class _Model:
    def __init__(self, stage: Stage) -> None:
        self.state = stage.value


def _machine(stage: Stage) -> tuple[Machine, _Model]:
    model = _Model(stage)
    machine = Machine(model=model, states=[s.value for s in Stage], initial=stage.value, auto_transitions=False,
                      send_event=False)
    for row in TABLE:
        dest = row.dest.value if row.dest is not None else None
        machine.add_transition(row.trigger, [s.value for s in row.sources], dest)
    return machine, model


def may(trigger: str, stage: Stage | str) -> bool:
    """Whether the table lets ``trigger`` fire in ``stage`` (any role)."""
    machine, model = _machine(Stage(stage))
    return getattr(model, f"may_{trigger}", lambda: False)()


def rows_for(trigger: str) -> list[Row]:
    return [r for r in TABLE if r.trigger == trigger]


def roles_for(trigger: str, stage: Stage | str) -> tuple[str, ...]:
    stage = Stage(stage)
    return tuple(dict.fromkeys(role for r in rows_for(trigger) if stage in r.sources for role in r.roles))


def actions_in(stage: Stage | str) -> list[str]:
    stage = Stage(stage)
    return [a for a in STAFF_ACTIONS if any(stage in r.sources for r in rows_for(a))]


def dest_of(trigger: str, stage: Stage | str) -> Stage | None:
    stage = Stage(stage)
    for r in rows_for(trigger):
        if stage in r.sources:
            return r.dest
    return None
