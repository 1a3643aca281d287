"""Server-side charts as SVG strings: data in, SVG out; no Django, no JavaScript, nothing external.

Every text that reaches the SVG is escaped, so names typed by users cannot inject markup.
"""

from innocore.charts.bars import bar_chart, column_chart
from innocore.charts.funnel import conversions, funnel_chart
from innocore.charts.network import circular_layout, network_chart, spring_layout

__all__ = [
    "bar_chart",
    "circular_layout",
    "column_chart",
    "conversions",
    "funnel_chart",
    "network_chart",
    "spring_layout",
]
