"""Simple accessible bar charts, drawn on the server as SVG (no script, no inline styles: the CSP
allows neither). Every chart is followed on its page by a table of the same figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from waymark.core.disclosure import SYMBOL, Suppressed


@dataclass(frozen=True)
class Bar:
    label: str
    value: Any
    display: str
    width: float  # percent of the bar area, 0..100
    y: int

    @property
    def svg_width(self) -> float:
        """The bar's width as a share of the whole drawing (the bar area is 40% of it)."""
        return round(self.width * BAR_AREA / 100, 2)


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    bars: list[Bar]
    height: int
    row_height: int


ROW_HEIGHT = 36
BAR_AREA = 40  # percent of the drawing's width given to bars


def bar_chart(chart_id: str, title: str, items: list[tuple[str, Any]], *, percent: bool) -> Chart:
    """Horizontal bars: rates against 100%, counts against the largest count. A missing value
    (no denominator) draws no bar and says "not measured"."""
    numbers = [v for _, v in items if isinstance(v, int | float)]
    largest = 1.0 if percent else float(max(numbers or [0]) or 1)
    bars = []
    for index, (label, value) in enumerate(items):
        if isinstance(value, Suppressed):
            display, width = SYMBOL, 0.0  # withheld under the disclosure rule: no bar to measure
        elif value is None:
            display, width = "not measured", 0.0
        else:
            display = f"{value:.0%}" if percent else f"{value:,}"
            width = round(100 * float(value) / largest, 1)
        bars.append(Bar(label=label, value=value, display=display, width=width, y=index * ROW_HEIGHT))
    return Chart(id=chart_id, title=title, bars=bars, height=max(1, len(bars)) * ROW_HEIGHT, row_height=ROW_HEIGHT)
