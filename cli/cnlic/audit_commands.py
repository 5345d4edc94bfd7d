"""Audit commands (replay, verify, export, record-histories) and calendar revisions
(``deadlines recompute``) of the ``designation`` CLI."""

from __future__ import annotations

import asyncio
import getpass
import json
from pathlib import Path

import typer

from cli.main import app, quiet_imports
from domain.cnlic import labels

audit_app = typer.Typer(help="审计：重放历史、校验日志、导出证据包", no_args_is_help=True)
deadlines_app = typer.Typer(help="时限：节假日安排调整后重新计算", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
app.add_typer(deadlines_app, name="deadlines")


def _who(by: str) -> str:
    return by or f"cli:{getpass.getuser()}"


async def _connect(required: bool = True):
    from service.runtime import RuntimeProblem, Settings, connect
    from store.db import database_url, make_engine, migrate

    engine = make_engine(database_url())
    migrate(engine)
    try:
        client = await connect(Settings.for_client(), attempts=3)
    except RuntimeProblem:
        if required:
            raise
        client = None
    return client, engine


def _run(coro):
    from service.runtime import START_HINT, RuntimeProblem

    from cli.main import CliError

    try:
        return asyncio.run(coro)
    except RuntimeProblem as e:
        raise CliError(f"{e}。{START_HINT}") from None


@audit_app.command("replay")
def replay(
    cluster: str = typer.Argument(..., help="集群编号"),
    as_json: bool = typer.Option(False, "--json"),
    by: str = typer.Option("", "--by", help="审计人（默认为当前系统用户）"),
) -> None:
    """重放该集群每一次运行的事件历史，并与存储日志逐条比对。"""
    with quiet_imports():
        from audit.service import AuditService

    async def go():
        client, engine = await _connect()
        return await AuditService(client, engine).replay(cluster, _who(by))

    report = _run(go())
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, default=str))
    else:
        typer.echo(f"{cluster}：{len(report.runs)} 次运行，耗时 {report.elapsed_ms:.0f} ms")
        for run in report.runs:
            state = "重放通过" if run.ok else f"重放失败（非确定性）：{run.error}"
            typer.echo(f"  运行 {run.run_id}  {run.history_events} 个历史事件  {state}")
        if report.agrees:
            typer.echo(f"  历史推导的时间线（{len(report.timeline)} 条）与日志（{report.journal_rows} 行）逐条一致")
        else:
            typer.echo(f"  时间线与日志有 {len(report.differences)} 处不一致：")
            for d in report.differences:
                typer.echo(f"    第 {d.seq} 条 {d.field}：历史 {d.history!r}，日志 {d.journal!r}")
        if report.verification:
            typer.echo("  " + report.verification.summary())
        from audit.export import timeline_rows

        typer.echo("  时间线（从历史推导）：")
        for row in timeline_rows(report):
            typer.echo(f"    {row[0]:>4} {row[1]} {row[2]:<6} {row[4]:<12} {row[5]}")
    raise typer.Exit(0 if report.ok else 1)


@audit_app.command("verify")
def verify(
    cluster: str = typer.Argument(None, help="集群编号；省略时用 --all"),
    all_clusters: bool = typer.Option(False, "--all", help="校验全部集群"),
    as_json: bool = typer.Option(False, "--json"),
    by: str = typer.Option("", "--by"),
) -> None:
    """校验日志哈希链和工作流记录的末端，指出第一处被改动的行。"""
    with quiet_imports():
        from audit.service import AuditService
    from cli.main import CliError

    if not cluster and not all_clusters:
        raise CliError("请给出集群编号，或用 --all 校验全部集群")

    async def go():
        client, engine = await _connect(required=False)
        return await AuditService(client, engine).verify(cluster, _who(by)), client is not None

    reports, with_history = _run(go())
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in reports], ensure_ascii=False))
    else:
        if not with_history:
            typer.echo("（未连接 Temporal：只校验了哈希链，未能与工作流记录的末端比对截断）")
        for r in reports:
            typer.echo(r.summary())
            for p in r.problems[1:]:
                typer.echo(f"    另：第 {p.seq} 行 {p.message}")
    raise typer.Exit(0 if all(r.ok for r in reports) else 1)


@audit_app.command("export")
def export(
    cluster: str = typer.Argument(..., help="集群编号"),
    out: Path = typer.Option(None, "--out", help="证据包路径（默认 evidence-<集群>.zip）"),
    by: str = typer.Option("", "--by"),
) -> None:
    """导出证据包：原始事件历史、日志、重放与校验报告、时间线（CSV、XLSX）。"""
    from audit.export import write_pack
    with quiet_imports():
        from audit.service import AuditService

    async def go():
        client, engine = await _connect()
        return await AuditService(client, engine).export(cluster, _who(by))

    report, pack = _run(go())
    path = write_pack(out or Path(f"evidence-{cluster}.zip"), pack)
    typer.echo(f"{path}（{len(pack)} 字节）：{len(report.runs)} 次运行，{'一致' if report.ok else '有不一致，见 replay.json'}")


@audit_app.command("record-histories")
def record_histories(
    examples: Path = typer.Option(Path("examples"), "--examples", help="场景目录"),
    out: Path = typer.Option(Path("tests/histories"), "--out", help="输出目录"),
) -> None:
    """在模拟器上运行示例场景，把每个工作流每次运行的历史存入回归测试目录。"""
    from audit.record import record_examples

    written = asyncio.run(record_examples(examples, out))
    typer.echo(f"已记录 {len(written)} 份历史到 {out}")


@deadlines_app.command("recompute")
def recompute(
    reason: str = typer.Option("导入国务院节假日安排后重新计算", "--reason", help="记录在每条调整中的原因"),
    by: str = typer.Option("综合业务部", "--by", help="发起人（秘书处）"),
) -> None:
    """让每个进行中的共建（以及其他项目进行中的试点、评选）按当前日历重新计算未到期的时限，并记录每一处调整。"""
    from domain.cnlic.model import Actor
    from service.cnlic.lifecycle import LifecycleService
    from service.programs import programs

    actor = Actor("secretariat", by)

    async def go():
        client, engine = await _connect()
        moved = await LifecycleService(client, engine).recompute_deadlines(actor, reason)
        lines = [f"{key}：{labels.deadline_label(e.data['what'])} {e.data['old_due']} → {e.data['new_due']}"
                 f"（{e.data['old_calendar_version']} → {e.data['new_calendar_version']}）"
                 for key, events in moved.items() for e in events]
        for program in programs():  # programs 2–4 whose clocks count working days
            if program.recompute is not None:
                for key, moves in (await program.recompute(client, engine, actor, reason)).items():
                    lines += [f"{program.label} {key}：{line}" for line in moves]
        return lines

    lines = _run(go())
    if not lines:
        typer.echo("没有时限需要调整")
    for line in lines:
        typer.echo(line)
