"""A funnel: stages as centred bars narrowing with their counts, the conversion between each pair."""

from __future__ import annotations

from collections.abc import Sequence

from innocore.charts.svg import MUTED, PALETTE, document, empty, esc, fit, number, text


def conversions(values: Sequence[float]) -> list[float | None]:
    """Share of each stage relative to the stage before it (None for the first and after a zero)."""
    out: list[float | None] = [None]
    for before, after in zip(values, values[1:], strict=False):
        out.append(after / before if before else None)
    return out


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{100 * rate:.1f}%"


def funnel_chart(
    stages: Sequence[tuple[str, float]], *, title: str, width: int = 640, empty_message: str = "No data"
) -> str:
    """Bars centred on one axis, widths proportional to the counts (a sliver for zero), labelled
    with the stage, its count and the conversion from the stage above."""
    if not stages or not any(v for _l, v in stages):
        return empty(width, 80, title, empty_message)
    bar_h, gap, size, label_w = 30, 18, 12, width * 0.34
    span = width - label_w - 70
    top_value = max(v for _l, v in stages) or 1
    rates = conversions([v for _l, v in stages])
    body = []
    centre = label_w + span / 2
    for i, ((label, value), rate) in enumerate(zip(stages, rates, strict=True)):
        y = 8 + i * (bar_h + gap)
        w = max(span * value / top_value, 2)
        mid = y + bar_h / 2 + size * 0.35
        body.append(text(label_w - 10, mid, fit(label, size, label_w - 14), anchor="end"))
        body.append(
            f'<rect x="{centre - w / 2:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="3" '
            f'fill="{PALETTE[i % 2]}"><title>{esc(label)}: {esc(number(value))}</title></rect>'
        )
        body.append(text(label_w + span + 6, mid, number(value), size=size, extra=' font-weight="600"'))
        if i:
            body.append(text(centre, y - 4, f"↓ {percent(rate)}", anchor="middle", size=10, fill=MUTED))
    return document(width, 8 + len(stages) * (bar_h + gap), title, body)
