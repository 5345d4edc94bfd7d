"""``designation documents …`` (issue 11 item 5): the documents the rules publish, generated
from the records as the token's user — the joint designation list of a meeting (§三(四)), the
annual recognition list and the revocation announcement (§四(四)), a cluster's expert
site-visit report (附件四). DOCX; PDF where LibreOffice is installed (otherwise the DOCX, said
so). Reads the store only: Temporal need not be running."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import typer

from cli.cnlic.console_commands import TOKEN, _echo_json, _table, token_user
from cli.main import CliError, app
from domain.cnlic.documents import Document

documents_app = typer.Typer(help="公布文件：联合发文授名名单、年度认定名单、取消称号公告、专家考评报告（DOCX / PDF）",
                            no_args_is_help=True)
app.add_typer(documents_app, name="documents")

FORMAT = typer.Option("docx", "--format", "-f", help="docx，或 pdf（本机装有 LibreOffice 时；否则生成 DOCX 并说明）")
OUT = typer.Option(None, "--out", "-o", help="输出文件或目录（默认：当前目录下的中文文件名）")


def _service(token: str | None):
    from service.cnlic.documents import DocumentService

    users, user = token_user(token)
    return DocumentService(users.engine), user


def _write(build: Callable[[], Document], fmt: str, out: Path | None) -> None:
    from service.cnlic.documents import FORMATS, pdf_converter, render

    if fmt not in FORMATS:
        raise CliError(f"格式“{fmt}”无效，应为 docx 或 pdf")
    doc = build()
    note = ""
    if fmt == "pdf" and pdf_converter() is None:
        fmt, note = "docx", "（本机未安装 LibreOffice，未生成 PDF，已生成 DOCX）"
    rendered = render(doc, fmt)
    target = out or Path(rendered.filename)
    if target.is_dir():
        target = target / rendered.filename
    try:
        target.write_bytes(rendered.content)
    except OSError as e:
        raise CliError(f"无法写入 {target}：{e.strerror}") from None
    typer.echo(f"已生成：{target}（{doc.title}，{len(rendered.content)} 字节）{note}")


@documents_app.command("list")
def list_documents(token: str = TOKEN, as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """可生成的公布文件：已公布的认定年度、会长办公会及其批准数；本机能否生成 PDF。"""
    from service.cnlic.documents import pdf_converter

    docs, _ = _service(token)
    years, meetings, pdf = docs.years(), docs.meetings(), pdf_converter() is not None
    if as_json:
        _echo_json({"pdf": pdf, "years": years,
                    "meetings": [{"meeting_id": m.meeting_id, "held_on": m.held_on.isoformat(), "approved": n}
                                 for m, n in meetings]})
        return
    typer.echo("PDF：可生成" if pdf else "PDF：本机未安装 LibreOffice，只提供 DOCX")
    typer.echo("认定年度：" + ("、".join(str(y) for y in years) if years else "（尚未公布）"))
    if meetings:
        typer.echo(_table([["会长办公会", "日期", "批准"], *[[m.meeting_id, m.held_on, n] for m, n in meetings]]))
    else:
        typer.echo("会长办公会：（尚无记录）")


@documents_app.command("recognition")
def recognition(year: int = typer.Argument(..., help="认定年度"), fmt: str = FORMAT, out: Path = OUT,
                token: str = TOKEN) -> None:
    """年度认定名单（§四(四)）：认定名单、到期未复评名单、整改期名单。"""
    docs, user = _service(token)
    _write(lambda: docs.recognition_list(user, year), fmt, out)


@documents_app.command("revocation")
def revocation(year: int = typer.Argument(..., help="认定年度"), fmt: str = FORMAT, out: Path = OUT,
               token: str = TOKEN) -> None:
    """取消称号公告（§四(四)）：到期未复评超过两年的称号，及本年度其他取消称号及原因。"""
    docs, user = _service(token)
    _write(lambda: docs.revocation_announcement(user, year), fmt, out)


@documents_app.command("joint")
def joint(meeting_id: str = typer.Argument(..., help="会长办公会编号（documents list 列出）"), fmt: str = FORMAT,
          out: Path = OUT, token: str = TOKEN) -> None:
    """联合发文授名名单（§三(四)）：该次会长办公会批准的集群，及联合发文的文号、日期、发文单位。"""
    docs, user = _service(token)
    _write(lambda: docs.joint_list(user, meeting_id), fmt, out)


@documents_app.command("site-report")
def site_report(cluster: str = typer.Argument(..., help="集群编号"),
                seq: int = typer.Option(None, "--seq", help="考评报告的记录序号（默认最新一份）"),
                fmt: str = FORMAT, out: Path = OUT, token: str = TOKEN) -> None:
    """专家考评报告（附件四），按集群的办理范围。"""
    docs, user = _service(token)
    _write(lambda: docs.site_report(user, cluster, seq), fmt, out)
