"""``designation thresholds list|show|template|import`` (issue 11; RULES.md "Thresholds"): the
达标值 tables per industry and tier, read from the store; a new version filed from the XLSX
template as the token's user (an association for its own industries, the secretariat for any).
A refused file prints one line per row and indicator and exits 2."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from cli.cnlic.console_commands import TOKEN, _echo_json, _users, token_user
from cli.main import CliError, app, read_input
from domain.errors import DomainError
from domain.cnlic.thresholds import TIER_LABELS, ThresholdsInvalid

thresholds_app = typer.Typer(help="达标值表（附件一 备注1）：各行业、各等级的版本，XLSX 模板与上传。", no_args_is_help=True)
app.add_typer(thresholds_app, name="thresholds")

TIER = typer.Argument(..., help="等级：capital（都）、base（基地）、town（乡镇）")


def _tier(tier: str) -> str:
    if tier not in TIER_LABELS:
        by_label = {"都": "capital", "基地": "base", "乡镇": "town", "乡": "town"}
        if tier in by_label:
            return by_label[tier]
        raise CliError(f"等级“{tier}”应为 capital（都）、base（基地）、town（乡镇）")
    return tier


@thresholds_app.command("list")
def list_tables(on: str = typer.Option(None, "--on", help="按此日（YYYY-MM-DD）判断生效版本，默认今天"),
                as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """各行业、各等级的达标值表与生效版本。"""
    from service.cnlic.thresholds import table_list

    day = date.fromisoformat(on) if on else date.today()
    tables = table_list(_users().engine, day)
    if as_json:
        _echo_json(tables)
        return
    if not tables:
        typer.echo("尚无达标值表")
    for t in tables:
        last = t["versions"][-1]
        force = f"第 {t['in_force']} 版生效" if t["in_force"] else "尚未生效"
        typer.echo(f"{t['industry']}\t{t['tier_label']}\t{len(t['versions'])} 个版本\t{force}\t"
                   f"最新第 {last['version']} 版（{last['effective_from']} 起，{last['filed_by']}）")


@thresholds_app.command("show")
def show(industry: str = typer.Argument(..., help="行业"), tier: str = TIER,
         version: int = typer.Option(None, "--version", help="版本号，默认最新"),
         on: str = typer.Option(None, "--on", help="取在此日生效的版本（YYYY-MM-DD）"),
         as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """一个版本的各项达标值。"""
    from service.cnlic.thresholds import show as do_show

    table = do_show(_users().engine, industry, _tier(tier), version, date.fromisoformat(on) if on else None)
    if as_json:
        _echo_json(table)
        return
    typer.echo(f"{table['industry']} · {table['tier_label']} · 第 {table['version']} 版（{table['effective_from']} 起，"
               f"{table['filed_by']}）：{table['ref']}")
    for r in table["rows"]:
        value = "—" if r["value"] is None else f"{'不低于' if r['direction'] == '>=' else '不高于'} {r['value']:g}"
        typer.echo(f"  {'或：' if r['alternative'] else ''}{r['label']}（{r['unit'] or '—'}）\t{value}")


@thresholds_app.command("template")
def template(industry: str = typer.Argument(..., help="行业"), tier: str = TIER,
             out: Path = typer.Option(..., "--out", "-o", help="写出的 XLSX 文件"),
             blank: bool = typer.Option(False, "--blank", help="不预填最新版本")) -> None:
    """下载达标值表 XLSX 模板（默认预填最新版本）。"""
    from service.cnlic.thresholds import show as do_show, table_template

    tier = _tier(tier)
    current = None
    if not blank:
        try:
            current = do_show(_users().engine, industry, tier)
        except DomainError:
            current = None
    out.write_bytes(table_template(industry, tier, current))
    typer.echo(f"已写出 {out}" + (f"（预填第 {current['version']} 版）" if current else ""))


@thresholds_app.command("import")
def import_table(file: Path = typer.Argument(..., help="填好的达标值表 XLSX"), token: str = TOKEN,
                 as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """上传达标值表，建立新版本；内容未变时不建立新版本；错误逐行列出（退出码 2）。"""
    from service.cnlic.thresholds import errors_by_row, import_table_xlsx

    users, user = token_user(token)
    try:
        filed = import_table_xlsx(users.engine, user, read_input(file))
    except ThresholdsInvalid as e:
        for x in errors_by_row(e):  # each message names its row and indicator
            typer.echo(f"错误 [{x['code']}] {x['message']}", err=True)
        raise typer.Exit(2) from None
    t = filed.table
    if as_json:
        _echo_json({"industry": t.industry, "tier": t.tier, "version": t.version, "ref": t.ref,
                    "effective_from": t.effective_from.isoformat(), "outcome": "created" if filed.created else "unchanged"})
    elif filed.created:
        typer.echo(f"已建立 {t.industry} · {TIER_LABELS[t.tier]} 第 {t.version} 版（{t.effective_from} 起）：{t.ref}")
    else:
        typer.echo(f"未改动：内容与 {t.industry} · {TIER_LABELS[t.tier]} 第 {t.version} 版相同")
