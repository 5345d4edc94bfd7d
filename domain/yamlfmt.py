"""The files people hand the service (scenarios, action data, calendars, score sheets), read
with bounds (issue 9). YAML as our files use it: YAML 1.2 booleans, so the scenario key ``on:``
stays the string "on" (YAML 1.1 would read it, and yes/no/off, as booleans); JSON is valid
input and, when a file is JSON, is held to JSON's rules (no NaN, Infinity, lone surrogates).

The bounds are ``Limits.file_*``: bytes, nesting and the number of values once YAML aliases
are expanded, counted while the file is composed, so a "billion laughs" is refused before
anything copies it. Every refusal is one ``FileInvalid``: ``file:line:column: what`` (Chinese).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import yaml

from domain.errors import DomainError
from domain.limits import LIMITS, Limits


class FileInvalid(DomainError):
    """A file that cannot be read as data. ``message`` is ``file:line:column: what``."""

    def __init__(self, source: str, line: int, column: int, what: str) -> None:
        super().__init__("file_invalid", f"{source or '输入'}:{line}:{column}: {what}", line=line, column=column)
        self.what = what


class _Refused(Exception):
    """Raised inside the parsers; ``load`` names the file. Line and column count from 1."""

    def __init__(self, line: int, column: int, what: str) -> None:
        super().__init__(what)
        self.line, self.column, self.what = line, column, what

    @classmethod
    def at(cls, mark: Any, what: str) -> "_Refused":
        return cls(mark.line + 1, mark.column + 1, what)


_SURROGATE = re.compile("[\ud800-\udfff]")
_DATE_PROBLEMS = {
    "month must be in 1..12": "月份应为 1–12",
    "day is out of range for month": "该月没有这一天",
    "year 0 is out of range": "年份不能为 0",
    "hour must be in 0..23": "小时应为 0–23",
    "minute must be in 0..59": "分钟应为 0–59",
    "second must be in 0..59": "秒应为 0–59",
}


class _Loader(yaml.SafeLoader):
    """SafeLoader with our booleans and the file bounds. Aliases (``*name``) only where the
    format documents them (scenarios' ``x-`` anchors); their expansion is counted all the same."""

    def __init__(self, text: str, limits: Limits = LIMITS, aliases: bool = False) -> None:
        super().__init__(text)
        self.limits, self.aliases = limits, aliases
        self._depth = 0
        self._sizes: dict[int, tuple[int, int]] = {}  # id(node) -> (values once expanded, height)

    def compose_node(self, parent: Any, index: Any) -> Any:
        limits = self.limits
        mark = self.peek_event().start_mark
        if self.check_event(yaml.AliasEvent):
            if not self.aliases:
                raise _Refused.at(mark, "此文件不接受 YAML 别名（*名称），请把内容直接写出")
            node = super().compose_node(parent, index)
            if id(node) not in self._sizes:
                raise _Refused.at(mark, "别名指向包含它自己的节点（循环引用）")
            if self._depth + self._sizes[id(node)][1] > limits.file_depth:
                raise _Refused.at(mark, f"嵌套超过 {limits.file_depth} 层（含别名展开）")
            return node
        self._depth += 1
        if self._depth > limits.file_depth:
            raise _Refused.at(mark, f"嵌套超过 {limits.file_depth} 层")
        node = super().compose_node(parent, index)
        self._depth -= 1
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        else:
            children = node.value if isinstance(node, yaml.SequenceNode) else []
        values, height = 1, 1
        for child in children:
            v, h = self._sizes[id(child)]
            values, height = values + v, max(height, h + 1)
        if values > limits.file_nodes:
            raise _Refused.at(mark, f"展开别名后超过 {limits.file_nodes} 个值（别名层层引用？）")
        self._sizes[id(node)] = (values, height)
        return node

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError):  # e.g. an integer past Python's digit limit
            shown = node.value[:40] if isinstance(node.value, str) else node.tag
            raise _Refused.at(node.start_mark, f"值“{shown}”无效") from None

    def construct_bounded_timestamp(self, node: Any) -> Any:
        try:
            return self.construct_yaml_timestamp(node)
        except ValueError as e:  # 2026-13-45 has the shape of a date, not the substance
            why = _DATE_PROBLEMS.get(str(e))
            raise _Refused.at(node.start_mark, f"日期 {node.value} 无效" + (f"：{why}" if why else "")) from None

    def construct_finite_float(self, node: Any) -> Any:
        value = self.construct_yaml_float(node)
        if not math.isfinite(value):
            raise _Refused.at(node.start_mark, f"“{node.value}”不是有限的数（不接受 NaN、无穷大）")
        return value

    def construct_whole_str(self, node: Any) -> Any:
        value = self.construct_yaml_str(node)
        if _SURROGATE.search(value):
            raise _Refused.at(node.start_mark, "字符串含孤立的代理码位（\\ud800–\\udfff），不是有效的文本")
        return value


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_bounded_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_finite_float)
_Loader.add_constructor("tag:yaml.org,2002:str", _Loader.construct_whole_str)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load(data: bytes | str, source: str = "", *, limits: Limits = LIMITS, aliases: bool = False) -> Any:
    """A YAML or JSON file's data; an empty file is None. ``aliases`` lets ``*name`` through
    (bounded by ``limits.file_nodes``); otherwise an alias is refused where it stands."""
    text = _text(data, source, limits)
    if text.lstrip()[:1] in ("{", "["):
        value = _json(text, source, limits, strict=False)
        if value is not _NOT_JSON:
            return value
    loader = None
    try:
        loader = _Loader(text, limits, aliases)  # its reader refuses control characters at once
        return loader.get_single_data()
    except _Refused as e:
        raise FileInvalid(source, e.line, e.column, e.what) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise FileInvalid(source, line, column, _yaml_problem(e.problem, e.context)) from None
    except yaml.reader.ReaderError as e:
        line, column = _position(text, e.position)
        code = e.character if isinstance(e.character, int) else ord(e.character[:1] or b"?")
        raise FileInvalid(source, line, column, f"含有不允许的控制字符 U+{code:04X}") from None
    except (yaml.YAMLError, RecursionError):
        raise FileInvalid(source, 1, 1, "不是有效的 YAML/JSON") from None
    finally:
        if loader is not None:
            loader.dispose()


