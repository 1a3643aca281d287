"""Server-side SVG charts: well-formed, escaped, proportional, deterministic."""

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from innocore.charts import (
    bar_chart,
    circular_layout,
    column_chart,
    conversions,
    funnel_chart,
    network_chart,
    spring_layout,
)
from innocore.charts.svg import fit, text_width

NS = {"s": "http://www.w3.org/2000/svg"}
EVIL = "<script>alert(\"x\")</script> & Co. 'quoted'"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def rect_widths(svg: str) -> list[float]:
    return [float(r.attrib["width"]) for r in parse(svg).iter("{http://www.w3.org/2000/svg}rect")]


def test_bar_lengths_are_proportional_to_the_values():
    widths = rect_widths(bar_chart([("a", 10), ("b", 5), ("c", 0)], title="t"))
    assert widths[0] == pytest.approx(2 * widths[1])
    assert widths[2] == 0


def test_names_are_escaped_everywhere():
    charts = [
        bar_chart([(EVIL, 1)], title=EVIL),
        column_chart(["2024-Q1"], [(EVIL, [3])], title=EVIL),
        funnel_chart([(EVIL, 3), ("b", 1)], title=EVIL),
        network_chart([(EVIL, EVIL), ("b", "g")], [(0, 1, 1, EVIL)], title=EVIL, group_labels={EVIL: EVIL}),
    ]
    for svg in charts:
        root = parse(svg)  # well-formed XML despite the markup in the names
        assert "<script" not in svg
        assert not root.findall(".//s:script", NS)
        title = root.find("s:title", NS)
        assert title is not None and EVIL in (title.text or "")


def test_the_text_survives_escaping_unchanged():
    svg = bar_chart([("創冷科技 & i2Cool", 1)], title="t")
    labels = [t.text for t in parse(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert "創冷科技 & i2Cool" in labels


def test_empty_data_says_so_instead_of_failing():
    for svg in [
        bar_chart([], title="t", empty_message="Nothing yet"),
        column_chart([], [], title="t", empty_message="Nothing yet"),
        funnel_chart([("a", 0)], title="t", empty_message="Nothing yet"),
        network_chart([], [], title="t", empty_message="Nothing yet"),
    ]:
        assert "Nothing yet" in svg
        parse(svg)


def test_column_chart_draws_one_column_per_series_and_category():
    svg = column_chart(["Q1", "Q2", "Q3"], [("signed", [1, 2, 3]), ("pilot", [0, 1, 2])], title="t")
    columns = [r for r in parse(svg).iter("{http://www.w3.org/2000/svg}rect") if r.find("s:title", NS) is not None]
    assert len(columns) == 6
    heights = [float(r.attrib["height"]) for r in columns]
    assert heights[4] == pytest.approx(3 * heights[0], abs=0.2)  # Q3 signed vs Q1 signed


def test_column_chart_refuses_series_of_the_wrong_length():
    with pytest.raises(ValueError, match="2 values for 3 categories"):
        column_chart(["Q1", "Q2", "Q3"], [("signed", [1, 2])], title="t")


def test_conversions_are_ratios_to_the_previous_stage():
    assert conversions([200, 50, 10, 0, 5]) == [None, 0.25, 0.2, 0.0, None]


def test_funnel_labels_each_step_with_its_conversion():
    svg = funnel_chart([("suggestions", 200), ("requests", 50), ("meetings", 10)], title="t")
    assert "↓ 25.0%" in svg and "↓ 20.0%" in svg


def test_long_labels_are_cut_to_fit():
    label = fit("中華人民共和國山東省人民政府科學技術廳" * 3, 12, 100)
    assert label.endswith("…") and text_width(label, 12) <= 100


def test_circular_layout_puts_nodes_on_a_circle():
    pos = circular_layout(6)
    assert np.allclose(np.linalg.norm(pos - 0.5, axis=1), 0.5)


def test_spring_layout_is_deterministic_and_stays_in_the_unit_square():
    edges = [(0, 1, 1.0), (1, 2, 1.0), (3, 4, 2.0)]
    a = spring_layout(6, edges, seed=3)
    assert np.array_equal(a, spring_layout(6, edges, seed=3))
    assert a.min() >= 0 and a.max() <= 1


def test_spring_layout_pulls_connected_nodes_together():
    # Two dense groups of five joined by one edge: members of a group sit closer than strangers.
    edges = [(i, j, 1.0) for g in (0, 5) for i in range(g, g + 5) for j in range(i + 1, g + 5)] + [(0, 5, 1.0)]
    pos = spring_layout(10, edges, seed=1)
    d = np.linalg.norm(pos[:, None] - pos[None, :], axis=-1)
    within = np.mean([d[i, j] for i, j, _w in edges[:-1]])
    across = np.mean([d[i, j] for i in range(1, 5) for j in range(6, 10)])
    assert within < across / 2


def test_network_node_size_grows_with_degree_and_bad_edges_are_refused():
    svg = network_chart([("hub", "a"), ("x", "b"), ("y", "b")], [(0, 1, 1, "k"), (0, 2, 1, "k")], title="t")
    radii = [float(c.attrib["r"]) for c in parse(svg).iter("{http://www.w3.org/2000/svg}circle")][-3:]
    assert radii[0] > radii[1] == radii[2]
    with pytest.raises(ValueError, match="outside"):
        network_chart([("a", "g")], [(0, 3, 1, "k")], title="t")


def test_a_network_of_a_hundred_nodes_draws_quickly():
    import time

    edges = [(i, (i * 7 + 3) % 100, 1, "agreement") for i in range(100)]
    start = time.perf_counter()
    svg = network_chart([(f"org {i}", f"g{i % 3}") for i in range(100)], edges, title="t")
    assert time.perf_counter() - start < 1.0
    assert len(re.findall("<circle", svg)) >= 100
