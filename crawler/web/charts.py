"""Charts as inline SVG drawn on the server: no script, nothing fetched, and every label escaped.

Each data point is an element with class "pt" carrying data-x/data-y and a <title> tooltip, so a
person hovering sees the value and a test can count the points.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 540, 180
PAD_L, PAD_R, PAD_T, PAD_B = 48, 12, 12, 28


@dataclass(frozen=True)
class Point:
    x: float  # position on the x axis (e.g. a POSIX time)
    y: float
    label: str  # the tooltip: what a person reads when hovering the point
    href: str | None = None
    kind: str = ""  # an extra class (e.g. a sighting's role) for colour


def _scale(value: float, lo: float, hi: float, out_lo: float, out_hi: float) -> float:
    if hi == lo:
        return (out_lo + out_hi) / 2
    return out_lo + (value - lo) * (out_hi - out_lo) / (hi - lo)


def _nice_max(value: float) -> float:
    """A round axis top at or above value (1, 2, 5 x 10^n)."""
    if value <= 0:
        return 1.0
    step = 1.0
    while step * 10 <= value:
        step *= 10
    while step > value and step > 1e-9:
        step /= 10
    for mult in (1, 2, 5, 10):
        if step * mult >= value:
            return step * mult
    return step * 10


def _fmt(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def _frame(title: str, y_max: float, x_labels: tuple[str, str], width: int, height: int,
           body: list[str]) -> Markup:
    bottom = height - PAD_B
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line class="axis" x1="{PAD_L}" y1="{bottom}" x2="{width - PAD_R}" y2="{bottom}"/>',
        f'<line class="axis" x1="{PAD_L}" y1="{PAD_T}" x2="{PAD_L}" y2="{bottom}"/>',
        f'<text class="tick" x="{PAD_L - 4}" y="{PAD_T + 4}" text-anchor="end">{_fmt(y_max)}</text>',
        f'<text class="tick" x="{PAD_L - 4}" y="{bottom}" text-anchor="end">0</text>',
        f'<text class="tick" x="{PAD_L}" y="{height - 8}">{escape(x_labels[0])}</text>',
        f'<text class="tick" x="{width - PAD_R}" y="{height - 8}" text-anchor="end">'
        f"{escape(x_labels[1])}</text>",
        *body,
        "</svg>",
    ]
    return Markup("".join(parts))


def _empty(title: str, width: int, height: int) -> Markup:
    return Markup(
        f'<svg class="chart empty" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle">no data yet</text></svg>')


def line_chart(title: str, points: Sequence[Point], x_labels: tuple[str, str] = ("", ""),
               width: int = WIDTH, height: int = HEIGHT,
               x_range: tuple[float, float] | None = None, join: bool = True) -> Markup:
    """One circle per point, joined by a line in x order unless join is False (a scatter);
    x_range fixes the axis (e.g. the last seven days) instead of fitting the points."""
    if not points:
        return _empty(title, width, height)
    pts = sorted(points, key=lambda p: p.x)
    x_lo, x_hi = x_range or (pts[0].x, pts[-1].x)
    y_max = _nice_max(max(p.y for p in pts))
    bottom = height - PAD_B
    coords = [(_scale(p.x, x_lo, x_hi, PAD_L + 6, width - PAD_R - 6),
               _scale(p.y, 0, y_max, bottom, PAD_T)) for p in pts]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    body = [f'<polyline class="series" fill="none" points="{path}"/>'] if join else []
    for p, (x, y) in zip(pts, coords, strict=True):
        body.append(_point(p, f'<circle class="pt {escape(p.kind)}" cx="{x:.1f}" cy="{y:.1f}" r="3.5" '
                              f'data-x="{p.x:g}" data-y="{p.y:g}">'
                              f"<title>{escape(p.label)}</title></circle>"))
    return _frame(title, y_max, x_labels, width, height, body)


def bar_chart(title: str, points: Sequence[Point], x_labels: tuple[str, str] = ("", ""),
              width: int = WIDTH, height: int = HEIGHT) -> Markup:
    """One bar per point, in the order given (e.g. one per run or per day)."""
    if not points:
        return _empty(title, width, height)
    y_max = _nice_max(max(p.y for p in points))
    bottom = height - PAD_B
    slot = (width - PAD_L - PAD_R) / len(points)
    bar_w = min(40.0, max(1.0, slot * 0.8))
    body = []
    for i, p in enumerate(points):
        top = min(_scale(p.y, 0, y_max, bottom, PAD_T), bottom - 1.0)  # a zero stays visible
        x = PAD_L + i * slot + (slot - bar_w) / 2
        body.append(_point(p, f'<rect class="pt bar" x="{x:.1f}" y="{top:.1f}" width="{bar_w:.1f}" '
                              f'height="{max(1.0, bottom - top):.1f}" data-x="{p.x:g}" '
                              f'data-y="{p.y:g}"><title>{escape(p.label)}</title></rect>'))
    return _frame(title, y_max, x_labels, width, height, body)


def sparkline(title: str, values: Sequence[float], labels: Sequence[str],
              width: int = 140, height: int = 28) -> Markup:
    """A small bar strip for a table cell (e.g. stories per day over two weeks)."""
    if not values or max(values) <= 0:
        return _empty(title, width, height)
    top = max(values)
    slot = width / len(values)
    body = []
    for i, (v, label) in enumerate(zip(values, labels, strict=True)):
        h = 0 if v <= 0 else max(1.0, (height - 2) * v / top)
        body.append(f'<rect class="pt bar" x="{i * slot:.1f}" y="{height - h:.1f}" '
                    f'width="{max(1.0, slot - 1):.1f}" height="{h:.1f}" data-x="{i}" '
                    f'data-y="{v:g}"><title>{escape(label)}</title></rect>')
    return Markup(
        f'<svg class="spark" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        + "".join(body) + "</svg>")


def _point(p: Point, element: str) -> str:
    if not p.href:
        return element
    return f'<a href="{escape(p.href)}">{element}</a>'
