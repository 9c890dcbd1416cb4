"""Numbers for the server-drawn SVG charts (no JavaScript, nothing from a CDN)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    value: float | None


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    points: list[Point]
    target_y: float | None
    path: str
    y_ticks: list[tuple[float, str]]
    x_labels: list[tuple[float, str]]
    pad: int


def share_line(
    series: list[tuple[str, float | None]],
    target: float | None,
    width: int = 640,
    height: int = 220,
    pad: int = 48,
) -> LineChart:
    """A line of shares (0–1) over labelled steps, with an optional target line."""
    inner_w, inner_h = width - 2 * pad, height - 2 * pad
    step = inner_w / max(len(series) - 1, 1)

    def y_of(value: float) -> float:
        return pad + inner_h * (1 - value)

    points = []
    commands = []
    pen_down = False
    for i, (label, value) in enumerate(series):
        x = pad + i * step
        if value is None:
            points.append(Point(x, y_of(0), label, None))
            pen_down = False
            continue
        y = y_of(value)
        points.append(Point(x, y, label, value))
        commands.append(f"{'L' if pen_down else 'M'}{x:.1f},{y:.1f}")
        pen_down = True
    ticks = [(y_of(v), f"{int(v * 100)} %") for v in (0, 0.25, 0.5, 0.75, 1)]
    every = max(1, len(points) // 6)
    labels = [(p.x, p.label) for i, p in enumerate(points) if i % every == 0]
    return LineChart(
        width=width,
        height=height,
        points=points,
        target_y=y_of(target) if target is not None else None,
        path=" ".join(commands),
        y_ticks=ticks,
        x_labels=labels,
        pad=pad,
    )


def bar_width(value: float | None, maximum: float, width: int = 120) -> int:
    """Pixel width of a bar for ``value`` on a scale up to ``maximum``."""
    if not value or maximum <= 0:
        return 0
    return max(1, round(width * value / maximum))


@dataclass(frozen=True)
class Segment:
    x: int
    width: int
    key: str
    count: int


def stacked_bar(counts: list[tuple[str, int]], maximum: int, width: int = 160) -> list[Segment]:
    """Segments of one horizontal bar, scaled so ``maximum`` fills ``width``."""
    segments, x = [], 0
    for key, count in counts:
        w = round(width * count / maximum) if maximum and count else 0
        if w:
            segments.append(Segment(x, w, key, count))
            x += w
    return segments
