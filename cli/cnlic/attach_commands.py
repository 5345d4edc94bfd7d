"""``designation attach KEY FILE --purpose …`` (issue 10 item 4): attach a file to a cluster as
the token's user, through the same service layer as the console (scope, type, size and the
attach rules checked before anything is stored); a refusal is the rule's code and message."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from cli.cnlic.console_commands import TOKEN, _echo_json, _service
from cli.main import CliError, app
from domain.attachments import PURPOSES, check_file, check_size, purpose_label
from domain.limits import LIMITS


@app.command("attach")
def attach(
    cluster: str = typer.Argument(..., help="集群编号"),
    file: Path = typer.Argument(..., help="文件：PDF、DOC/DOCX、XLS/XLSX、JPG/PNG、ZIP"),
    purpose: str = typer.Option(..., "--purpose", help="用途：" + "、".join(f"{k}（{v}）" for k, v in PURPOSES.items())),
    note: str = typer.Option("", "--note", help="说明（可选）"),
    name: str = typer.Option(None, "--name", help="记录的文件名（默认为文件本身的名字）"),
    token: str = TOKEN,
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """为集群上传一个附件（按 SHA-256 存储，日志记录其哈希）；被规则拒绝时打印规则代码和说明，退出码 2。"""
    from service.cnlic.attachments import AttachmentService

    try:
        check_size(file.stat().st_size)
        with file.open("rb") as f:
            data = f.read(LIMITS.attachment_bytes + 1)  # never more than one byte past the limit
    except FileNotFoundError:
        raise CliError(f"文件不存在：{file}") from None
    except IsADirectoryError:
        raise CliError(f"不是文件：{file}") from None

    check_file(name or file.name, data, purpose, note)  # a wrong file is refused before connecting

    async def go():
        async with _service(token) as (console, user):
            return await AttachmentService(console).upload(user, cluster, name or file.name, data, purpose, note)

    done = asyncio.run(go())
    r = done.row
    if as_json:
        _echo_json({"cluster": cluster, "seq": r.seq, "sha256": r.sha256, "name": r.name, "size": r.size,
                    "type": r.media_type, "purpose": r.purpose, "outcome": done.outcome})
    elif done.outcome == "unchanged":
        typer.echo(f"未改动：{cluster} 已有相同文件作为{purpose_label(r.purpose)}（{r.name}，第 {r.seq} 行）")
    else:
        typer.echo(f"已上传附件：{cluster} {purpose_label(r.purpose)}“{r.name}”，{r.size} 字节，SHA-256 {r.sha256}（第 {r.seq} 行）")
