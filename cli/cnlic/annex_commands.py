"""``designation annex3 template|read`` (issue 11; RULES.md "Application tables"): a cluster's
附件三 workbook in the annex's layout, its 表二 years computed for the filing (a re-evaluation's
first column prefilled from the cluster's last evaluation), and a filled workbook read back
into the filing's ``annex3`` (YAML or JSON) to put in the ``--data`` file of ``designation act``.
A bad cell is one Chinese line naming the sheet, row and column, exit 2."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import typer

from cli.cnlic.console_commands import TOKEN, _service
from cli.main import CliError, app

annex3_app = typer.Typer(help="附件三 基本情况表（表一、表二、表四）：XLSX 模板与读取。", no_args_is_help=True)
app.add_typer(annex3_app, name="annex3")

ACTION = typer.Option(None, "--action", help="随哪项申请：file_application、file_reevaluation、"
                                               "file_rectification_review、file_title_change；默认按集群当前阶段")


@annex3_app.command("template")
def template(cluster: str = typer.Argument(..., help="集群编号"), action: str = ACTION,
             out: Path = typer.Option(..., "--out", help="保存到的 .xlsx 文件"), token: str = TOKEN) -> None:
    """下载该集群的附件三模板（表二的年度按程序和今天计算）。"""
    from service.cnlic.annex3 import template_for

    async def go():
        async with _service(token) as (console, user):
            return await template_for(console, user, cluster, action)

    content, _ = asyncio.run(go())
    out.write_bytes(content)
    typer.echo(f"已保存 {out}")


@annex3_app.command("read")
def read(cluster: str = typer.Argument(..., help="集群编号"), file: Path = typer.Argument(..., help="填好的 .xlsx"),
         action: str = ACTION, as_json: bool = typer.Option(False, "--json", help="输出 JSON（默认 YAML）"),
         token: str = TOKEN) -> None:
    """读取填好的附件三工作簿，输出申请数据中的 annex3（可写入 designation act 的 --data 文件）。"""
    from service.cnlic.annex3 import parse_for

    try:
        content = file.read_bytes()
    except OSError as e:
        raise CliError(f"{file}: 无法读取（{e.__class__.__name__}）") from None

    async def go():
        async with _service(token) as (console, user):
            return await parse_for(console, user, cluster, action, content)

    data = {"annex3": asyncio.run(go())}
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        import yaml

        typer.echo(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
