"""Registering and onboarding from the command line (issue 10 item 2): ``designation cluster
add --data FILE`` (one start request, YAML or JSON, the same schema as ``POST /api/clusters``),
``cluster template`` (the bulk-onboarding XLSX template) and ``cluster import FILE.xlsx``.

As the token's user, through the same service as the console. A refusal is one line with the
rule's code and exit 2; an import prints one line per row and exits 1 when any row was refused.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from cli.cnlic.console_commands import TOKEN, _echo_json, _read_data, _service, _table, cluster_app
from cli.main import CliError

EXAMPLE = """kind: onboarding            # cultivation | application | onboarding
cluster: {key: foshan-ceramics, industry: 陶瓷, product: 陶瓷, tier: capital,
          region: {province: 广东省, city: 佛山市, county: 禅城区, code: "440604", name: 佛山}}
conferred_on: 2023-06-01
document_number: 中轻联综合〔2023〕88号
evaluation: {evaluated_on: 2023-03-10, national_rank: 1, output: 120.5, value: 800}"""


@cluster_app.command("add", epilog=EXAMPLE)
def cluster_add(
    data: str = typer.Option(..., "--data", help="登记数据文件（YAML 或 JSON，- 为标准输入），格式同 POST /api/clusters"),
    token: str = TOKEN,
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """登记一个集群：纳入培育、登记申请或导入已授名称号；被规则拒绝时打印规则代码和说明，退出码 2。"""
    from domain.cnlic.model import Stage
    from service.cnlic.registration import RegistrationService

    payload = _read_data(data)

    async def go():
        async with _service(token) as (console, user):
            return await RegistrationService(console.lifecycle).add(user, payload)

    added = asyncio.run(go())
    if as_json:
        _echo_json({"key": added.key, "workflow_id": added.workflow_id, "kind": added.kind, "stage": added.stage,
                    "outcome": added.outcome})
        return
    if added.outcome == "unchanged":
        typer.echo(f"未改动：{added.key} 已登记，内容相同")
    else:
        typer.echo(f"已登记 {added.key}（{Stage(added.stage).label}），工作流 {added.workflow_id}")


@cluster_app.command("template")
def cluster_template(out: Path = typer.Option(Path("cluster-import-template.xlsx"), "--out", help="写到这个文件")) -> None:
    """写出批量导入已授名称号的 XLSX 模板（中文列名，含“填写说明”工作表）。"""
    from service.cnlic.registration import template_xlsx

    out.write_bytes(template_xlsx())
    typer.echo(str(out))


@cluster_app.command("import")
def cluster_import(
    file: Path = typer.Argument(..., help="按模板填写的 XLSX 文件"),
    token: str = TOKEN,
    as_json: bool = typer.Option(False, "--json", help="每行一个 JSON 对象"),
) -> None:
    """批量导入已授名称号：逐行校验，合格的登记，逐行报告（已登记 / 拒绝及规则 / 未改动）；有被拒绝的行时退出码 1。"""
    from domain.limits import LIMITS
    from service.cnlic.registration import OUTCOME_LABELS, RegistrationService

    try:
        with file.open("rb") as f:
            content = f.read(LIMITS.import_file_bytes + 1)  # the service refuses what is over the limit
    except OSError:
        raise CliError(f"无法读取 {file}") from None

    async def go():
        async with _service(token) as (console, user):
            return await RegistrationService(console.lifecycle).import_xlsx(user, content)

    report = asyncio.run(go())
    if as_json:
        for r in report.rows:
            _echo_json({"row": r.row, "key": r.key, "outcome": r.outcome, "code": r.code, "message": r.message})
    else:
        rows = [["行", "集群编号", "结果", "规则", "说明"]]
        rows += [[r.row, r.key, OUTCOME_LABELS[r.outcome], r.code, r.message] for r in report.rows]
        typer.echo(_table(rows))
        s = report.summary
        typer.echo(f"已登记 {s['accepted']}，未改动 {s['unchanged']}，拒绝 {s['refused']}（{report.elapsed_s:.1f} 秒）")
    raise typer.Exit(1 if report.count("refused") else 0)
