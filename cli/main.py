"""``designation``: the command-line entry point. Thin: parse, call one service function,
render. Every refusal is printed as the rule's code and Chinese message on one line."""

from __future__ import annotations

import gc
import json
import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import typer

from domain.calendar import WorkCalendar, load_schedule_text, parse_date
from domain.errors import DomainError, ScoreSheetInvalid
from domain.cnlic.policy import get_policy

app = typer.Typer(
    help="CNLIC 共建特色区域和产业集群：授名生命周期服务",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
calendar_app = typer.Typer(help="法定工作日日历（含调休）", no_args_is_help=True)
app.add_typer(calendar_app, name="calendar")


@contextmanager
def quiet_imports() -> Iterator[None]:
    """Import a command's modules without the cyclic garbage collector, then leave what they
    built out of every later collection (``gc.freeze``): importing temporalio, SQLAlchemy and
    the service made ~70 ms of full collections in a 0.85 s ``audit replay`` (issue 15, row 6).
    Modules live as long as the process, so freezing them loses nothing; the command's own work
    runs with the collector on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


class CliError(Exception):
    """A one-line error for the user (bad file, unreadable input)."""


def read_input(path: Path | str) -> bytes:
    """A file's bytes (``-``: standard input), one byte past the file limit at most: the
    loader in ``domain.yamlfmt`` refuses what is over it, so a huge file is never read whole."""
    from domain.limits import LIMITS

    most = LIMITS.file_bytes + 1
    if str(path) == "-":
        stream = getattr(sys.stdin, "buffer", None)
        return stream.read(most) if stream is not None else sys.stdin.read(most).encode("utf-8", "surrogatepass")
    try:
        with Path(path).open("rb") as f:
            return f.read(most)
    except FileNotFoundError:
        raise CliError(f"文件不存在：{path}") from None
    except OSError as e:
        raise CliError(f"无法读取 {path}：{e.__class__.__name__}") from None


def _calendar(calendar_file: Path | None) -> WorkCalendar:
    from service.calendars import current_calendar

    cal = current_calendar()
    if calendar_file is not None:
        cal = cal.with_schedule(load_schedule_text(read_input(calendar_file), str(calendar_file)))
    return cal


def _parse_day(value: str) -> date:
    return parse_date(value.strip(), "日期")


@calendar_app.command("is-workday")
def is_workday(
    day: str = typer.Argument(..., help="日期，YYYY-MM-DD"),
    calendar_file: Path = typer.Option(None, "--calendar-file", help="先套用这份国务院安排（JSON/YAML）"),
) -> None:
    """这一天是不是法定工作日，以及原因。"""
    d = _parse_day(day)
    cal = _calendar(calendar_file)
    info = cal.day(d)
    typer.echo("yes" if info.working else "no")
    typer.echo(f"{d} {info.explain()}")
    typer.echo(f"calendar {cal.version} ({info.provenance})")


@calendar_app.command("add-working-days")
def add_working_days(
    day: str = typer.Argument(..., help="起算日（不计入），YYYY-MM-DD"),
    days: int = typer.Argument(..., help="工作日天数"),
    calendar_file: Path = typer.Option(None, "--calendar-file", help="先套用这份国务院安排（JSON/YAML）"),
) -> None:
    """起算日之后第 N 个工作日（起算日当天不计）。"""
    start = _parse_day(day)
    cal = _calendar(calendar_file)
    result = cal.add_working_days(start, days)
    provisional = cal.provisional_between(start, result)
    typer.echo(result.isoformat())
    typer.echo(f"{start} 之后第 {days} 个工作日（起算日不计），{result} 当日结束")
    typer.echo(f"calendar {cal.version} ({'provisional' if provisional else 'official'})")


@calendar_app.command("import")
def import_schedule(
    file: Path = typer.Argument(..., help="国务院公布的节假日安排：{holidays: [...], workdays: [...]}"),
    by: str = typer.Option("", "--by", help="导入人"),
) -> None:
    """校验并导入一年的正式节假日安排，供服务使用。"""
    from service.calendars import import_schedule as do_import

    schedule = load_schedule_text(read_input(file), file.name)
    changed, cal = do_import(schedule, by)
    verb = "已导入" if changed else "已是最新（未改动）"
    typer.echo(
        f"{schedule.year} 年正式安排{verb}：{len(schedule.holidays)} 个假日，{len(schedule.workdays)} 个调休上班日；"
        f"日历版本 {cal.version}"
    )


@calendar_app.command("info")
def calendar_info() -> None:
    """当前服务日历：版本、正式年份与推算范围。"""
    from service.calendars import current_calendar

    typer.echo(json.dumps(current_calendar().describe(), ensure_ascii=False, indent=2))


@app.command("score")
def score(
    sheet: Path = typer.Argument(..., help="打分表 JSON（附件一）"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
    industry: str = typer.Option(None, "--industry", help="录入指标数值时：按该行业的达标值表核对"),
    tier: str = typer.Option(None, "--tier", help="与 --industry 同用：capital（都）、base（基地）、town（乡镇）"),
    on: str = typer.Option(None, "--on", help="与 --industry 同用：考评日期（YYYY-MM-DD），取当日生效的版本，默认今天"),
) -> None:
    """校验专家组打分表：合格/不合格、总分、每一处分档错误。退出码 0 合格，1 不合格，2 无效。"""
    from domain import yamlfmt
    from domain.cnlic.rules import validate_score_sheet

    data = yamlfmt.load_json(read_input(sheet), str(sheet))
    policy = get_policy()
    if industry and isinstance(data, dict):  # issue 11: met computed from values against the table in force
        from service.cnlic.thresholds import resolve
        from store.db import database_url, make_engine, migrate

        engine = make_engine(database_url())
        migrate(engine)
        table = resolve(engine, industry, tier or "capital", parse_date(on, "--on") if on else date.today())
        data = {**data, "thresholds": table.as_sheet_data()}
    try:
        result = validate_score_sheet(policy, data)
    except ScoreSheetInvalid as e:
        if as_json:
            typer.echo(json.dumps({"valid": False, "violations": [v.as_dict() for v in e.violations]}, ensure_ascii=False))
        else:
            typer.echo(f"无效 invalid：打分表有 {len(e.violations)} 处错误")
            for v in e.violations:
                typer.echo(f"  - [{v.code}] {v.message}")
        raise typer.Exit(2)
    if as_json:
        typer.echo(json.dumps({"valid": True, **result.as_dict()}, ensure_ascii=False))
    else:
        verdict = "合格 pass" if result.passed else "不合格 fail"
        typer.echo(f"{verdict}：总得分 {result.total:g}（须 ≥{policy.pass_mark:g}）")
        typer.echo(f"  一、特色产业基本情况 {result.part1:g}/{policy.part1_max:g}（{result.part1_met} 项达标）")
        veto = "后3项均达标" if result.part2_vetoes_clear else "后3项有否决项"
        typer.echo(f"  二、质量安全情况 {result.part2:g}/{policy.part2_max:g}（前5项 {result.part2_first5_met} 项达标，{veto}）")
        typer.echo(f"  三、政府部门和地方行业组织工作 {result.part3:g}/{policy.part3_max:g}")
        typer.echo(f"  四、发展规划及扶持政策 {result.part4:g}/{policy.part4_max:g}")
    raise typer.Exit(0 if result.passed else 1)


@app.command("diagram")
def diagram() -> None:
    """以 mermaid 文本画出授名生命周期。"""
    from domain.cnlic.machine import mermaid

    typer.echo(mermaid(get_policy().version))


def _register_extensions() -> None:
    """Commands that need the service layer register themselves here."""
    from cli.cnlic import audit_commands, cluster_commands, commands, console_commands  # noqa: F401
    from cli.cnlic import attach_commands  # noqa: F401  (issue 10 item 4)
    from cli.cnlic import document_commands  # noqa: F401  (issue 11 item 5)
    from cli.cnlic import threshold_commands  # noqa: F401  (issue 11: 达标值 tables)
    from cli.cnlic import body_commands  # noqa: F401  (issue 11: 意见单位名录)
    from cli.cnlic import annex_commands  # noqa: F401  (issue 11: 附件三 workbook)
    import importlib

    # programs 2–4: ``cli/<program>/__init__.py`` defines ``register(app)`` (README "Layout")
    for program in ("demonstration", "guangdong", "brand"):
        module = f"cli.{program}"
        try:
            importlib.import_module(module).register(app)
        except ModuleNotFoundError as e:
            if not (e.name and module.startswith(e.name)):
                raise


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and leave explicitly (temporalio can abort at interpreter exit)."""
    code = run(argv)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def only_named_group(argv: list[str] | None = None) -> typer.Typer:
    """The command tree ``argv`` needs: the root with just the group its first word names
    (``audit``, ``cluster`` …), or the whole tree for anything else (``--help``, a top-level
    command, a word that names nothing, which then gets Typer's own error). Typer inspects every
    command's signature (evaluating its annotations) before it parses anything: the whole tree
    of 80-odd commands cost ~70 ms on every run, a group a few (issue 15, row 6)."""
    import copy

    args = sys.argv[1:] if argv is None else argv
    if not args or args[0].startswith("-"):
        return app
    groups = [g for g in app.registered_groups if g.name == args[0]]
    if len(groups) != 1:
        return app
    slim = copy.copy(app)  # the root's own settings (help, no_args_is_help …), one group
    slim.registered_groups = groups
    slim.registered_commands = []
    return slim


def run(argv: list[str] | None = None) -> int:
    _register_extensions()
    try:
        result = only_named_group(argv)(args=argv, prog_name="designation", standalone_mode=False)
    except typer.Exit as e:
        return e.exit_code
    except typer.Abort:
        typer.echo("已取消", err=True)
        return 130
    except typer.TyperException as e:
        show = getattr(e, "show", None)
        if show is not None:
            show()
        else:
            typer.echo(f"错误：{e.format_message()}", err=True)
        return e.exit_code
    except DomainError as e:
        typer.echo(f"错误 [{e.code}] {e.message}", err=True)
        return 2
    except CliError as e:
        typer.echo(f"错误：{e}", err=True)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # the last line of defence: never a traceback for a user
        if os.environ.get("DESIGNATION_DEBUG"):
            traceback.print_exc()
        typer.echo(f"内部错误：{e.__class__.__name__}: {e}（设置 DESIGNATION_DEBUG=1 查看详情）", err=True)
        return 3
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    main()
