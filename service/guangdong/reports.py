"""Reading across zones (RULES.md "Program 3": "a provincial summary table (all zones × key
fields, year-on-year)"): the province's summary of a round — every zone in the reader's scope,
the key fields of the form it submitted this year and last, with growth — as a page, an XLSX
and a chart (SVG), and a zone's history over the years."""

from __future__ import annotations

import io
from dataclasses import dataclass
from html import escape
from typing import Any

from sqlalchemy.engine import Engine

from domain.guangdong import access
from domain.guangdong.form import BY_KEY, KEY_FIELDS, Field, display
from domain.guangdong.labels import step_label
from domain.guangdong.zones import Zone
from domain.roles import User
from store.guangdong import repo

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Cell:
    this_year: Any
    last_year: Any
    growth: float | None  # % (percentage points are not used: the key fields are amounts)


@dataclass(frozen=True)
class SummaryRow:
    zone: Zone
    step: str | None
    late: bool
    overdue: bool
    returns: int
    cells: dict[str, Cell]


@dataclass(frozen=True)
class Summary:
    data_year: int
    fields: tuple[Field, ...]
    rows: list[SummaryRow]
    totals: dict[str, Cell]


def _growth(a: Any, b: Any) -> float | None:
    if a is None or b is None or float(b) == 0:
        return None
    return round((float(a) - float(b)) / abs(float(b)) * 100, 2)


def summary(engine: Engine, user: User, data_year: int) -> Summary:
    zones = access.visible(user, repo.zones(engine))
    keys = [z.key for z in zones]
    filings = {f.zone_key: f for f in repo.filings(engine, data_year, keys)}
    forms = repo.submitted_forms(engine, [data_year, data_year - 1], keys)
    fields = tuple(BY_KEY[k] for k in KEY_FIELDS)
    rows = []
    sums: dict[str, list[float]] = {k: [0.0, 0.0] for k in KEY_FIELDS}
    for z in zones:
        this = (forms.get((data_year, z.key)) or {}).get("form") or {}
        last = (forms.get((data_year - 1, z.key)) or {}).get("form") or {}
        cells = {}
        for k in KEY_FIELDS:
            a, b = this.get(k), last.get(k)
            cells[k] = Cell(a, b, _growth(a, b))
            if a is not None and b is not None:  # totals compare like with like: zones with both years
                sums[k][0] += float(a)
                sums[k][1] += float(b)
        f = filings.get(z.key)
        rows.append(SummaryRow(z, f.step if f else None, bool(f and f.late), bool(f and f.overdue_since), f.returns if f else 0,
                               cells))
    totals = {k: Cell(round(a, 4), round(b, 4), _growth(a, b)) for k, (a, b) in sums.items()}
    return Summary(data_year, fields, rows, totals)


def _pct(g: float | None) -> str:
    return "—" if g is None else f"{g:+.2f}%"


def summary_xlsx(s: Summary) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = f"{s.data_year}年度汇总"
    ws.cell(1, 1, f"广东省产业集群升级示范区 {s.data_year} 年度考核汇总（本年、上年与增长）").font = Font(bold=True, size=13)
    head = ["序号", "示范区", "地级市", "考核状态"]
    for f in s.fields:
        head += [f"{f.label} {s.data_year}", f"{s.data_year - 1}", "增长%"]
    for c, text in enumerate(head, 1):
        ws.cell(3, c, text).font = Font(bold=True)
        ws.cell(3, c).alignment = Alignment(wrap_text=True)
    r = 4
    for row in s.rows:
        values: list[Any] = [row.zone.no, row.zone.name, row.zone.city,
                             step_label(row.step) + ("（逾期）" if row.late or row.overdue else "") if row.step else "未开启"]
        for f in s.fields:
            cell = row.cells[f.key]
            values += [cell.this_year, cell.last_year, cell.growth]
        for c, v in enumerate(values, 1):
            ws.cell(r, c, v)
        r += 1
    ws.cell(r, 2, "合计（两年均有数据的示范区）").font = Font(bold=True)
    for i, f in enumerate(s.fields):
        t = s.totals[f.key]
        for j, v in enumerate((t.this_year, t.last_year, t.growth)):
            ws.cell(r, 5 + 3 * i + j, v)
    ws.column_dimensions["B"].width = 44
    ws.freeze_panes = "C4"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def summary_svg(s: Summary, key: str = "output") -> str:
    """A bar chart of one key field across the zones: this year beside last year."""
    f = BY_KEY[key]
    rows = [r for r in s.rows]
    top = max([float(v) for r in rows for v in (r.cells[key].this_year, r.cells[key].last_year) if v is not None] or [1])
    bar, gap, left, width = 9, 6, 300, 520
    height = 50 + len(rows) * (2 * bar + gap) + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 140}" height="{height}" '
             f'font-family="sans-serif" font-size="11" role="img" aria-label="{escape(f.label)}">',
             f'<text x="10" y="20" font-size="14" font-weight="bold">{escape(f.label)}：{s.data_year} 年（深色）与 '
             f'{s.data_year - 1} 年（浅色）</text>']
    y = 40
    for r in rows:
        cell = r.cells[key]
        parts.append(f'<text x="{left - 6}" y="{y + bar + 3}" text-anchor="end">{escape(r.zone.name[:22])}</text>')
        for i, (v, color) in enumerate(((cell.this_year, "#2b6cb0"), (cell.last_year, "#a3bfe0"))):
            w = 0 if v is None else max(1, round(float(v) / top * width))
            parts.append(f'<rect x="{left}" y="{y + i * bar}" width="{w}" height="{bar - 1}" fill="{color}"/>')
            if v is not None and i == 0:
                parts.append(f'<text x="{left + w + 4}" y="{y + bar - 1}">{escape(display(f, v))}'
                             f'{"（" + _pct(cell.growth) + "）" if cell.growth is not None else ""}</text>')
        y += 2 * bar + gap
    parts.append("</svg>")
    return "".join(parts)
