"""``designation demo-round``: program 2's selection rounds from the command line."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any, AsyncIterator

import typer

from cli.cnlic.console_commands import TOKEN, _echo_json, _read_data, _service, _table
from cli.main import CliError

round_app = typer.Typer(help="创新升级示范评选：开始评选、推荐、初审、投票、公示、异议、批准、表彰", no_args_is_help=True)
DATA = typer.Option(..., "--data", help="数据文件（YAML 或 JSON，- 为标准输入），格式同 API")
AS_JSON = typer.Option(False, "--json", help="输出 JSON")

# command → the round's step it sends
STEP_COMMANDS = {
    "quotas": ("set_quotas", "调整各行业推荐名额（合计不超过上限）"),
    "recommend": ("recommend", "行业推荐：推荐表（及有关宣传资料），只能推荐本行业的共建集群"),
    "close": ("close_recommendation", "结束推荐、开始初审（推荐截止前结束须用 --data 写明 reason）"),
    "review": ("review", "初审一个候选集群：通过，或不通过并写明理由"),
    "complete": ("complete_first_review", "形成初审建议名单，提交审核委员会"),
    "vote": ("record_vote", "记录审核委员会到会委员和每个集群的赞成、反对、弃权票"),
    "notice": ("publish_notice", "网上公示建议名单"),
    "objection": ("record_objection", "记录公示期间收到的异议"),
    "resolve": ("resolve_objection", "处理异议：成立（移出建议名单）或不成立，写明理由"),
    "approve": ("approve", "会领导审核批准（公示期满、异议均已处理、不超过上限）"),
    "commend": ("commend", "大会表彰：表彰文件文号和日期；荣誉记入各集群"),
}


@contextlib.asynccontextmanager
async def _rounds(token: str | None) -> AsyncIterator[tuple[Any, Any]]:
    from service.demonstration.rounds import RoundService

    async with _service(token) as (console, user):
        lc = console.lifecycle
        yield RoundService(lc.client, console.engine, task_queue=lc.task_queue), user


def _run(coro_fn) -> Any:
    return asyncio.run(coro_fn())


@round_app.command("open")
def open_round(data: str = DATA, token: str = TOKEN, as_json: bool = AS_JSON) -> None:
    """开始评选（综合业务部）：评选编号、大会日期、推荐截止日期、各行业名额；上限按今天有效的共建称号计算。"""
    payload = _read_data(data)

    async def go():
        async with _rounds(token) as (rounds, user):
            return await rounds.open(payload, user)

    o = _run(go)
    if as_json:
        _echo_json({"key": o.key, "workflow_id": o.workflow_id, "valid_titles": o.valid_titles, "cap": o.cap})
    else:
        typer.echo(f"已开始评选 {o.key}：有效共建称号 {o.valid_titles} 个，评选上限 {o.cap} 个；工作流 {o.workflow_id}")


def _step_command(name: str, action: str, doc: str) -> None:
    needs_data = action not in ("close_recommendation", "complete_first_review", "approve")

    def command(key: str = typer.Argument(..., help="评选编号"),
                data: str = typer.Option(None if not needs_data else ..., "--data",
                                         help="数据文件（YAML 或 JSON，- 为标准输入），格式同 API"),
                token: str = TOKEN, as_json: bool = AS_JSON) -> None:
        from domain.demonstration.labels import action_label, stage_label

        payload = _read_data(data) if data else {}

        async def go():
            async with _rounds(token) as (rounds, user):
                return await rounds.act(key, action, payload, user)

        result = _run(go)
        if as_json:
            _echo_json({"action": result.action, "stage": result.stage,
                        "events": [{"seq": e.seq, "kind": e.kind, "data": e.data} for e in result.events]})
        else:
            typer.echo(f"已办理：{action_label(action)}；评选阶段：{stage_label(result.stage)}")

    command.__doc__ = doc
    round_app.command(name)(command)


for _name, (_action, _doc) in STEP_COMMANDS.items():
    _step_command(_name, _action, _doc)


@round_app.command("list")
def list_rounds(token: str = TOKEN, as_json: bool = AS_JSON) -> None:
    """列出评选。"""
    from domain.demonstration.labels import stage_label

    async def go():
        async with _rounds(token) as (rounds, user):
            return rounds.rounds(user)

    rows = _run(go)
    if as_json:
        for r in rows:
            _echo_json({"key": r.key, "title": r.title, "stage": r.stage, "opened_on": r.opened_on, "cap": r.cap,
                        "valid_titles": r.valid_titles})
        return
    table = [["评选编号", "名称", "阶段", "开始", "推荐截止", "大会", "有效称号", "上限"]]
    table += [[r.key, r.title, stage_label(r.stage), r.opened_on, r.recommendation_deadline, r.conference_on,
               r.valid_titles, r.cap] for r in rows]
    typer.echo(_table(table))


@round_app.command("show")
def show(key: str = typer.Argument(..., help="评选编号"), token: str = TOKEN, as_json: bool = AS_JSON,
         evidence: bool = typer.Option(False, "--evidence", help="列出每个候选集群每项申报条件的依据")) -> None:
    """一轮评选：阶段、上限与名额、候选集群（申报条件、初审、票数、是否批准）。"""
    from domain.demonstration.labels import condition_label, stage_label, status_label

    async def go():
        async with _rounds(token) as (rounds, user):
            return rounds.round(key, user), rounds.candidates(key, user)

    row, cands = _run(go)
    if as_json:
        _echo_json({"key": row.key, "title": row.title, "stage": row.stage, "cap": row.cap,
                    "valid_titles": row.valid_titles, "quotas": row.quotas, "snapshot": row.snapshot,
                    "candidates": [{"cluster_key": c.cluster_key, "association": c.association, "eligible": c.eligible,
                                    "failed": c.failed, "eligibility": c.eligibility, "reviewed": c.reviewed,
                                    "review_reason": c.review_reason, "yes": c.yes, "no": c.no, "abstain": c.abstain,
                                    "passed": c.passed, "removed_by": c.removed_by, "approved": c.approved,
                                    "honoured": c.honoured} for c in cands]})
        return
    typer.echo(f"{row.title}（{row.key}）：{stage_label(row.stage)}")
    typer.echo(f"开始 {row.opened_on}；推荐截止 {row.recommendation_deadline}；大会 {row.conference_on}")
    typer.echo(f"有效共建称号 {row.valid_titles} 个，上限 {row.cap} 个；名额："
               + ("、".join(f"{k} {v}" for k, v in row.quotas.items()) or "未分配"))
    table = [["集群", "推荐单位", "申报条件", "初审", "赞成/反对/弃权", "结果"]]
    for c in cands:
        cond = "符合" if c.eligible else "不符合：" + "、".join(condition_label(k) for k in c.failed)
        review = "—" if c.reviewed is None else ("通过" if c.reviewed else f"不通过（{c.review_reason}）")
        votes = "—" if c.yes is None else f"{c.yes}/{c.no}/{c.abstain}"
        end = "已表彰" if c.honoured else "已批准" if c.approved else (f"异议成立移出（{c.removed_by}）" if c.removed_by else
                                                                  ("未通过表决" if c.passed is False else ""))
        table.append([c.cluster_key, c.association, cond, review, votes, end])
    typer.echo(_table(table))
    if evidence:
        for c in cands:
            typer.echo(f"\n{c.cluster_key}：")
            for cond in c.eligibility.get("conditions", []):
                texts = "；".join(e["text"] + (f"（日志第 {e['seq']} 行）" if e.get("seq") else "") for e in cond["evidence"])
                typer.echo(f"  [{status_label(cond['status'])}] {condition_label(cond['key'])}（{cond['clause']}）：{texts}")


@round_app.command("violation")
def violation(cluster: str = typer.Argument(..., help="共建集群编号"), data: str = DATA, token: str = TOKEN) -> None:
    """在共建集群的记录中登记违规违法事件（date 发生日期、source 来源、reason 事由；综合业务部）。"""
    payload = _read_data(data)

    async def go():
        async with _rounds(token) as (rounds, user):
            return await rounds.record_violation(cluster, payload, user)

    result = _run(go)
    typer.echo(f"已记录：{cluster} 日志第 {result.events[-1].seq} 行" if result.events else "未改动")


@round_app.command("indicators-template")
def indicators_template(out: Path = typer.Option(Path("推荐表-主要指标.xlsx"), "--out", help="写到这个文件")) -> None:
    """写出推荐表“主要指标”部分的 XLSX 模板（推荐表的版式）。"""
    from service.demonstration.indicators_xlsx import template

    out.write_bytes(template())
    typer.echo(str(out))


@round_app.command("indicators-read")
def indicators_read(file: Path = typer.Argument(..., help="填好的主要指标 XLSX")) -> None:
    """读取填好的主要指标 XLSX，打印推荐表 indicators 部分（YAML 可直接放进 --data 文件）；有误时指明单元格。"""
    from service.demonstration.indicators_xlsx import read

    try:
        content = file.read_bytes()
    except OSError:
        raise CliError(f"无法读取 {file}") from None
    base_year, indicators = read(content)
    import yaml

    typer.echo(yaml.safe_dump({"base_year": base_year, "indicators": indicators}, allow_unicode=True, sort_keys=False))


@round_app.command("commendation")
def commendation(key: str = typer.Argument(..., help="评选编号"), out: Path = typer.Option(None, "--out"),
                 token: str = TOKEN) -> None:
    """写出表彰名单（DOCX）：经审核批准的创新升级示范特色区域和产业集群。"""
    from service.demonstration.documents import commendation_docx

    async def go():
        async with _rounds(token) as (rounds, user):
            return commendation_docx(rounds.engine, rounds.round(key, user))

    content = _run(go)
    target = out or Path(f"表彰名单-{key}.docx")
    target.write_bytes(content)
    typer.echo(str(target))


@round_app.command("record-histories")
def record_histories(
    examples: Path = typer.Option(Path("examples/demonstration"), "--examples", help="场景目录"),
    out: Path = typer.Option(Path("tests/histories"), "--out", help="写到这个目录下的 demonstration-<场景>/"),
) -> None:
    """推演每个评选示例场景，把各工作流的事件历史写入 tests/histories（重放测试的语料）。"""
    from service.demonstration.record import record_examples

    written = asyncio.run(record_examples(examples, out))
    typer.echo(f"已写入 {len(written)} 个历史文件")
