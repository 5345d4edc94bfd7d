"""Console commands of the ``designation`` CLI: users (``user add/list/token``), clusters
(``cluster list/show``), actions (``act``) and the deadline radar (``radar``). They go through
the same service layer as the HTTP API: the same scope, the same checks, the same refusals
(one line with the rule's code and message, non-zero exit).

Who acts is the owner of the API token given with ``--token`` or ``DESIGNATION_TOKEN``; user
management needs no token, only access to the store (it is how the first user is made).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import unicodedata
from typing import Any, AsyncIterator

import typer

from cli.main import CliError, app

user_app = typer.Typer(help="控制台用户：添加、列出、生成令牌", no_args_is_help=True)
cluster_app = typer.Typer(help="集群：列表与详情（按令牌所属用户的范围）", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(cluster_app, name="cluster")

TOKEN = typer.Option(None, "--token", envvar="DESIGNATION_TOKEN", help="API 令牌（或环境变量 DESIGNATION_TOKEN）")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(rows: list[list[Any]]) -> str:
    rows = [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c + " " * (w - _width(c)) for c, w in zip(r, widths)).rstrip() for r in rows)


def _echo_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, default=str))


def _users():
    from service.users import UserService
    from store.db import database_url, make_engine, migrate

    engine = make_engine(database_url())
    migrate(engine)
    return UserService(engine)


def token_user(token: str | None) -> tuple[Any, Any]:
    """The store's users and the user a command's API token names (every command that acts as
    someone); a missing or revoked token is one line."""
    if not token:
        raise CliError("需要 API 令牌：--token 或环境变量 DESIGNATION_TOKEN（用 designation user token 生成）")
    users = _users()
    user = users.by_token(token)
    if user is None:
        raise CliError("令牌无效或已吊销")
    return users, user


async def temporal_client() -> tuple[Any, Any]:
    """A client of the running service's Temporal and the settings it was found with; when none
    runs, one line saying how to start it."""
    from service.runtime import START_HINT, RuntimeProblem, Settings, connect

    settings = Settings.for_client()
    try:
        return await connect(settings, attempts=5), settings
    except RuntimeProblem as e:
        raise CliError(f"{e}。{START_HINT}") from None


@contextlib.asynccontextmanager
async def _service(token: str | None) -> AsyncIterator[tuple[Any, Any]]:
    """The console service over the running Temporal and the store, and the token's user."""
    from service.cnlic.console import ConsoleService
    from service.cnlic.lifecycle import LifecycleService

    users, user = token_user(token)
    client, settings = await temporal_client()
    lifecycle = LifecycleService(client, users.engine, task_queue=settings.task_queue)
    yield ConsoleService(lifecycle, users.engine, temporal_ui=settings.ui_url), user


def _read_data(path: str) -> Any:
    from domain import yamlfmt

    from cli.main import read_input

    where = "标准输入" if path == "-" else path
    data = yamlfmt.load(read_input(path), where)  # bounded; a refusal names the line and column
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise CliError(f"{where}: 操作数据应为对象（{{…}}）")
    from service.cnlic.simulate import _plain

    return _plain(data)


def _action_data(action: str, path: str) -> Any:
    """An action's data file; 附件五 may also be its XLSX workbook (issue 11), read by the
    same parser as the console's upload."""
    if not path.lower().endswith(".xlsx"):
        return _read_data(path)
    if action != "submit_annual_report":
        raise CliError(f"{path}: 只有报送年度报表（附件五）可用 XLSX 文件，其他操作请用 YAML 或 JSON")
    from pathlib import Path

    from service.cnlic.annex5 import read_workbook

    try:
        content = Path(path).read_bytes()
    except OSError as e:
        raise CliError(f"{path}: 无法读取（{e.__class__.__name__}）") from None
    return read_workbook(content)


# ---------------------------------------------------------------- users


