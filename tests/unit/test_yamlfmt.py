"""The bounded reader of the files people hand the service (domain.yamlfmt): every refusal is
one line naming the file, the line and column, and what is wrong."""

import time
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import yamlfmt
from domain.limits import LIMITS
from domain.yamlfmt import FileInvalid


def billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def refusal(data, **kwargs) -> FileInvalid:
    with pytest.raises(FileInvalid) as e:
        yamlfmt.load(data, "f.yaml", **kwargs)
    assert "\n" not in e.value.message and e.value.code == "file_invalid"
    return e.value


def test_yaml_keeps_on_a_string_and_reads_dates_and_json_alike():
    assert yamlfmt.load("on: 2026-01-05\nok: yes\n") == {"on": date(2026, 1, 5), "ok": "yes"}
    assert yamlfmt.load('{"held_on": "2026-01-05", "n": 1.5}') == {"held_on": "2026-01-05", "n": 1.5}
    assert yamlfmt.load("{decisions: {a: approve}}") == {"decisions": {"a": "approve"}}  # flow YAML, not JSON
    assert yamlfmt.load("") is None


def test_an_alias_is_refused_where_it_stands_unless_the_format_allows_aliases():
    e = refusal("a: &x [1]\nb: *x\n")
    assert e.message.startswith("f.yaml:2:4: ") and "别名" in e.message
    assert yamlfmt.load("a: &x [1]\nb: *x\n", aliases=True) == {"a": [1], "b": [1]}


@pytest.mark.parametrize("aliases", [False, True])
def test_a_billion_laughs_is_refused_at_once(aliases):
    started = time.perf_counter()
    e = refusal(billion_laughs(), aliases=aliases)
    assert time.perf_counter() - started < 0.5
    assert ("别名" in e.message) if not aliases else ("展开别名后超过" in e.message and e.message.startswith("f.yaml:6:"))


def test_an_alias_inside_its_own_anchor_is_refused():
    assert "循环引用" in refusal("a: &x [1, *x]\n", aliases=True).message


@pytest.mark.parametrize("text, at", [
    ("[" * 40 + "]" * 40, "f.yaml:1:33: "),
    ("a:\n" + "".join("  " * i + f"b{i}:\n" for i in range(1, 40)) + "  " * 40 + "x\n", "f.yaml:32:"),
])
def test_nesting_deeper_than_the_limit_is_refused_at_the_first_level_too_deep(text, at):
    e = refusal(text)
    assert e.message.startswith(at) and f"嵌套超过 {LIMITS.file_depth} 层" in e.message


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed():
    small = replace(LIMITS, file_bytes=64)
    with pytest.raises(FileInvalid) as e:
        yamlfmt.load("a: 1\nb: " + "x" * 100, "f.yaml", limits=small)
    assert e.value.message.startswith("f.yaml:2:") and "64 字节" in e.value.message
    assert "1 MiB" in refusal(b"a: " + b"x" * LIMITS.file_bytes).message


@pytest.mark.parametrize("text, at, fragment", [
    ('{"a": [1,\n NaN]}', "f.yaml:2:2: ", "NaN"),
    ('{"a": Infinity}', "f.yaml:1:7: ", "Infinity"),
    ('{"a": -Infinity}', "f.yaml:1:7: ", "-Infinity"),
    ('{"a": 1e400}', "f.yaml:1:7: ", "超出范围"),
    ("a: .nan", "f.yaml:1:4: ", "不是有限的数"),
    ("a: -.inf", "f.yaml:1:4: ", "不是有限的数"),
])
def test_nan_and_infinity_are_refused_with_their_position(text, at, fragment):
    e = refusal(text)
    assert e.message.startswith(at) and fragment in e.message


@pytest.mark.parametrize("text, at", [('{"a": "ok", "b": "x\\ud800y"}', "f.yaml:1:18: "), ('a: "x\\udc00"', "f.yaml:1:4: ")])
def test_a_lone_surrogate_is_refused_and_a_proper_pair_is_read(text, at):
    e = refusal(text)
    assert e.message.startswith(at) and "代理码位" in e.message
    assert yamlfmt.load('{"b": "\\ud83d\\ude00"}') == {"b": "\U0001F600"}


@pytest.mark.parametrize("text, at, fragment", [
    ("decisions: {x: approve}\nheld_on: 2026-13-45\n", "f.yaml:2:10: ", "日期 2026-13-45 无效：月份应为 1–12"),
    ("held_on: 2027-02-29\n", "f.yaml:1:10: ", "该月没有这一天"),
])
def test_an_unquoted_impossible_date_is_one_line_with_its_position(text, at, fragment):
    e = refusal(text)
    assert e.message.startswith(at) and fragment in e.message


@pytest.mark.parametrize("data, at, fragment", [
    ("a: [1, 2\nb: 3", "f.yaml:2:2: ", "缺少“,”或“]”"),
    ("a:\n\tb: 1", "f.yaml:2:1: ", "制表符"),
    ("a: !!python/object:os.system x", "f.yaml:1:4: ", "标签"),
    ("a: 1\n---\nb: 2", "f.yaml:2:1: ", "一个文档"),
    (b"a: \xff", "f.yaml:1:4: ", "UTF-8"),
    ("a: 1\nb: \x07", "f.yaml:2:4: ", "控制字符 U+0007"),
])
def test_syntax_errors_say_where_and_what_in_chinese(data, at, fragment):
    e = refusal(data)
    assert e.message.startswith(at) and fragment in e.message


def test_a_file_that_must_be_json_gets_json_errors():
    with pytest.raises(FileInvalid) as e:
        yamlfmt.load_json("{oops}", "sheet.json")
    assert e.value.message == "sheet.json:1:2: 不是有效的 JSON：键应为双引号括起的字符串"
    with pytest.raises(FileInvalid) as e:
        yamlfmt.load_json("[" * 100_000, "sheet.json")
    assert e.value.message.startswith("sheet.json:1:33: ") and "嵌套" in e.value.message


PIECES = [*"{}[]:,-&*!|>'\"#\n\t \\uabNI.0129\x07", "\\ud800", "&a ", "*a", "<<: ", "NaN", "---", "2026-13-45"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_any_text_is_either_read_or_refused_in_one_line(text):
    for read in (lambda: yamlfmt.load(text, "f.yaml", aliases=True), lambda: yamlfmt.load_json(text, "f.json")):
        try:
            read()
        except FileInvalid as e:
            assert "\n" not in e.message
