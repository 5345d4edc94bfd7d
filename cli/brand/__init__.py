"""``designation brand …``: program 4 from the command line, through the same service layer as the
API (the token's user, the same scope, schemas and refusals: one line with the rule's code and
message, exit 2). Forms are ``--data`` files (YAML/JSON) or, for the tabular ones, the XLSX.

    designation brand list [--stage pilot] [--json]
    designation brand show KEY [--json]
    designation brand file --data 申报书.yaml|.xlsx --key KEY
    designation brand act KEY ACTION --data data.yaml      # 年度总结报告 may be the .xlsx
    designation brand batch [--json]                       # the MIIT batch (MIIT, auditor)
    designation brand hold-batch --data batch.yaml         # {batch_id, decisions: {key: approve|refuse|defer}}
    designation brand template summary|application --out F.xlsx
    designation brand experiences --out 名单.docx
    designation brand record-histories [--examples examples/brand] [--out tests/histories]
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path
from typing import Any, AsyncIterator

import typer

from cli.main import CliError

brand_app = typer.Typer(help="产业集群区域品牌建设试点示范（工业和信息化部）：试点、批次、表单", no_args_is_help=True)
TOKEN = typer.Option(None, "--token", envvar="DESIGNATION_TOKEN", help="API 令牌（或环境变量 DESIGNATION_TOKEN）")


def register(app: typer.Typer) -> None:
    app.add_typer(brand_app, name="brand")


@contextlib.asynccontextmanager
async def _service(token: str | None) -> AsyncIterator[tuple[Any, Any]]:
    from cli.cnlic.console_commands import temporal_client, token_user
    from service.brand.pilots import BrandService

    users, user = token_user(token)
    client, settings = await temporal_client()
    yield BrandService(client, users.engine, task_queue=settings.task_queue), user


def _read(path: str, xlsx_reader: Any = None) -> Any:
    from cli.cnlic.console_commands import _read_data

    if xlsx_reader is not None and path.lower().endswith(".xlsx"):
        try:
            content = Path(path).read_bytes()
        except OSError as e:
            raise CliError(f"{path}: 无法读取（{e.__class__.__name__}）") from None
        return xlsx_reader(content)
    return _read_data(path)


def _json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, default=str))


@brand_app.command("list")
def list_pilots(stage: str = typer.Option(None, "--stage"), token: str = TOKEN,
                as_json: bool = typer.Option(False, "--json")) -> None:
    """试点列表（令牌所属用户的范围）。"""
    from domain.brand.labels import stage_label

    async def go():
        async with _service(token) as (svc, user):
            return svc.list(user, stage=stage)

    rows = asyncio.run(go())
    if as_json:
        _json([{"key": r.key, "name": r.name, "province": r.province, "stage": r.stage, "batch_id": r.batch_id,
                "titles": r.titles, "valid_until": r.valid_until} for r in rows])
        return
    for r in rows:
        titles = "、".join(t["title"] for t in r.titles) or "—"
        typer.echo(f"{r.key}\t{r.name}\t{r.province}\t{stage_label(r.stage)}\t{r.batch_id or '—'}\t{titles}")


@brand_app.command("show")
def show(key: str, token: str = TOKEN, as_json: bool = typer.Option(False, "--json")) -> None:
    """一个试点：阶段、时限、称号决定的依据、日志。"""
    from domain.brand.labels import deadline_label, describe_event, event_label, stage_label
    from store.brand import repo

    async def go():
        async with _service(token) as (svc, user):
            return await svc.view(user, key), repo.journal(svc.engine, f"brand.{key}")

    view, events = asyncio.run(go())
    if as_json:
        _json({"key": key, "stage": view.stage, "snapshot": view.snapshot, "decision": view.decision,
               "deadlines": [vars(d) for d in view.deadlines]})
        return
    typer.echo(f"{key}：{stage_label(view.stage)}")
    for d in view.deadlines:
        typer.echo(f"  时限 {deadline_label(d.what)} 截止 {d.due}{'（已逾期）' if d.overdue else ''}")
    for d in view.decision:
        typer.echo(f"  {d['industry']}：{'授予 ' + d['title'] if d['granted'] else '不授予'}")
        for c in d["conditions"]:
            typer.echo(f"    {'✓' if c['met'] else '✗'} {c['label']}：{c['evidence']}")
    for e in events[-30:]:
        typer.echo(f"  {e.on} {event_label(e.kind)} {describe_event(e.kind, e.data)}")


@brand_app.command("file")
def file(key: str = typer.Option(..., "--key", help="新试点的编号"),
         data: str = typer.Option(..., "--data", help="申报书（YAML/JSON，或申报书模板 .xlsx）"), token: str = TOKEN) -> None:
    """提交试点申报书（组织实施单位或市、县人民政府）。"""
    from service.brand.xlsx import read_application_workbook

    application = _read(data, read_application_workbook)

    async def go():
        async with _service(token) as (svc, user):
            return await svc.file(user, {"key": key, "application": application})

    filed = asyncio.run(go())
    typer.echo(f"已提交申报书：{filed.key}（工作流 {filed.workflow_id}），待市、县人民政府盖章")


@brand_app.command("act")
def act(key: str, action: str, data: str = typer.Option(None, "--data", help="操作数据（YAML/JSON；年度总结报告亦可用 .xlsx）"),
        token: str = TOKEN) -> None:
    """以令牌所属用户的身份办理一项操作；被规则拒绝时打印规则代码和说明，退出码 2。"""
    from domain.brand.labels import action_label, stage_label
    from service.brand import forms
    from service.brand.xlsx import read_summary_workbook

    payload = _read(data, read_summary_workbook if action == "submit_summary" else None) if data else {}
    forms.parse_action(action, payload)  # the schema before connecting: one Chinese line naming the field

    async def go():
        async with _service(token) as (svc, user):
            return await svc.act(user, key, action, payload)

    result = asyncio.run(go())
    typer.echo(f"已办理 {action_label(action)}：{key} 现为“{stage_label(result.stage)}”")


@brand_app.command("batch")
def batch(token: str = TOKEN, as_json: bool = typer.Option(False, "--json")) -> None:
    """当前批次与各省本年推荐数（工业和信息化部、审计）。"""
    from domain.brand.access import check_read_all

    async def go():
        async with _service(token) as (svc, user):
            check_read_all(user)
            return await svc.batch_view()

    view = asyncio.run(go())
    if view is None:
        typer.echo("尚无批次（还没有省级推荐）")
        return
    if as_json:
        _json({"current": view.current, "closed": view.closed, "members": view.members, "overdue": view.overdue,
               "recommended": view.recommended})
        return
    typer.echo(f"当前批次 {view.current}：{'已截止' if view.closed else '受理中'}；名单：{'、'.join(view.members) or '—'}")
    for k, keys in view.recommended.items():
        typer.echo(f"  {k.replace('|', ' ')} 年推荐 {len(keys)} 家：{'、'.join(keys)}")


@brand_app.command("hold-batch")
def hold_batch(data: str = typer.Option(..., "--data", help="{batch_id, held_on?, decisions: {试点编号: approve|refuse|defer}}"),
               token: str = TOKEN) -> None:
    """录入批次论证评审（工业和信息化部）。"""
    from domain.brand.labels import DECISION_LABELS

    payload = _read(data)

    async def go():
        async with _service(token) as (svc, user):
            return await svc.hold_batch(user, payload)

    result = asyncio.run(go())
    typer.echo(f"已录入 {result.batch_id} 批次论证评审：" +
               "；".join(f"{k} {DECISION_LABELS.get(v, v)}" for k, v in result.decisions.items()))


@brand_app.command("template")
def template(name: str = typer.Argument(..., help="summary（年度总结报告）或 application（申报书）"),
             out: Path = typer.Option(..., "--out")) -> None:
    """下载表单的 XLSX 模板（按表单原样式）。"""
    from service.brand.xlsx import application_workbook, summary_workbook

    if name not in ("summary", "application"):
        raise CliError("模板应为 summary 或 application")
    out.write_bytes(summary_workbook(None) if name == "summary" else application_workbook(None))
    typer.echo(f"已写入 {out}")


@brand_app.command("experiences")
def experiences(out: Path = typer.Option(..., "--out"), token: str = TOKEN) -> None:
    """区域品牌建设典型经验推荐名单（DOCX）。"""
    from service.brand.documents import experience_docx

    async def go():
        async with _service(token) as (svc, user):
            return experience_docx(svc.engine, await svc.today())

    out.write_bytes(asyncio.run(go()))
    typer.echo(f"已写入 {out}")


@brand_app.command("record-histories")
def record_histories(examples: Path = typer.Option(Path("examples/brand"), "--examples"),
                     out: Path = typer.Option(Path("tests/histories"), "--out")) -> None:
    """运行 examples/brand 中的场景，把各工作流的历史写入 tests/histories/brand-<场景>/（重放测试的语料）。"""
    from service.brand.simulate import record

    async def go():
        written = []
        for path in sorted(examples.glob("*.yaml")):
            written += await record(path, out)
        return written

    written = asyncio.run(go())
    typer.echo(f"已写入 {len(written)} 个历史文件")
