"""Service-layer commands of the ``designation`` CLI: the simulator (and, later, the
lifecycle, console and audit commands)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from cli.main import CliError, app


@app.command("simulate")
def simulate(
    scenario: Path = typer.Argument(..., help="场景文件（YAML 或 JSON）"),
    as_json: bool = typer.Option(False, "--json", help="每行一个 JSON 对象"),
    shift_years: int = typer.Option(0, "--shift-years", help="把场景中所有日期推后 N 年"),
    check: bool = typer.Option(False, "--check", help="对照场景中的 expect，不符时退出码 1"),
) -> None:
    """在时间跳跃服务器上用真实工作流推演一个场景，打印时间线。"""
    from service.cnlic.simulate import ScenarioError, check_expectations, render_json, render_table, simulate_file

    try:
        loaded, items = asyncio.run(simulate_file(scenario, shift_years))
    except ScenarioError as e:
        raise CliError(str(e)) from None
    typer.echo(render_json(items) if as_json else render_table(items))
    if check:
        problems = check_expectations(loaded, items)
        for p in problems:
            typer.echo(f"不符合预期：{p}", err=True)
        if problems:
            raise typer.Exit(1)