def load_json(data: bytes | str, source: str = "", *, limits: Limits = LIMITS) -> Any:
    """A file that must be JSON (a score sheet): JSON's rules, no YAML fallback."""
    return _json(_text(data, source, limits), source, limits, strict=True)


def _text(data: bytes | str, source: str, limits: Limits) -> str:
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if len(raw) > limits.file_bytes:
        start = raw.rfind(b"\n", 0, limits.file_bytes) + 1
        column = len(raw[start:limits.file_bytes].decode("utf-8", "ignore")) + 1
        raise FileInvalid(source, raw.count(b"\n", 0, limits.file_bytes) + 1, column,
                          f"文件超过 {_bytes(limits.file_bytes)} 的上限（在此处超出）")
    if isinstance(data, str):
        return data
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        start = raw.rfind(b"\n", 0, e.start) + 1
        column = len(raw[start:e.start].decode("utf-8", "ignore")) + 1
        raise FileInvalid(source, raw.count(b"\n", 0, e.start) + 1, column,
                          "不是 UTF-8 编码的文本（请另存为 UTF-8）") from None


def _bytes(n: int) -> str:
    for unit, size in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n} 字节"


def _position(text: str, index: int) -> tuple[int, int]:
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


# ---------------------------------------------------------------- JSON

_NOT_JSON = object()
# JSON's lexical tokens outside strings: a string, a bare constant or number, an opening or closing bracket
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|([\[{])|([\]}])', re.S)
_JSON_PROBLEMS = {
    "Expecting value": "此处缺少值",
    "Expecting property name enclosed in double quotes": "键应为双引号括起的字符串",
    "Expecting ',' delimiter": "缺少“,”",
    "Expecting ':' delimiter": "缺少“:”",
    "Unterminated string starting at": "字符串没有结束的引号",
    "Invalid control character at": "字符串中有控制字符（换行、制表符须转义）",
    "Invalid \\escape": "无效的转义序列",
    "Invalid \\uXXXX escape": "无效的 \\u 转义",
    "Extra data": "JSON 之后还有多余的内容",
}


