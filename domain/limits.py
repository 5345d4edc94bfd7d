"""Limits on everything a person or a file can hand the service (issue 9): checked at the
edge — the API, the pages, the CLI, the service layer — before Temporal sees anything, so no
text, list or body can grow a workflow's history, state or query result without bound.

The numbers are policy values (one frozen table, like ``domain.cnlic.policy``); documents belong in
attachments, not in text fields.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from domain.errors import DomainError


@dataclass(frozen=True)
class Limits:
    text_chars: int = 5_000  # one free text (an opinion, a reason, a finding)
    name_chars: int = 200  # a short string (a name, a key of a mapping)
    list_items: int = 50  # one list (findings, panel, supplement items, attachments)
    mapping_keys: int = 100  # one mapping (indicators, decisions)
    depth: int = 12  # nesting of an action's data
    action_bytes: int = 256 * 1024  # one action's data as JSON (UTF-8)
    http_body_bytes: int = 256 * 1024  # one HTTP request body: 413 beyond it
    meeting_decisions: int = 500  # clusters decided at one meeting
    # a file handed to the CLI (scenario, action data, calendar, score sheet): domain.yamlfmt
    file_bytes: int = 1024 * 1024
    file_depth: int = 32  # nesting, counted through YAML aliases
    file_nodes: int = 100_000  # values once YAML aliases are expanded: a billion laughs stops here
    # a simulator scenario shares its data through x- anchors, each step expanding one: a full
    # cycle is ~2,500 values a cluster, 300 clusters × 12 years ~750,000 (bench/simulate_scale.py)
    scenario_nodes: int = 1_000_000
    # a bulk-onboarding XLSX (issue 10): the upload's size (the HTTP limit for its path) and data rows
    import_file_bytes: int = 2 * 1024 * 1024
    import_rows: int = 2_000
    # attachments (issue 10 item 4, domain.attachments): one file per upload, its size (the HTTP
    # limit for the upload paths is this plus http_body_bytes for the form's other fields), and
    # how many a cluster may hold (each is one Update in its history)
    attachment_bytes: int = 20 * 1024 * 1024
    attachments_per_upload: int = 1
    attachments_per_cluster: int = 500
    # console logins: service.throttle
    login_failures: int = 5  # failed logins per username, or per client address, within the window
    login_window_seconds: int = 300
    login_lockout_seconds: int = 60  # then every login for it is refused, the right password too
    login_tracked: int = 10_000  # usernames and addresses remembered at once (oldest forgotten first)


LIMITS = Limits()


def _short(path: str) -> str:
    return path or "数据"


def check_data(value: Any, limits: Limits = LIMITS, *, what: str = "操作数据") -> None:
    """Refuse data over any limit, or that JSON cannot carry faithfully (NaN, Infinity,
    lone surrogates). Raises ``DomainError`` with a stable code naming the first problem."""
    _walk(value, limits, "", 0)
    try:
        size = len(json.dumps(value, ensure_ascii=False, allow_nan=False, default=str).encode("utf-8"))
    except (TypeError, ValueError) as e:  # pragma: no cover - _walk refuses these first
        raise DomainError("invalid_data", f"{what}无法表示为 JSON：{e}") from None
    if size > limits.action_bytes:
        raise DomainError(
            "data_too_large",
            f"{what}共 {size // 1024} KB，超过上限 {limits.action_bytes // 1024} KB；文件请作为附件上传，不要写在文字里",
            limit=limits.action_bytes, size=size,
        )


def _walk(value: Any, limits: Limits, path: str, depth: int) -> None:
    if depth > limits.depth:
        raise DomainError("data_too_deep", f"{_short(path)} 嵌套超过 {limits.depth} 层")
    if isinstance(value, str):
        _check_text(value, limits, path)
    elif isinstance(value, bool) or value is None or isinstance(value, int):
        return
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise DomainError("invalid_number", f"{_short(path)} 不是有限的数（NaN、Infinity 不是有效数值）")
    elif isinstance(value, dict):
        if len(value) > limits.mapping_keys:
            raise DomainError("too_many_items",
                              f"{_short(path)} 有 {len(value)} 项，超过上限 {limits.mapping_keys} 项",
                              limit=limits.mapping_keys)
        for k, v in value.items():
            key = str(k)
            if len(key) > limits.name_chars:
                raise DomainError("text_too_long", f"{_short(path)} 中有一个名称长 {len(key)} 字，超过上限 "
                                                   f"{limits.name_chars} 字", limit=limits.name_chars)
            _check_text(key, limits, path)
            _walk(v, limits, f"{path}.{key}" if path else key, depth + 1)
    elif isinstance(value, (list, tuple)):
        if len(value) > limits.list_items:
            raise DomainError("too_many_items",
                              f"{_short(path)} 有 {len(value)} 项，超过上限 {limits.list_items} 项",
                              limit=limits.list_items)
        for i, v in enumerate(value):
            _walk(v, limits, f"{path}[{i}]", depth + 1)
    else:
        # dates and other scalars the CLI's YAML may produce: carried as their text
        _check_text(str(value), limits, path)


def check_name(name: str, what: str, limits: Limits = LIMITS) -> str:
    """A short string the lifecycle keeps in its state (a body, a panel member, an item):
    bounded tighter than free text, so the workflow's state stays small."""
    if len(name) > limits.name_chars:
        raise DomainError("text_too_long", f"{what}“{name[:20]}…”长 {len(name)} 字，超过上限 {limits.name_chars} 字",
                          limit=limits.name_chars, size=len(name))
    return name


def _check_text(text: str, limits: Limits, path: str) -> None:
    if len(text) > limits.text_chars:
        raise DomainError(
            "text_too_long",
            f"{_short(path)} 长 {len(text)} 字，超过上限 {limits.text_chars} 字；长文件请作为附件上传",
            limit=limits.text_chars, size=len(text),
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise DomainError("invalid_text", f"{_short(path)} 含有无效字符（孤立的代理码位），请检查输入") from None
