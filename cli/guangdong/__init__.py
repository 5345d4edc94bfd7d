"""``designation guangdong …``: program 3 from the command line — the zones, the rounds, a
zone's filing (the 考核表 as XLSX both ways, the draft and submission as a YAML/JSON file of the
same schema as the API), sign-offs, returns, receipts, the summary, a zone's history, and the
recording of the example scenarios' histories. Who acts is the owner of ``--token``."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path
from typing import Any, AsyncIterator

import typer

from cli.main import CliError

app = typer.Typer(help="广东省产业集群升级示范区：示范区、年度考核、考核表、汇总", no_args_is_help=True)
TOKEN = typer.Option(None, "--token", envvar="DESIGNATION_TOKEN", help="API 令牌（或环境变量 DESIGNATION_TOKEN）")


def register(main: typer.Typer) -> None:
    main.add_typer(app, name="guangdong")


@contextlib.asynccontextmanager
async def _service(token: str | None) -> AsyncIterator[tuple[Any, Any]]:
    from cli.cnlic.console_commands import _service as console_service
    from service.guangdong.rounds import GuangdongService

    async with console_service(token) as (console, user):
        yield GuangdongService.of_console(console), user


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


def _data(path: str | None, action: str) -> dict[str, Any]:
    if not path:
        return {}
    from cli.cnlic.console_commands import _read_data
    from service.guangdong import schemas

    return schemas.plain(schemas.parse(action, _read_data(path)))


def _table(rows: list[list[Any]]) -> str:
    from cli.cnlic.console_commands import _table as table

    return table(rows)


@app.command("zones")
def zones(as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """附件1 的 36 个示范区（编号、名称、地级市、区县镇、产业）。"""
    from domain.guangdong.zones import ZONES

    if as_json:
        typer.echo(json.dumps([z.__dict__ for z in ZONES], ensure_ascii=False))
        return
    typer.echo(_table([["序号", "编号", "示范区", "地级市", "产业"]] +
                      [[z.no, z.key, z.name, z.city, z.industry] for z in ZONES]))


@app.command("open-round")
def open_round(year: int = typer.Argument(..., help="数据年度"),
               due: str = typer.Option(None, "--due", help="截止日期 YYYY-MM-DD（缺省：次年 3 月 31 日）"),
               token: str = TOKEN) -> None:
    """开启年度考核（省级主管部门）。"""
    from domain.calendar import parse_date

    async def go() -> None:
        async with _service(token) as (svc, user):
            wid = await svc.open_round(user, year, parse_date(due, "截止日期") if due else None)
            typer.echo(f"已开启 {year} 年度考核：{wid}")

    _run(go())


@app.command("status")
def status(year: int = typer.Argument(..., help="数据年度"), token: str = TOKEN,
           as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """一个年度考核中本用户范围内各示范区的环节。"""
    from domain.guangdong.labels import step_label

    async def go() -> None:
        async with _service(token) as (svc, user):
            svc.round_of(year)
            rows = svc.filings(user, year)
            if as_json:
                typer.echo(json.dumps([{"zone": z.key, "step": f.step if f else None, "late": bool(f and f.late),
                                        "overdue": bool(f and f.overdue), "returns": f.returns if f else 0}
                                       for z, f in rows], ensure_ascii=False))
                return
            typer.echo(_table([["编号", "示范区", "环节", "截止", "逾期", "退回"]] + [
                [z.key, z.name, step_label(f.step) if f else "未开启", f.due if f else "", "是" if f and f.overdue else "",
                 f.returns if f and f.returns else ""] for z, f in rows]))

    _run(go())


@app.command("form-template")
def form_template(year: int = typer.Argument(...), zone: str = typer.Argument(...),
                  out: Path = typer.Option(..., "-o", "--out", help="写入的 XLSX 文件"), token: str = TOKEN) -> None:
    """下载考核表 XLSX（附件2 的版式，预填已填写或已报送的内容）。"""
    from service.guangdong.form_xlsx import write_form

    async def go() -> None:
        async with _service(token) as (svc, user):
            d = svc.filing(user, year, zone)
            out.write_bytes(write_form(d.zone, year, d.values, d.contact))
            typer.echo(f"已写入 {out}")

    _run(go())


@app.command("upload-form")
def upload_form(year: int = typer.Argument(...), zone: str = typer.Argument(...),
                file: Path = typer.Argument(..., help="填好的考核表 XLSX"), token: str = TOKEN) -> None:
    """上传填好的考核表 XLSX，保存为草稿（问题逐一指明单元格和字段）。"""
    from domain.limits import LIMITS
    from service.guangdong.form_xlsx import read_form

    try:
        content = file.read_bytes()[: LIMITS.import_file_bytes + 1]
    except OSError as e:
        raise CliError(f"{file}: 无法读取（{e.__class__.__name__}）") from None

    async def go() -> None:
        async with _service(token) as (svc, user):
            values, contact = read_form(content, svc.zone(user, zone), year)
            svc.save_draft(user, year, zone, values, None, contact or None)
            typer.echo(f"已保存草稿：{len(values)} 个字段")

    _run(go())


@app.command("save-draft")
def save_draft(year: int = typer.Argument(...), zone: str = typer.Argument(...),
               data: str = typer.Option(..., "--data", help="YAML 或 JSON 文件：{form, summary, contact}"),
               token: str = TOKEN) -> None:
    """保存草稿（考核表、年度工作总结、申报单位，与 API 的 DraftIn 相同）。"""
    body = _data(data, "save_draft")

    async def go() -> None:
        async with _service(token) as (svc, user):
            svc.save_draft(user, year, zone, body.get("form"), body.get("summary"), body.get("contact"))
            typer.echo("已保存草稿")

    _run(go())


def _echo_result(r: Any) -> None:
    from domain.guangdong.labels import action_label, event_label, step_label

    typer.echo(f"已办理：{action_label(r.action)}；现在：{step_label(r.step)}")
    for e in r.events:
        typer.echo(f"  #{e.seq} {e.on} {event_label(e.kind)}")


@app.command("submit")
def submit(year: int = typer.Argument(...), zone: str = typer.Argument(...),
           data: str = typer.Option(None, "--data", help="可选：先保存的 {form, summary, contact}"),
           token: str = TOKEN) -> None:
    """报送（或退回后更正重新报送）考核表和年度工作总结。"""
    body = _data(data, "submit")

    async def go() -> None:
        async with _service(token) as (svc, user):
            _echo_result(await svc.submit(user, year, zone, body.get("form"), body.get("summary"), body.get("contact")))

    _run(go())


def _act(year: int, zone: str, action: str, data: dict[str, Any], token: str | None) -> None:
    from service.guangdong import schemas

    body = schemas.plain(schemas.parse(action, data))

    async def go() -> None:
        async with _service(token) as (svc, user):
            _echo_result(await svc.act(user, year, zone, action, body))

    _run(go())


@app.command("sign-off")
def sign_off(year: int = typer.Argument(...), zone: str = typer.Argument(...),
             opinion: str = typer.Option(..., "--opinion", help="审核意见"), token: str = TOKEN) -> None:
    """审核同意并报送上一级（市县人民政府、地级市经贸局）。"""
    _act(year, zone, "sign_off", {"opinion": opinion}, token)


@app.command("return")
def return_filing(year: int = typer.Argument(...), zone: str = typer.Argument(...),
                  reason: str = typer.Option(..., "--reason", help="退回理由"), token: str = TOKEN) -> None:
    """退回示范区办公室修改。"""
    _act(year, zone, "return_filing", {"reason": reason}, token)


@app.command("receive")
def receive(year: int = typer.Argument(...), zone: str = typer.Argument(...),
            note: str = typer.Option("", "--note", help="备注"), token: str = TOKEN) -> None:
    """省级主管部门接收。"""
    _act(year, zone, "receive", {"note": note} if note else {}, token)


@app.command("summary")
def summary(year: int = typer.Argument(...), out: Path = typer.Option(None, "-o", "--out", help="写入汇总表 XLSX"),
            token: str = TOKEN) -> None:
    """汇总：全部示范区 × 关键字段，本年、上年与增长。"""
    from domain.guangdong.form import display
    from service.guangdong import reports

    async def go() -> None:
        async with _service(token) as (svc, user):
            svc.round_of(year)
            s = reports.summary(svc.engine, user, year)
            if out is not None:
                out.write_bytes(reports.summary_xlsx(s))
                typer.echo(f"已写入 {out}")
                return
            f = s.fields[0]
            typer.echo(_table([["序号", "示范区", f"{f.label} {year}", str(year - 1), "增长"]] + [
                [r.zone.no, r.zone.name, display(f, r.cells[f.key].this_year), display(f, r.cells[f.key].last_year),
                 "" if r.cells[f.key].growth is None else f"{r.cells[f.key].growth:+.2f}%"] for r in s.rows]))

    _run(go())


@app.command("history")
def history(zone: str = typer.Argument(...), token: str = TOKEN) -> None:
    """一个示范区历年的考核。"""
    from domain.guangdong.labels import step_label

    async def go() -> None:
        async with _service(token) as (svc, user):
            typer.echo(_table([["年度", "环节", "报送", "接收", "特色产业产值（亿元）"]] + [
                [r.data_year, step_label(r.step), r.submitted_on or "", r.received_on or "", form.get("output", "")]
                for r, form in svc.history(user, zone)]))

    _run(go())


@app.command("record-histories")
def record_histories(out: Path = typer.Option(Path("tests/histories"), "--out", help="写入的目录")) -> None:
    """在时间跳跃服务器上运行 examples/guangdong/ 的场景，把每个工作流的事件历史写入 OUT/guangdong-<场景>/。"""
    from service.guangdong.record import record_examples

    written = _run(record_examples(Path("examples/guangdong"), out))
    typer.echo(f"已写入 {len(written)} 个历史文件")