class _BadToken(Exception):
    def __init__(self, token: str, what: str) -> None:
        super().__init__(what)
        self.token, self.what = token, what


def _constant(name: str) -> Any:
    raise _BadToken(name, f"{name} 不是有效的 JSON 数值（不接受 NaN、Infinity）")


def _float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise _BadToken(literal, f"数值 {literal[:40]} 超出范围")
    return value


def _int(literal: str) -> int:
    try:
        return int(literal)
    except ValueError:  # past Python's digit limit for int()
        raise _BadToken(literal, f"整数 {literal[:20]}… 位数过多") from None


def _json(text: str, source: str, limits: Limits, *, strict: bool) -> Any:
    depth = 0
    for m in _TOKENS.finditer(text):
        if m.group(2):
            depth += 1
            if depth > limits.file_depth:
                if not strict:
                    return _NOT_JSON  # the YAML reader names the place just as well
                raise FileInvalid(source, *_position(text, m.start()), f"嵌套超过 {limits.file_depth} 层")
        elif m.group(3):
            depth -= 1
    try:
        value = json.loads(text, parse_constant=_constant, parse_float=_float, parse_int=_int)
    except _BadToken as e:
        at = next((m.start() for m in _TOKENS.finditer(text) if m.group(1) == e.token), 0)
        raise FileInvalid(source, *_position(text, at), e.what) from None
    except json.JSONDecodeError as e:
        if not strict:
            return _NOT_JSON
        what = next((zh for en, zh in _JSON_PROBLEMS.items() if e.msg.startswith(en)), "语法错误")
        raise FileInvalid(source, e.lineno, e.colno, f"不是有效的 JSON：{what}") from None
    except RecursionError:  # pragma: no cover - the depth count above comes first
        raise FileInvalid(source, 1, 1, f"嵌套超过 {limits.file_depth} 层") from None
    if _has_surrogate(value):
        for m in _TOKENS.finditer(text):
            if m.group().startswith('"') and _SURROGATE.search(json.loads(m.group())):
                raise FileInvalid(source, *_position(text, m.start()),
                                  "字符串含孤立的代理码位（\\ud800–\\udfff），不是有效的文本")
    return value


def _has_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False


# ---------------------------------------------------------------- YAML's problems, in Chinese

_YAML_PROBLEMS = (
    ("found character '\\t' that cannot start any token", "不能用制表符缩进，请用空格"),
    ("could not find expected ':'", "缺少“:”（键之后应有冒号和空格）"),
    ("mapping values are not allowed here", "此处不能出现“键: 值”（缩进不对，或值中的冒号须加引号）"),
    ("found undefined alias", "别名没有定义（*名称 之前须有 &名称）"),
    ("found duplicate anchor", "锚点名称重复"),
    ("found unexpected end of stream", "文件意外结束（引号或括号没有闭合？）"),
    ("expected ',' or ']'", "缺少“,”或“]”"),
    ("expected ',' or '}'", "缺少“,”或“}”"),
    ("expected <block end>", "缩进不一致"),
    ("did not find expected key", "缩进不一致，或缺少键"),
    ("did not find expected '-' indicator", "列表的缩进不一致"),
    ("could not determine a constructor for the tag", "不接受这个 YAML 标签（!!…）"),
    ("found unknown escape character", "未知的转义字符"),
    ("expected a single document", "文件中只能有一个文档（不要用 ---）"),
    ("found character", "含有不能作为开头的字符"),
    ("found unhashable key", "键不能是列表或对象"),
)


def _yaml_problem(*said: str | None) -> str:
    """PyYAML says what is wrong in the problem or, for a second document, in the context."""
    zh = next((zh for text in said if text for en, zh in _YAML_PROBLEMS if text.startswith(en)), None)
    return f"不是有效的 YAML/JSON：{zh}" if zh else "不是有效的 YAML/JSON"
