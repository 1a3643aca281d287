"""A cooperation network: spring (Fruchterman-Reingold) or circular layout in numpy, drawn as SVG."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from innocore.charts.svg import LINE, MUTED, PALETTE, document, empty, esc, fit, number, text, text_width

DASHES = {0: "", 1: ' stroke-dasharray="5 3"', 2: ' stroke-dasharray="1 3"'}


def circular_layout(n: int) -> np.ndarray:
    """Nodes evenly on a circle, in the order given; positions in [0, 1]²."""
    if n == 0:
        return np.zeros((0, 2))
    angles = 2 * np.pi * np.arange(n) / n
    return 0.5 + 0.5 * np.column_stack([np.cos(angles), np.sin(angles)])


def spring_layout(
    n: int, edges: Sequence[tuple[int, int, float]], *, seed: int = 0, iterations: int = 120
) -> np.ndarray:
    """Fruchterman-Reingold: nodes repel, edges pull (by weight), a weak gravity keeps separate
    components in view; the step cools linearly. Deterministic for a seed. Positions in [0, 1]².

    T. Fruchterman and E. Reingold, "Graph drawing by force-directed placement", Software: Practice
    and Experience 21(11), 1991.
    """
    if n == 0:
        return np.zeros((0, 2))
    if n == 1:
        return np.array([[0.5, 0.5]])
    adjacency = np.zeros((n, n))
    for i, j, w in edges:
        if i != j:
            adjacency[i, j] += w
            adjacency[j, i] += w
    if adjacency.max() > 0:
        adjacency = np.sqrt(adjacency / adjacency.max())  # heavy edges pull harder, but not overwhelmingly
    rng = np.random.default_rng(seed)
    pos = circular_layout(n) + rng.uniform(-0.02, 0.02, (n, 2))
    k = math.sqrt(1.0 / n)
    t, dt = 0.1, 0.1 / (iterations + 1)
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        distance = np.maximum(np.linalg.norm(delta, axis=-1), 0.01)
        force = k * k / distance**2 - adjacency * distance / k
        np.fill_diagonal(force, 0)
        displacement = np.einsum("ijk,ij->ik", delta, force) - 0.05 * n * k * (pos - 0.5)
        length = np.maximum(np.linalg.norm(displacement, axis=-1), 0.01)
        pos += displacement * (t / length)[:, None]
        t -= dt
    low, high = pos.min(axis=0), pos.max(axis=0)
    scale = np.where(high - low > 1e-9, high - low, 1.0)
    return (pos - low) / scale


def network_chart(
    nodes: Sequence[tuple[str, str]],
    edges: Sequence[tuple[int, int, float, str]],
    *,
    title: str,
    group_labels: Mapping[str, str] | None = None,
    edge_labels: Mapping[str, str] | None = None,
    layout: str = "spring",
    width: int = 760,
    height: int = 560,
    max_labels: int = 40,
    seed: int = 0,
    empty_message: str = "No data",
) -> str:
    """``nodes`` are (label, group); ``edges`` are (i, j, weight, kind) between node indices.

    Node area grows with the weighted degree; colour is the group, the line style the edge kind.
    Only the ``max_labels`` best-connected nodes are labelled, the rest show their name on hover.
    """
    if not nodes:
        return empty(width, 80, title, empty_message)
    n = len(nodes)
    for i, j, _w, _k in edges:
        if not (0 <= i < n and 0 <= j < n):
            raise ValueError(f"edge ({i}, {j}) refers to a node outside 0..{n - 1}")
    if layout == "circular":
        pos = circular_layout(n)
    elif layout == "spring":
        pos = spring_layout(n, [(i, j, w) for i, j, w, _k in edges], seed=seed)
    else:
        raise ValueError(f"unknown layout {layout!r}")
    group_labels = dict(group_labels or {})
    edge_labels = dict(edge_labels or {})
    groups = list(dict.fromkeys(g for _l, g in nodes))
    present = list(dict.fromkeys(k for *_rest, k in edges))
    kinds = [k for k in edge_labels if k in present] + [k for k in present if k not in edge_labels]
    degree = np.zeros(n)
    for i, j, w, _k in edges:
        degree[i] += w
        degree[j] += w
    top_degree = degree.max() or 1
    radius = 4 + 9 * np.sqrt(degree / top_degree)
    legend_h, margin, label_room = 22, 18, 120
    x0, y0 = margin, legend_h + margin
    plot_w, plot_h = width - 2 * margin - label_room, height - legend_h - 2 * margin
    xy = np.column_stack([x0 + pos[:, 0] * plot_w, y0 + pos[:, 1] * plot_h])
    body: list[str] = []
    x: float = margin
    for gi, group in enumerate(groups):
        name = group_labels.get(group, group)
        body.append(f'<circle cx="{x + 5}" cy="10" r="5" fill="{PALETTE[gi % len(PALETTE)]}"/>')
        body.append(text(x + 14, 14, name, size=11))
        x += 14 + text_width(name, 11) + 14
    for ki, kind in enumerate(kinds):
        name = edge_labels.get(kind, kind)
        body.append(f'<line x1="{x}" x2="{x + 22}" y1="10" y2="10" stroke="{MUTED}" stroke-width="2"{DASHES[ki % 3]}/>')
        body.append(text(x + 26, 14, name, size=11))
        x += 26 + text_width(name, 11) + 14
    top_weight = max((w for *_ij, w, _k in edges), default=1) or 1
    for i, j, w, kind in edges:
        ki = kinds.index(kind)
        stroke = 0.8 + 3.2 * w / top_weight
        body.append(
            f'<line x1="{xy[i, 0]:.1f}" y1="{xy[i, 1]:.1f}" x2="{xy[j, 0]:.1f}" y2="{xy[j, 1]:.1f}" '
            f'stroke="{MUTED if ki else PALETTE[0]}" stroke-opacity="0.55" stroke-width="{stroke:.1f}"{DASHES[ki % 3]}>'
            f"<title>{esc(nodes[i][0])} — {esc(nodes[j][0])}: {esc(number(w))} {esc(edge_labels.get(kind, kind))}"
            "</title></line>"
        )
    labelled = set(np.argsort(-degree, kind="stable")[:max_labels].tolist())
    for idx, (label, group) in enumerate(nodes):
        colour = PALETTE[groups.index(group) % len(PALETTE)]
        body.append(
            f'<circle cx="{xy[idx, 0]:.1f}" cy="{xy[idx, 1]:.1f}" r="{radius[idx]:.1f}" fill="{colour}" '
            f'stroke="#fff" stroke-width="1"><title>{esc(label)} ({esc(number(degree[idx]))})</title></circle>'
        )
    for idx in sorted(labelled):
        body.append(text(xy[idx, 0] + radius[idx] + 3, xy[idx, 1] + 4, fit(nodes[idx][0], 10, label_room - 4), size=10))
    body.insert(0, f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff" stroke="{LINE}"/>')
    return document(width, height, title, body, css_class="chart network")
