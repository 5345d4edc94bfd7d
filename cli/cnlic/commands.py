"""Service-layer commands of the ``designation`` CLI: the simulator (and, later, the
lifecycle, console and audit commands)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from cli.main import CliError, app


def _scenario_program(path: Path):
    """The hooks of the program a scenario names (``program: demonstration`` …), None for program 1."""
    from dataclasses import replace

    from domain import yamlfmt
    from domain.limits import LIMITS
    from service.programs import PROGRAM_MODULES, program

    try:
        with path.open("rb") as f:
            data = yamlfmt.load(f.read(LIMITS.file_bytes + 1), str(path),
                                limits=replace(LIMITS, file_nodes=LIMITS.scenario_nodes), aliases=True)
    except (OSError, yamlfmt.FileInvalid):
        return None  # program 1's loader says what is wrong with the file
    name = data.get("program") if isinstance(data, dict) else None
    if name in (None, "cnlic"):
        return None
    hooks = program(str(name))
    if hooks is None or hooks.simulate is None:
        known = "、".join(["cnlic", *PROGRAM_MODULES])
        raise CliError(f"{path}: program “{name}” 不是可推演的项目（{known}）")
    return hooks


@app.command("simulate")
def simulate(
    scenario: Path = typer.Argument(..., help="场景文件（YAML 或 JSON）"),
    as_json: bool = typer.Option(False, "--json", help="每行一个 JSON 对象"),
    shift_years: int = typer.Option(0, "--shift-years", help="把场景中所有日期推后 N 年"),
    check: bool = typer.Option(False, "--check", help="对照场景中的 expect，不符时退出码 1"),
) -> None:
    """在时间跳跃服务器上用真实工作流推演一个场景，打印时间线。场景的 program 指明项目（缺省为共建集群）。"""
    from service.cnlic.simulate import ScenarioError, check_expectations, render_json, render_table, simulate_file

    hooks = _scenario_program(scenario)
    if hooks is not None:  # programs 2–4 run their own scenarios (service.programs)
        code = hooks.simulate(scenario, shift_years, as_json, check)
        if code:
            raise typer.Exit(code)
        return

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
