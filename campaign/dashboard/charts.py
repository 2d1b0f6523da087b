"""Server-rendered SVG charts: plain strings, no JavaScript, no third-party code.

Every chart is role="img" with a <title> and <desc> named by aria-labelledby, and carries its
figures (Chart.rows) so the template puts a data table next to it. Text is XML-escaped."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape

# Presentation attributes, not CSS: the public pages' CSP allows no inline styles and the
# charts must look right wherever they are embedded, printed included.
_BAR = 'class="bar" fill="#2f6f9f"'
_POINT = 'class="point" fill="#2f6f9f"'
_AXIS = 'class="axis" stroke="#555"'
_GRID = 'class="grid" stroke="#ccc" stroke-dasharray="3 3"'
_LABEL = 'class="label" font-size="11" fill="#333"'
_TICK = 'class="tick" font-size="11" fill="#555"'
_VALUE = 'class="value" font-size="11" fill="#333"'


@dataclass
class Chart:
    id: str
    title: str
    desc: str
    #: (label, value) in display order: the data table behind the chart.
    rows: list[tuple[str, int]]
    columns: tuple[str, str] = ("", "")
    svg: Markup = field(default_factory=Markup)

    @property
    def total(self) -> int:
        return sum(v for _, v in self.rows)


def _nice_max(value: int) -> int:
    """A round axis maximum at or above value (1, 2, 5 x 10^n)."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for m in (1, 2, 5):
            if step * m >= value:
                return step * m
        step *= 10


def _open(chart: Chart, width: int, height: int) -> list[str]:
    cid = escape(chart.id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'preserveAspectRatio="xMinYMin meet" aria-labelledby="{cid}-title {cid}-desc">',
        f'<title id="{cid}-title">{escape(chart.title)}</title>',
        f'<desc id="{cid}-desc">{escape(chart.desc)}</desc>',
    ]


def _sparse_labels(n: int, room: int) -> int:
    """Label every k-th bar so labels do not overlap."""
    return max(1, -(-n // max(room, 1)))


@dataclass(frozen=True)
class _Plot:
    """Where a bar or line chart draws its marks: the area inside the axes, the value at its
    top, and the baseline of the labels under it."""

    top: int
    left: int
    width: float
    height: float
    peak: int
    label_y: int

    def span(self, value: int) -> float:
        """How far up from the bottom the value reaches."""
        return self.height * max(value, 0) / self.peak

    def y(self, value: int) -> float:
        return self.top + self.height - self.span(value)


def _plotted(draw, right: int, chart_id, title, desc, rows, columns, width, height) -> Chart:
    """A bar or line chart: the frame and the axis every such chart shares, then the marks
    `draw(plot, rows)` returns (nothing is drawn for no rows)."""
    chart = Chart(chart_id, str(title), str(desc), list(rows), columns)
    top, bottom, left = 10, 24, 44
    peak = _nice_max(max((v for _, v in rows), default=0))
    plot = _Plot(top, left, width - left - right, height - top - bottom, peak, height - 6)
    parts = _open(chart, width, height)
    parts.append(_axis(left, top, plot.width, plot.height, peak))
    if chart.rows:
        parts.extend(draw(plot, chart.rows))
    return _finish(chart, parts)


Rows = list[tuple[str, int]]
NO_COLUMNS = ("", "")


def bar_chart(chart_id, title, desc, rows: Rows, columns=NO_COLUMNS, width=640, height=200):
    """Vertical bars, one per row (hours, days)."""
    return _plotted(_bars, 8, chart_id, title, desc, rows, columns, width, height)


def line_chart(chart_id, title, desc, rows: Rows, columns=NO_COLUMNS, width=640, height=200):
    """A line through the rows' values (e.g. the running total by day)."""
    return _plotted(_line, 12, chart_id, title, desc, rows, columns, width, height)


def _bars(plot: _Plot, rows: Rows) -> list[str]:
    n = len(rows)
    slot = plot.width / n
    every = _sparse_labels(n, int(plot.width // 60))
    parts = []
    for i, (label, value) in enumerate(rows):
        h = plot.span(value)
        x = plot.left + i * slot
        bar_w = min(max(slot * 0.8, 0.5), 48)
        parts.append(
            f'<rect {_BAR} x="{x + (slot - bar_w) / 2:.1f}" y="{plot.top + plot.height - h:.1f}" '
            f'width="{bar_w:.1f}" height="{h:.1f}">'
            f"<title>{escape(label)}: {value}</title></rect>"
        )
        if i % every == 0:
            parts.append(
                f'<text {_LABEL} x="{x + slot / 2:.1f}" y="{plot.label_y}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    return parts


def _line(plot: _Plot, rows: Rows) -> list[str]:
    n = len(rows)
    step = plot.width / max(n - 1, 1)
    start = plot.left if n > 1 else plot.left + plot.width / 2
    points = [(start + i * step, plot.y(v)) for i, (_, v) in enumerate(rows)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    parts = [
        f'<polyline class="line" fill="none" stroke="#2f6f9f" stroke-width="2" points="{path}"/>'
    ]
    every = _sparse_labels(n, int(plot.width // 70))
    for i, ((label, value), (x, y)) in enumerate(zip(rows, points, strict=True)):
        parts.append(
            f'<circle {_POINT} cx="{x:.1f}" cy="{y:.1f}" r="2.5">'
            f"<title>{escape(label)}: {value}</title></circle>"
        )
        if i % every == 0 or i == n - 1:
            parts.append(
                f'<text {_LABEL} x="{x:.1f}" y="{plot.label_y}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    return parts


def hbar_chart(
    chart_id: str,
    title: str,
    desc: str,
    rows: list[tuple[str, int]],
    columns: tuple[str, str] = ("", ""),
    width: int = 640,
    bar: int = 18,
) -> Chart:
    """Horizontal bars with their labels and values (countries, channels)."""
    chart = Chart(chart_id, str(title), str(desc), list(rows), columns)
    left, right, gap = 140, 60, 6
    height = max(len(rows), 1) * (bar + gap) + gap
    peak = max((v for _, v in rows), default=0) or 1
    parts = _open(chart, width, height)
    plot_w = width - left - right
    for i, (label, value) in enumerate(rows):
        y = gap + i * (bar + gap)
        w = plot_w * max(value, 0) / peak
        parts.append(
            f'<text {_LABEL} x="{left - 6}" y="{y + bar * 0.75:.1f}" '
            f'text-anchor="end">{escape(label)}</text>'
            f'<rect {_BAR} x="{left}" y="{y}" width="{w:.1f}" height="{bar}"/>'
            f'<text {_VALUE} x="{left + w + 4:.1f}" y="{y + bar * 0.75:.1f}">{value}</text>'
        )
    return _finish(chart, parts)


def _axis(left: int, top: int, plot_w: float, plot_h: float, peak: int) -> str:
    bottom = top + plot_h
    return (
        f'<line {_AXIS} x1="{left}" y1="{bottom:.1f}" x2="{left + plot_w:.1f}" '
        f'y2="{bottom:.1f}"/>'
        f'<line {_GRID} x1="{left}" y1="{top}" x2="{left + plot_w:.1f}" y2="{top}"/>'
        f'<text {_TICK} x="{left - 4}" y="{top + 4}" text-anchor="end">{peak}</text>'
        f'<text {_TICK} x="{left - 4}" y="{bottom:.1f}" text-anchor="end">0</text>'
    )


def _finish(chart: Chart, parts: list[str]) -> Chart:
    parts.append("</svg>")
    # Every piece of text in parts went through escape(); the rest is our own markup.
    chart.svg = Markup("".join(parts))  # noqa: S704
    return chart
