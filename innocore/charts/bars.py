"""Horizontal bar charts (a value per label) and grouped column charts (series over periods)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from innocore.charts.svg import LINE, MUTED, PALETTE, document, empty, esc, fit, nice_step, number, text, text_width


def bar_chart(
    rows: Sequence[tuple[str, float]],
    *,
    title: str,
    width: int = 640,
    bar_height: int = 22,
    colour: str = PALETTE[0],
    empty_message: str = "No data",
) -> str:
    """One horizontal bar per (label, value), longest bar = largest value, value printed after it."""
    if not rows:
        return empty(width, 80, title, empty_message)
    size, gap, top = 12, 6, 8
    label_w = min(max(text_width(label, size) for label, _v in rows) + 16, width * 0.4)
    value_w = max(text_width(number(v), size) for _l, v in rows) + 10
    span = max(width - label_w - value_w - 8, 20)
    top_value = max((v for _l, v in rows), default=0) or 1
    body = []
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_height + gap)
        length = max(span * max(value, 0) / top_value, 1 if value else 0)
        mid = y + bar_height / 2 + size * 0.35
        body.append(text(label_w - 8, mid, fit(label, size, label_w - 10), anchor="end"))
        body.append(
            f'<rect x="{label_w:.1f}" y="{y:.1f}" width="{length:.1f}" height="{bar_height}" fill="{colour}">'
            f"<title>{esc(label)}: {esc(number(value))}</title></rect>"
        )
        body.append(text(label_w + length + 6, mid, number(value), fill=MUTED))
    height = top * 2 + len(rows) * (bar_height + gap)
    return document(width, height, title, body)


def column_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str,
    width: int = 720,
    height: int = 300,
    empty_message: str = "No data",
) -> str:
    """Grouped columns: for each category (say a quarter) one column per series, with a legend."""
    if not categories or not series or not any(any(v for v in values) for _n, values in series):
        return empty(width, 80, title, empty_message)
    for name, values in series:
        if len(values) != len(categories):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(categories)} categories")
    size = 11
    legend_h, left, right, bottom = 22, 40, 8, 34
    plot_w, plot_h = width - left - right, height - legend_h - bottom - 8
    step = nice_step(max(max(values) for _n, values in series))
    top_value = step * math.ceil(max(max(values) for _n, values in series) / step)
    body = []
    x: float = left
    for k, (name, _values) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        body.append(f'<rect x="{x:.1f}" y="4" width="10" height="10" fill="{colour}"/>')
        body.append(text(x + 14, 13, name, size=size))
        x += 14 + text_width(name, size) + 16
    base_y = legend_h + 8 + plot_h
    ticks = round(top_value / step)
    for tick in range(ticks + 1):
        value = step * tick
        y = base_y - plot_h * tick / ticks
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{LINE}"/>')
        body.append(text(left - 4, y + 4, number(round(value, 1)), anchor="end", size=10, fill=MUTED))
    group_w = plot_w / len(categories)
    col_w = max(group_w * 0.8 / len(series), 1)
    label_every = max(1, int(len(categories) * 46 / plot_w) + 1)
    for i, category in enumerate(categories):
        gx = left + i * group_w + group_w * 0.1
        for k, (name, values) in enumerate(series):
            value = values[i]
            h = plot_h * max(value, 0) / top_value
            body.append(
                f'<rect x="{gx + k * col_w:.1f}" y="{base_y - h:.1f}" width="{col_w:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[k % len(PALETTE)]}"><title>{esc(category)} · {esc(name)}: {esc(number(value))}'
                "</title></rect>"
            )
        if i % label_every == 0:
            label = fit(category, 10, group_w * label_every)
            body.append(text(left + (i + 0.5) * group_w, base_y + 14, label, anchor="middle", size=10))
    return document(width, height, title, body)