@user_app.command("add")
def user_add(
    username: str = typer.Argument(..., help="登录用户名"),
    role: str = typer.Option(..., "--role", help="secretariat | leader | association | provincial | expert | applicant | auditor"
                             " | zone_office | local_government | prefecture_bureau | province_department"
                             " | implementing_body | miit_reviewer"),
    name: str = typer.Option(..., "--name", help="署名：单位或本人名称，操作以此记录（专家须与专家组名单一致）"),
    industry: list[str] = typer.Option([], "--industry", help="行业协会的行业（可重复）"),
    province: list[str] = typer.Option([], "--province", help="省级组织的省份（可重复）"),
    cluster: list[str] = typer.Option([], "--cluster", help="申请地政府的集群编号；示范区办公室、试点实施主体的编号（可重复）"),
    city: list[str] = typer.Option([], "--city", help="地级市经贸部门、市县人民政府所辖的市县（可重复）"),
    password: str = typer.Option(None, "--password", help="密码（不给则提示输入或从标准输入读取）"),
    email: str = typer.Option(None, "--email", help="邮箱：设置了 SMTP_HOST 时，提醒、督办和日报也发到这里"),
) -> None:
    """添加一个控制台用户（密码以 argon2 哈希保存）。"""
    if password is None:
        if sys.stdin.isatty():
            password = typer.prompt("密码", hide_input=True, confirmation_prompt=True)
        else:
            password = sys.stdin.readline().rstrip("\n")
    user = _users().add(username, role, name, password, industries=industry, provinces=province, clusters=cluster,
                        email=email, cities=city)
    typer.echo(f"已添加用户 {user.username}：{user.role_label}·{user.name}")


