"""SVG primitives shared by the charts: escaping, text width, the outer element."""

from __future__ import annotations

import unicodedata
from html import escape

FONT = "system-ui, -apple-system, 'Segoe UI', 'Noto Sans CJK TC', 'Noto Sans CJK SC', 'WenQuanYi Zen Hei', sans-serif"
INK = "#1b2430"
MUTED = "#5b6673"
LINE = "#d9dee4"
PALETTE = ["#0a6b5b", "#2f6db5", "#c8742b", "#7a4fa3", "#b8434a", "#4f8a2b", "#8a6d1f", "#3d8c9c"]


def esc(text: object) -> str:
    """Text or attribute value made safe for SVG (XML): &, <, >, both quotes."""
    return escape(str(text), quote=True)


def char_em(ch: str) -> float:
    """Approximate advance of one character in em: CJK and other wide forms are square."""
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    if ch.isupper() or ch in "mwMW@%":
        return 0.72
    if ch in "iljtf.,:;'|!() ":
        return 0.36
    return 0.6


def text_width(text: str, size: float) -> float:
    return sum(char_em(ch) for ch in text) * size


def fit(text: str, size: float, max_width: float) -> str:
    """The text, cut with an ellipsis when it would be wider than ``max_width`` pixels."""
    text = " ".join(str(text).split())
    if text_width(text, size) <= max_width:
        return text
    out, used, limit = [], 0.0, max_width - text_width("…", size)
    for ch in text:
        used += char_em(ch) * size
        if used > limit:
            break
        out.append(ch)
    return "".join(out).rstrip() + "…"


def nice_step(top: float, ticks: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) so that ``ticks`` steps cover ``top``."""
    import math

    if top <= 0:
        return 1.0
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= raw:
            step = factor * power
            return max(step, 1.0) if top >= ticks else step
    return 10 * power


def number(value: float) -> str:
    """A compact label: integers without decimals, others to one decimal."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def document(width: float, height: float, title: str, body: list[str], css_class: str = "chart") -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{esc(css_class)}" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{esc(title)}" '
        f'font-family="{esc(FONT)}" font-size="12" fill="{INK}">'
        f"<title>{esc(title)}</title>" + "".join(body) + "</svg>"
    )


def text(x: float, y: float, content: str, *, anchor: str = "start", size: float = 12, fill: str = INK, extra=""):
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size:g}" fill="{fill}"{extra}>'
        f"{esc(content)}</text>"
    )


def empty(width: float, height: float, title: str, message: str) -> str:
    return document(width, height, title, [text(width / 2, height / 2, message, anchor="middle", fill=MUTED)])
