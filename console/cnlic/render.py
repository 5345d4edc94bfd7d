"""Server-rendered SVG for the pages: the lifecycle diagram drawn from the domain machine's
transition table (with a count on every stage), and a cluster's timeline chart (stages and
deadlines on a time axis). No JavaScript, no external assets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from typing import Iterable, Mapping, Sequence

from domain.cnlic.machine import ACTION_LABELS, TABLE
from domain.cnlic.model import TERMINAL_STAGES, DeadlineKind, Event, Stage

STAGE_COLORS = {
    Stage.CULTIVATION: "#8fb3d9",
    Stage.APPLIED: "#f2c14e",
    Stage.ACCEPTED: "#f2a541",
    Stage.SITE_EVALUATION: "#f08a4b",
    Stage.ASSOCIATION_OPINION: "#e56b6f",
    Stage.FORMAL_REVIEW: "#b56576",
    Stage.AWAITING_MEETING: "#6d597a",
    Stage.APPROVED: "#457b9d",
    Stage.DESIGNATED: "#2a9d8f",
    Stage.RECTIFICATION: "#e9c46a",
    Stage.EXPIRED: "#a8a8a8",
    Stage.REVOKED: "#6c757d",
    Stage.WITHDRAWN: "#adb5bd",
    Stage.REFUSED: "#9d0208",
}
AUTO_LABELS = {
    "expire": "有效期届满",
    "lapse_rectification": "整改期满未申请复查",
    "revoke_overdue": "到期未复评超过两年",
    "extend": "复评中延续",
    "meeting_approve": "会长办公会批准",
    "meeting_refuse": "会长办公会不予批准",
    "meeting_defer": "会长办公会暂缓",
}


def trigger_label(trigger: str) -> str:
    return ACTION_LABELS.get(trigger) or AUTO_LABELS.get(trigger, trigger)


# ---------------------------------------------------------------- the lifecycle diagram


@dataclass(frozen=True)
class Edge:
    source: Stage
    dest: Stage
    triggers: tuple[str, ...]
    back: bool


def machine_graph() -> tuple[dict[Stage, int], list[Edge]]:
    """Ranks (longest path from cultivation, back edges set aside) and the edges of the
    transition table, merged per (source, dest)."""
    merged: dict[tuple[Stage, Stage], list[str]] = {}
    for row in TABLE:
        if row.dest is None:
            continue
        for source in row.sources:
            if source != row.dest:
                triggers = merged.setdefault((source, row.dest), [])
                if row.trigger not in triggers:
                    triggers.append(row.trigger)
    successors: dict[Stage, list[Stage]] = {}
    for source, dest in merged:
        successors.setdefault(source, []).append(dest)
    state: dict[Stage, int] = {}
    back: set[tuple[Stage, Stage]] = set()

    def visit(node: Stage) -> None:
        state[node] = 1
        for nxt in successors.get(node, []):
            if state.get(nxt) == 1:
                back.add((node, nxt))
            elif nxt not in state:
                visit(nxt)
        state[node] = 2

    visit(Stage.CULTIVATION)
    rank = {s: 0 for s in Stage}
    for _ in range(len(Stage)):
        for (source, dest) in merged:
            if (source, dest) not in back and rank[dest] < rank[source] + 1:
                rank[dest] = rank[source] + 1
    edges = [Edge(s, d, tuple(t), (s, d) in back) for (s, d), t in merged.items()]
    return rank, edges


def _layout(rank: Mapping[Stage, int], edges: Sequence[Edge]) -> dict[Stage, tuple[int, int]]:
    """(column, row): the main line of the lifecycle on row 0, terminal outcomes at the
    bottom, everything else between."""
    main: set[Stage] = set()
    node = Stage.CULTIVATION
    while node is not None:
        main.add(node)
        forward = [e.dest for e in edges if e.source == node and not e.back and rank[e.dest] == rank[node] + 1
                   and e.dest not in TERMINAL_STAGES]
        node = forward[0] if forward else None
    taken: set[tuple[int, int]] = set()
    out: dict[Stage, tuple[int, int]] = {}
    for stage in sorted(Stage, key=lambda s: (s not in main, s in TERMINAL_STAGES, rank[s])):
        row = 0 if stage in main else 2 if stage in TERMINAL_STAGES else 1
        col = rank[stage]
        while (col, row) in taken:
            row += 1
        taken.add((col, row))
        out[stage] = (col, row)
    return out


def lifecycle_svg(counts: Mapping[str, int], link: str = "/clusters?stage=") -> str:
    rank, edges = machine_graph()
    pos = _layout(rank, edges)
    col_w, row_h, node_w, node_h, left, top = 128, 92, 104, 50, 16, 58
    cols = max(c for c, _ in pos.values()) + 1
    rows = max(r for _, r in pos.values()) + 1
    width = left * 2 + cols * col_w
    height = top + (rows - 1) * row_h + node_h + 16

    def box(stage: Stage) -> tuple[float, float]:
        c, r = pos[stage]
        return left + c * col_w + (col_w - node_w) / 2, top + r * row_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="lifecycle" role="img" '
        f'aria-label="共建授名生命周期">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker>'
        '<marker id="arrow-faint" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#b7b7b7"/></marker></defs>',
    ]
    # transitions that leave every stage of a procedure alike (withdraw, revoke, expire)
    # are drawn once, as a bus under their sources, instead of one curve per source
    groups: dict[tuple[Stage, tuple[str, ...]], list[Edge]] = {}
    for e in edges:
        if not e.back and pos[e.source][1] == 0 and not (pos[e.dest][1] == 0 and
                                                          pos[e.dest][0] == pos[e.source][0] + 1):
            groups.setdefault((e.dest, e.triggers), []).append(e)
    bused = {id(e) for g in groups.values() if len(g) >= 3 for e in g}
    lane = 0
    for (dest, triggers), group in groups.items():
        if not group or id(group[0]) not in bused:
            continue
        lane += 1
        y_bus = top + node_h + 8 + lane * 7
        xs = sorted(box(e.source)[0] + node_w / 2 + (lane - 2) * 4 for e in group)
        title = escape(f"{'、'.join(e.source.label for e in group)} → {dest.label}："
                       f"{'、'.join(trigger_label(t) for t in triggers)}")
        d = "".join(f"M{x0:.0f},{top + node_h:.0f} L{x0:.0f},{y_bus:.0f} " for x0 in xs)
        d += f"M{xs[0]:.0f},{y_bus:.0f} L{xs[-1]:.0f},{y_bus:.0f} "
        dx, dy = box(dest)
        x2 = dx + node_w / 2 + (lane - 2) * 5
        if pos[dest][1] == 0:
            end_x = max(xs[-1], x2)
            d += f"L{end_x:.0f},{y_bus:.0f} L{x2:.0f},{y_bus:.0f} L{x2:.0f},{dy + node_h:.0f}"
        else:
            d += f"C{xs[-1] + 40:.0f},{y_bus:.0f} {x2:.0f},{y_bus:.0f} {x2:.0f},{dy:.0f}"
        parts.append(f'<path class="edge side bus" d="{d}" marker-end="url(#arrow-faint)"><title>{title}</title></path>')
    back_lane = 0
    for e in edges:
        if id(e) in bused:
            continue
        sx, sy = box(e.source)
        dx, dy = box(e.dest)
        title = escape(f"{e.source.label} → {e.dest.label}：{'、'.join(trigger_label(t) for t in e.triggers)}")
        (sc, sr), (dc, dr) = pos[e.source], pos[e.dest]
        if e.back:
            back_lane += 1
            lift = 14 + back_lane * 9
            x1, x2 = sx + node_w / 2 + back_lane * 6, dx + node_w / 2 + back_lane * 6
            y1, y2 = sy, dy
            if sr:
                x1, y1 = sx + node_w, sy + node_h / 2
            d = f"M{x1:.0f},{y1:.0f} C{x1:.0f},{top - lift:.0f} {x2:.0f},{top - lift:.0f} {x2:.0f},{y2:.0f}"
            parts.append(f'<path class="edge back" d="{d}" marker-end="url(#arrow)"><title>{title}</title></path>')
            continue
        if sr == dr and dc == sc + 1:
            d = f"M{sx + node_w:.0f},{sy + node_h / 2:.0f} L{dx:.0f},{dy + node_h / 2:.0f}"
            parts.append(f'<path class="edge main" d="{d}" marker-end="url(#arrow)"><title>{title}</title></path>')
            continue
        x1, y1 = sx + node_w / 2, sy + node_h
        if dr > sr:
            x2, y2 = dx + node_w / 2, dy
        elif dr == sr:
            x1, y1 = sx + node_w / 2, sy + node_h
            x2, y2 = dx + node_w / 2, dy + node_h
        else:
            x2, y2 = dx + node_w / 2, dy + node_h
        bend = max(y1, y2) + 26 if dr == sr else (y1 + y2) / 2
        d = f"M{x1:.0f},{y1:.0f} C{x1:.0f},{bend:.0f} {x2:.0f},{bend:.0f} {x2:.0f},{y2:.0f}"
        parts.append(f'<path class="edge side" d="{d}" marker-end="url(#arrow-faint)"><title>{title}</title></path>')
    for stage in Stage:
        x, y = box(stage)
        n = counts.get(stage.value, 0)
        cls = "node terminal" if stage in TERMINAL_STAGES else "node"
        parts.append(
            f'<a href="{escape(link)}{stage.value}" class="{cls}" data-stage="{stage.value}">'
            f'<title>{escape(stage.label)}（{stage.value}）：{n} 个集群</title>'
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{node_w}" height="{node_h}" rx="8" '
            f'fill="{STAGE_COLORS.get(stage, "#ccc")}"/>'
            f'<text x="{x + node_w / 2:.0f}" y="{y + 20:.0f}" class="node-label">{escape(stage.label)}</text>'
            f'<text x="{x + node_w / 2:.0f}" y="{y + 40:.0f}" class="node-count">{n}</text></a>'
        )
    parts.append("</svg>")
    return "".join(parts)


# ---------------------------------------------------------------- a cluster's timeline


@dataclass
class Bar:
    label: str
    start: date
    end: date
    kind: str  # stage | deadline
    color: str
    due: date | None = None
    state: str = ""  # open | cleared | overdue | late


def timeline_bars(events: Iterable[Event], today: date, open_keys: Iterable[str] = ()) -> tuple[list[Bar], list[Bar]]:
    events = sorted(events, key=lambda e: e.seq)
    stages: list[Bar] = []
    for e in events:
        if e.kind != "stage":
            continue
        to = e.data.get("to")
        try:
            stage = Stage(to)
        except ValueError:
            continue
        if stages:
            stages[-1].end = e.on
        stages.append(Bar(stage.label, e.on, today, "stage", STAGE_COLORS.get(stage, "#ccc"), state=stage.value))
    if stages and stages[-1].state in {s.value for s in TERMINAL_STAGES}:
        stages[-1].end = stages[-1].start
    deadlines: list[Bar] = []
    current: dict[str, Bar] = {}
    for e in events:
        key = e.data.get("key")
        if e.kind == "deadline" and key:
            try:
                label = DeadlineKind(e.data.get("what")).label
            except ValueError:
                label = str(e.data.get("what"))
            due = date.fromisoformat(e.data["due"])
            bar = Bar(label, e.on, due, "deadline", "#4c78a8", due=due, state="open")
            current[key] = bar
            deadlines.append(bar)
        elif e.kind == "deadline_moved" and key in current:
            bar = current[key]
            bar.due = bar.end = date.fromisoformat(e.data["new_due"])
            bar.label = f"{bar.label}（已调整）"
        elif e.kind == "overdue" and key in current:
            current[key].state = "overdue"
            current[key].color = "#d62828"
        elif e.kind == "deadline_cleared" and key in current:
            bar = current.pop(key)
            bar.end = max(bar.start, min(e.on, bar.due or e.on))
            bar.state = "late" if bar.state == "overdue" else "cleared"
            bar.color = "#d62828" if bar.state == "late" else "#9db4c8"
    return stages, deadlines


def timeline_svg(events: Sequence[Event], today: date, max_deadlines: int = 24) -> str:
    stages, deadlines = timeline_bars(events, today)
    deadlines = deadlines[-max_deadlines:]
    if not stages and not deadlines:
        return ""
    dates = [b.start for b in stages + deadlines] + [b.end for b in stages + deadlines] + [today]
    dates += [b.due for b in deadlines if b.due]
    lo, hi = min(dates), max(dates)
    span = max((hi - lo).days, 14)
    lo -= timedelta(days=max(2, span // 40))
    hi += timedelta(days=max(3, span // 25))
    left, right, width = 190, 20, 960
    row_h, top = 22, 34
    plot_w = width - left - right
    total = (hi - lo).days or 1

    def x(d: date) -> float:
        return left + (d - lo).days / total * plot_w

    height = top + row_h * (1 + len(deadlines)) + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="timeline" role="img" '
             f'aria-label="时间线：阶段与时限">']
    for tick, label in _ticks(lo, hi):
        tx = x(tick)
        parts.append(f'<line x1="{tx:.1f}" y1="{top - 6}" x2="{tx:.1f}" y2="{height - 24}" class="grid"/>')
        parts.append(f'<text x="{tx:.1f}" y="{top - 12}" class="tick">{label}</text>')
    parts.append(f'<text x="8" y="{top + 15}" class="row-label">阶段</text>')
    terminal = {s.value for s in TERMINAL_STAGES}
    for b in stages:
        current = b is stages[-1] and b.state not in terminal
        x1, x2 = x(b.start), max(x(hi if current else b.end), x(b.start) + 3)
        since = f"{b.start} 起，至今" if current else f"{b.start} 至 {b.end}"
        parts.append(f'<rect x="{x1:.1f}" y="{top + 2}" width="{x2 - x1:.1f}" height="{row_h - 4}" '
                     f'fill="{b.color}" class="stage-bar{" current" if current else ""}">'
                     f'<title>{escape(b.label)}：{since}</title></rect>')
        if x2 - x1 > 14 * len(b.label):
            parts.append(f'<text x="{x1 + 4:.1f}" y="{top + 15}" class="bar-label">{escape(b.label)}</text>')
    for i, b in enumerate(deadlines, start=1):
        y = top + i * row_h
        parts.append(f'<text x="8" y="{y + 15}" class="row-label">{escape(b.label[:14])}</text>')
        x1, x2 = x(b.start), max(x(b.end), x(b.start) + 2)
        state = {"open": "进行中", "cleared": "已解除", "overdue": "已逾期", "late": "逾期后解除"}[b.state]
        parts.append(f'<rect x="{x1:.1f}" y="{y + 7}" width="{x2 - x1:.1f}" height="8" rx="3" fill="{b.color}" '
                     f'class="deadline-bar {b.state}"><title>{escape(b.label)}：{b.start} 起算，{b.due} 截止（{state}）'
                     f'</title></rect>')
        if b.due:
            dx = x(b.due)
            parts.append(f'<path d="M{dx:.1f},{y + 4} l5,7 l-5,7 l-5,-7 z" class="due {b.state}">'
                         f'<title>{escape(b.label)} 截止 {b.due}</title></path>')
    tx = x(today)
    parts.append(f'<line x1="{tx:.1f}" y1="{top - 4}" x2="{tx:.1f}" y2="{height - 24}" class="today"/>')
    parts.append(f'<text x="{tx:.1f}" y="{height - 10}" class="today-label">今天 {today}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _ticks(lo: date, hi: date) -> list[tuple[date, str]]:
    span = (hi - lo).days
    out: list[tuple[date, str]] = []
    if span <= 70:
        d = lo + timedelta(days=(7 - lo.weekday()) % 7)
        while d <= hi:
            out.append((d, f"{d.month}/{d.day}"))
            d += timedelta(days=7)
    elif span <= 900:
        step = 1 if span <= 400 else 3
        d = date(lo.year, lo.month, 1)
        while d <= hi:
            if d >= lo and (d.month - 1) % step == 0:
                out.append((d, f"{d.year}-{d.month:02d}" if d.month == 1 or not out else f"{d.month}月"))
            d = date(d.year + (d.month // 12), d.month % 12 + 1, 1)
    else:
        for year in range(lo.year + 1, hi.year + 1):
            out.append((date(year, 1, 1), str(year)))
    return out