@user_app.command("list")
def user_list(as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """列出用户、角色、署名、范围和有效令牌数。"""
    from domain.cnlic.access import scope_of

    entries = _users().list()
    if as_json:
        for u, tokens in entries:
            _echo_json({"username": u.username, "role": u.role, "name": u.name, "industries": list(u.industries),
                        "provinces": list(u.provinces), "clusters": list(u.clusters), "cities": list(u.cities),
                        "tokens": tokens})
        return
    rows: list[list[Any]] = [["用户名", "角色", "署名", "范围", "令牌"]]
    for u, tokens in entries:
        s = scope_of(u)
        scope = "全部" if s.everything else "、".join([*s.industries, *s.provinces, *s.clusters]) or "、".join(
            [*u.provinces, *u.cities, *u.clusters]) or (
            f"所在专家组（{s.panel_member}）" if s.panel_member else "无")
        rows.append([u.username, u.role_label, u.name, scope, tokens])
    typer.echo(_table(rows) if entries else "还没有用户：designation user add USERNAME --role … --name …")


@user_app.command("token")
def user_token(
    username: str = typer.Argument(..., help="用户名"),
    label: str = typer.Option("", "--label", help="令牌用途备注"),
) -> None:
    """为用户生成一个 API 令牌。令牌只显示这一次，库中只存其哈希。"""
    token = _users().issue_token(username, label)
    typer.echo(token)
    typer.echo("（令牌只显示这一次；用法：Authorization: Bearer <令牌>，或 DESIGNATION_TOKEN=<令牌>）", err=True)


# ---------------------------------------------------------------- clusters, actions, radar


def _stage_label(value: str) -> str:
    from domain.cnlic.model import Stage

    try:
        return Stage(value).label
    except ValueError:
        return value


@cluster_app.command("list")
def cluster_list(
    token: str = TOKEN,
    stage: str = typer.Option(None, "--stage", help="阶段，如 designated"),
    title_status: str = typer.Option(None, "--title-status", help="称号状态，如 valid"),
    tier: str = typer.Option(None, "--tier"),
    industry: str = typer.Option(None, "--industry"),
    province: str = typer.Option(None, "--province"),
    overdue: bool = typer.Option(None, "--overdue/--not-overdue", help="有/无逾期时限"),
    within: int = typer.Option(None, "--within", help="有时限在 N 个工作日内到期"),
    page: int = typer.Option(1, "--page", min=1),
    per_page: int = typer.Option(50, "--per-page", min=1, max=200),
    as_json: bool = typer.Option(False, "--json", help="每行一个 JSON 对象"),
) -> None:
    """列出范围内的集群（读模型）。"""
    from domain.cnlic import labels
    from domain.errors import DomainError
    from domain.cnlic.model import Stage, TitleStatus
    from store.cnlic.readmodel import ClusterFilter

    if stage is not None and stage not in {s.value for s in Stage}:
        raise DomainError("invalid_data", f"阶段“{stage}”无效，可选：{', '.join(s.value for s in Stage)}")
    if title_status is not None and title_status not in {t.value for t in TitleStatus}:
        raise DomainError("invalid_data", f"称号状态“{title_status}”无效，可选：{', '.join(t.value for t in TitleStatus)}")

    async def go():
        async with _service(token) as (console, user):
            f = ClusterFilter(stage=stage, title_status=title_status, tier=tier, industry=industry,
                              province=province, overdue=overdue)
            result = await console.clusters(user, f, within, page, per_page)
            return result, console.overdue_of(result)

    result, late = asyncio.run(go())
    if as_json:
        for c in result.items:
            _echo_json({"key": c.key, "title": c.title, "stage": c.stage, "title_status": c.title_status,
                        "industry": c.industry, "province": c.province, "valid_until": c.valid_until,
                        "next_deadline": c.next_deadline, "overdue": c.overdue,
                        "overdue_items": [{"what": o.what, "due": o.due, "days_overdue": o.days_overdue}
                                          for o in late.get(c.key, [])]})
        return
    rows: list[list[Any]] = [["编号", "阶段", "称号", "行业", "省份", "有效期至", "下一时限", "逾期"]]
    for c in result.items:
        rows.append([c.key, _stage_label(c.stage), c.title or c.name, c.industry, c.province, c.valid_until or "",
                     f"{c.next_deadline or ''} {labels.deadline_label(c.next_deadline_what) if c.next_deadline else ''}".strip(),
                     "；".join(f"{labels.deadline_label(o.what)} {o.due} 截止，已逾期 {o.days_overdue} 天"
                              for o in late.get(c.key, [])) or ("是" if c.overdue else "")])
    typer.echo(_table(rows))
    typer.echo(f"共 {result.total} 个，第 {result.page}/{result.pages} 页")


@cluster_app.command("show")
def cluster_show(
    key: str = typer.Argument(..., help="集群编号"),
    token: str = TOKEN,
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """一个集群：阶段、称号、未了时限（剩余工作日）、本用户可办理的操作。"""
    from domain.cnlic import labels
    from domain.cnlic.model import TitleStatus

    async def go():
        async with _service(token) as (console, user):
            return await console.cluster(user, key)

    d = asyncio.run(go())
    v = d.view
    if as_json:
        _echo_json({"key": v.key, "stage": v.stage, "procedure": v.procedure, "title": v.title,
                    "title_status": v.title_status, "valid_until": v.valid_until,
                    "deadlines": [{"what": x.what, "due": x.due, "overdue": x.overdue,
                                   "working_days_left": d.working_days_left[x.key]} for x in v.deadlines],
                    "actions": d.actions, "workflow_id": d.workflow_id, "temporal_url": d.temporal_url})
        return
    typer.echo(f"{v.key}  {v.title}")
    typer.echo(f"  阶段      {_stage_label(v.stage)}（{labels.procedure_label(v.procedure)}程序）")
    typer.echo(f"  称号      {TitleStatus(v.title_status).label}，有效期至 {v.valid_until or '—'}")
    for x in v.deadlines:
        left = f"已逾期 {-x.days_left} 天" if x.overdue else f"剩 {d.working_days_left[x.key]} 个工作日"
        typer.echo(f"  时限      {labels.deadline_label(x.what)} 截止 {x.due}，{left}")
    if d.revocation_on:
        typer.echo(f"  时限      {labels.deadline_label('overdue_revocation')} {d.revocation_on}"
                   f"（{v.expired_on} 起到期未复评，§四(四)）")
    actions = "、".join(labels.action_label(a) for a in d.actions) or "无"
    typer.echo(f"  可办理    {actions}")
    if d.temporal_url:
        typer.echo(f"  工作流    {d.temporal_url}")


@app.command("act")
def act(
    cluster: str = typer.Argument(..., help="集群编号（hold_meeting 时写 -；record_joint_document 写 - 为整次会议发文）"),
    action: str = typer.Argument(..., help="操作，与场景文件中的 action 相同"),
    data: str = typer.Option(None, "--data", help="操作数据文件（JSON 或 YAML，- 为标准输入；报送年度报表亦可用附件五 .xlsx）"),
    token: str = TOKEN,
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """以令牌所属用户的身份办理一项操作；被规则拒绝时打印规则代码和说明，退出码 2。"""
    from domain.cnlic import labels

    from service.cnlic.actions import checked

    # the action's schema (the API's request body) before connecting: one Chinese line naming the field, exit 2
    payload = checked(action, _action_data(action, data) if data else {})

    async def go():
        async with _service(token) as (console, user):
            if action == "hold_meeting":
                return await console.hold_meeting(user, payload)
            if action == "record_joint_document" and cluster == "-":
                return await console.record_joint_document(user, payload)
            return await console.act(user, cluster, action, payload)

    result = asyncio.run(go())
    if action == "record_joint_document" and cluster == "-":
        _echo_document(result, as_json)
        return
    if action == "hold_meeting":
        if as_json:
            _echo_json({"meeting_id": result.meeting_id, "held_on": result.held_on, "decisions": result.decisions})
        else:
            typer.echo(f"已记录会长办公会 {result.meeting_id}：" +
                       "；".join(f"{k} {labels.decision_label(v)}" for k, v in result.decisions.items()))
        return
    if as_json:
        _echo_json({"action": result.action, "stage": result.stage, "title_status": result.title_status,
                    "valid_until": result.valid_until})
    else:
        typer.echo(f"已办理 {labels.action_label(action)}：{cluster} 现为“{_stage_label(result.stage)}”")


def _echo_document(result, as_json: bool) -> None:
    doc = result.document
    if as_json:
        _echo_json({"meeting_id": result.meeting_id, "number": doc.number, "issued_on": doc.issued_on,
                    "bodies": doc.bodies, "clusters": doc.clusters})
    else:
        typer.echo(f"已记录会长办公会 {result.meeting_id} 的联合发文 {doc.number}（{doc.issued_on}，"
                   f"{'、'.join(doc.bodies)}）：授予称号 {'、'.join(doc.clusters)}，有效期自发文日期起算")


@app.command("meeting-document")
def meeting_document(
    number: str = typer.Option(..., "--number", help="联合发文文号，如 中轻联综字〔2027〕12号"),
    issued_on: str = typer.Option(..., "--issued-on", help="发文日期 YYYY-MM-DD（不早于会议日期、不晚于今天）"),
    body: list[str] = typer.Option(None, "--body", help="发文单位（可重复；默认 中国轻工业联合会）"),
    meeting: str = typer.Option("", "--meeting", help="会长办公会编号；默认最近一次尚未发文的会议"),
    token: str = TOKEN,
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """记录一次会长办公会批准事项的联合发文（§三(四)）：发往该次会议批准的每个集群，称号有效期自发文日期起算。"""
    from service.cnlic.actions import checked

    data = {"number": number, "issued_on": issued_on, "meeting_id": meeting}
    if body:
        data["bodies"] = list(body)
    payload = checked("record_joint_document", data)

    async def go():
        async with _service(token) as (console, user):
            return await console.record_joint_document(user, payload)

    _echo_document(asyncio.run(go()), as_json)


@app.command("radar")
def radar(
    token: str = TOKEN,
    within: int = typer.Option(None, "--within", help="只看 N 个工作日内到期的"),
    overdue: bool = typer.Option(False, "--overdue", help="只看已逾期的"),
    limit: int = typer.Option(200, "--limit", min=1, max=1000),
    as_json: bool = typer.Option(False, "--json", help="每行一个 JSON 对象"),
) -> None:
    """时限雷达：范围内所有未了时限，最早到期的在前，逾期标出。"""
    from domain.cnlic import labels

    async def go():
        async with _service(token) as (console, user):
            return await console.radar(user, within, overdue, limit)

    total, items = asyncio.run(go())
    if as_json:
        for e in items:
            _echo_json({"cluster": e.cluster_key, "what": e.what, "due": e.due, "overdue": e.overdue,
                        "working_days_left": e.working_days_left, "days_left": e.days_left})
        return
    rows: list[list[Any]] = [["截止", "剩余", "时限", "集群", "称号"]]
    for e in items:
        left = f"已逾期 {-e.days_left} 天" if e.overdue else f"{e.working_days_left} 个工作日"
        rows.append([e.due, left, labels.deadline_label(e.what), e.cluster_key, e.title or e.cluster_name])
    typer.echo(_table(rows))
    typer.echo(f"共 {total} 项")
