"""
Charts of the figures as inline SVG, drawn on the server: pure functions from numbers (and the
texts to show) to SVG markup, every text escaped. No script and no chart library: the page reads
the same with JavaScript off, prints, and is what a screen reader meets as one image (``role="img"``
with a title and a description); the numbers themselves are in the data table that follows each
chart.

Two shapes cover the page: horizontal bars in groups (completion, survey items, runs side by
side, pre/post growth: one group per row, one bar per series) and columns (enrolment per week).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 640
LABEL_WIDTH = 210
VALUE_SPACE = 150  # room after the longest bar for its text
BAR_HEIGHT = 16
BAR_GAP = 4
GROUP_GAP = 14
LEGEND_HEIGHT = 26
TEXT = "#1d1d1d"
AXIS = "#6b7280"
# Fills told apart by lightness as well as hue (and the legend names them): dark green, blue, brown.
PALETTE = ("#1e7b34", "#1f4e99", "#8a4b08", "#6b21a8")


@dataclass(frozen=True)
class Row:
    """One group of bars: its label, one value per series (None: nothing to draw) and their texts."""

    label: str
    values: Sequence[float | None]
    texts: Sequence[str] = ()


@dataclass(frozen=True)
class Column:
    """One column: its label under the axis (may be empty), its value and the text above it."""

    label: str
    value: float
    text: str = ""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _number(value: float) -> str:
    """A coordinate: one decimal at most, no trailing zeros (the markup stays small and stable)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _frame(chart_id: str, title: str, desc: str, height: float, body: list[str]) -> str:
    """The svg element: an image with its title and description, scaling to its container's width."""
    ident = _e(chart_id)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="etwinning-chart" id="{ident}" role="img" '
            f'aria-labelledby="{ident}-title {ident}-desc" viewBox="0 0 {WIDTH} {_number(height)}" '
            f'width="100%" preserveAspectRatio="xMinYMin meet" font-family="system-ui, sans-serif" font-size="13">'
            f'<title id="{ident}-title">{_e(title)}</title><desc id="{ident}-desc">{_e(desc)}</desc>'
            + "".join(body) + "</svg>")


def _legend(series: Sequence[str], y: float) -> list[str]:
    parts, x = [], LABEL_WIDTH
    for index, name in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="{_number(y)}" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{x + 17}" y="{_number(y + 11)}" fill="{TEXT}">{_e(name)}</text>')
        x += 34 + 8 * len(name)
    return parts


def _clip(label: str, limit: int = 27) -> str:
    """A label that fits beside the bars (the table beside the chart has it whole)."""
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def bar_groups(chart_id: str, title: str, desc: str, rows: Sequence[Row], *, series: Sequence[str],
               maximum: float | None = None) -> str:
    """
    Horizontal bars, one group per row and one bar per series, scaled to ``maximum`` (100 for
    percentages; else the largest value). A value of None draws no bar and its text (say "—").
    No rows: the frame with its title and description only.
    """
    values = [value for row in rows for value in row.values if value is not None]
    top = maximum if maximum is not None else max(values, default=0)
    span = WIDTH - LABEL_WIDTH - VALUE_SPACE
    per_group = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    y = LEGEND_HEIGHT if len(series) > 1 else 4
    body = _legend(series, 4) if len(series) > 1 else []
    for row in rows:
        body.append(f'<text x="{LABEL_WIDTH - 8}" y="{_number(y + per_group / 2 + 4)}" text-anchor="end" '
                    f'fill="{TEXT}">{_e(_clip(row.label))}</text>')
        for index, value in enumerate(row.values):
            bar_y = y + index * (BAR_HEIGHT + BAR_GAP)
            length = span * value / top if value and top else 0
            if length:
                body.append(f'<rect x="{LABEL_WIDTH}" y="{_number(bar_y)}" width="{_number(length)}" '
                            f'height="{BAR_HEIGHT}" fill="{PALETTE[index % len(PALETTE)]}"/>')
            text = row.texts[index] if index < len(row.texts) else ""
            if text:
                body.append(f'<text x="{_number(LABEL_WIDTH + length + 6)}" y="{_number(bar_y + BAR_HEIGHT - 4)}" '
                            f'fill="{TEXT}">{_e(text)}</text>')
        y += per_group + GROUP_GAP
    body.append(f'<line x1="{LABEL_WIDTH}" y1="0" x2="{LABEL_WIDTH}" y2="{_number(max(y - GROUP_GAP, 8))}" '
                f'stroke="{AXIS}"/>')
    return _frame(chart_id, title, desc, max(y, 24), body)


def columns(chart_id: str, title: str, desc: str, points: Sequence[Column]) -> str:
    """
    Vertical columns left to right (enrolments per week), scaled to the largest value, each with its
    text above it and its label below the axis. No points: the frame with its title and description.
    """
    top, plot_height, base = max((p.value for p in points), default=0), 150, 176
    step = (WIDTH - 20) / max(len(points), 1)
    width = max(min(step - 4, 48), 2)
    body = [f'<line x1="10" y1="{base}" x2="{WIDTH - 10}" y2="{base}" stroke="{AXIS}"/>']
    for index, point in enumerate(points):
        x = 10 + index * step + (step - width) / 2
        height = plot_height * point.value / top if top else 0
        if height:
            body.append(f'<rect x="{_number(x)}" y="{_number(base - height)}" width="{_number(width)}" '
                        f'height="{_number(height)}" fill="{PALETTE[0]}"/>')
        middle = _number(x + width / 2)
        if point.text:
            body.append(f'<text x="{middle}" y="{_number(base - height - 4)}" text-anchor="middle" '
                        f'fill="{TEXT}">{_e(point.text)}</text>')
        if point.label:
            body.append(f'<text x="{middle}" y="{base + 16}" text-anchor="middle" fill="{TEXT}">'
                        f'{_e(point.label)}</text>')
    return _frame(chart_id, title, desc, base + 24, body)
