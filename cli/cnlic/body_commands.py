"""``designation bodies list|add|set|export|import`` (issue 11; RULES.md "Bodies"): the directory of
opinion-giving bodies, read from the store; kept by the secretariat (the token's user)."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.cnlic.console_commands import TOKEN, _echo_json, _table, _users, token_user
from cli.main import CliError, app, read_input

bodies_app = typer.Typer(help="意见单位名录：全国性行业协（学）会、中心与省级地方轻工行业组织（由综合业务部维护）",
                         no_args_is_help=True)
app.add_typer(bodies_app, name="bodies")


def _service():
    from service.cnlic.bodies import BodiesService

    return BodiesService(_users().engine)


def _secretariat(token: str | None):
    return token_user(token)[1]


@bodies_app.command("list")
def list_bodies(industry: str = typer.Option(None, "--industry", help="只列出该行业集群可选的单位（与 --province 一起）"),
                province: str = typer.Option(None, "--province", help="集群所在省份"),
                as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """名录中的单位；给出 --industry/--province 时只列该集群的申请可选的单位。"""
    from service.cnlic.bodies import body_out

    service = _service()
    entries = service.choices(industry or "", province or "") if industry or province else service.list()
    if as_json:
        for e in entries:
            _echo_json(body_out(e).model_dump())
        return
    rows = [["单位名称", "类别", "行业／省份", "启用"]]
    rows += [[e.name, e.kind_label, "、".join(e.industries) or e.province, "是" if e.active else "否"] for e in entries]
    typer.echo(_table(rows) if entries else "名录中没有符合的单位")


@bodies_app.command("add")
def add(name: str = typer.Argument(..., help="单位全称"),
        kind: str = typer.Option(..., "--kind", help="association（全国性行业协会）| provincial（省级轻工行业组织）"),
        industry: list[str] = typer.Option([], "--industry", help="行业协会负责的行业（可重复）"),
        province: str = typer.Option("", "--province", help="省级组织所在省份，如 广东省"),
        note: str = typer.Option("", "--note", help="备注"),
        token: str = TOKEN) -> None:
    """向名录添加一个意见单位（综合业务部）。"""
    user = _secretariat(token)
    e = _service().add(user, {"name": name, "kind": kind, "industries": industry, "province": province, "note": note})
    typer.echo(f"已添加：{e.describe()}")


@bodies_app.command("set")
def set_body(name: str = typer.Argument(..., help="单位全称"),
             kind: str = typer.Option(None, "--kind", help="association | provincial（不给则不变）"),
             industry: list[str] = typer.Option(None, "--industry", help="行业（可重复；给出即替换）"),
             province: str = typer.Option(None, "--province", help="省份（给出即替换）"),
             active: bool = typer.Option(None, "--active/--inactive", help="启用或停用"),
             note: str = typer.Option(None, "--note", help="备注"),
             token: str = TOKEN) -> None:
    """修改名录中的意见单位（综合业务部）：类别、行业或省份、启用与否、备注。"""
    from store.cnlic import bodies as repo

    user = _secretariat(token)
    service = _service()
    current = repo.get(service.engine, name)
    if current is None:
        raise CliError(f"意见单位“{name}”不在名录中")
    data = {"kind": kind or current.kind, "industries": list(industry) if industry else list(current.industries),
            "province": current.province if province is None else province,
            "active": current.active if active is None else active, "note": current.note if note is None else note}
    e = service.update(user, name, data)
    typer.echo(f"已修改：{e.describe()}{'' if e.active else '（已停用）'}")


@bodies_app.command("export")
def export(out: Path = typer.Option(..., "--out", "-o", help="写出的 XLSX 文件")) -> None:
    """名录写成 XLSX（即导入模板：改好后用 designation bodies import 上传）。"""
    from service.cnlic.bodies import template_xlsx

    out.write_bytes(template_xlsx(_service().list()))
    typer.echo(f"已写出 {out}")


@bodies_app.command("import")
def import_file(file: Path = typer.Argument(..., help="名录 XLSX"), token: str = TOKEN,
                as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """上传名录 XLSX（综合业务部）：按单位名称添加或修改，逐行报告；有拒绝的行时退出码 2。"""
    from service.cnlic.bodies import import_xlsx

    user = _secretariat(token)
    report = import_xlsx(_service(), user, read_input(file))
    for r in report:
        if as_json:
            _echo_json(r)
        else:
            why = f"  [{r['code']}] {r['message']}" if r["code"] else ""
            typer.echo(f"第 {r['row']} 行 {r['name']}：{r['outcome_label']}{why}")
    if any(r["outcome"] == "refused" for r in report):
        raise typer.Exit(2)
