"""Simple accessible bar charts, drawn on the server as SVG (no script, no inline styles: the CSP
allows neither). Every chart is followed on its page by a table of the same figures.

Each row is its label, with the figure in bold at its end, over a bar as wide as the chart. The
SVG is as wide as its column and its text stays at its own size, so the label is wrapped here, by
the text's own width, to fit the narrowest the chart is drawn (``LABEL_WIDTH``, a 320 pixel
screen less the page's margins): it never runs off the chart or under the next row. A label that
needs more than ``MAX_LINES`` lines is cut with an ellipsis; its full text is in the row's
``<title>`` (shown on pointing at it), in the chart's description (read with the chart) and in the
table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from waymark.core.disclosure import SYMBOL, Suppressed

FONT_SIZE = 15
LINE_HEIGHT = 20
MAX_LINES = 2
LABEL_WIDTH = 288  # the narrowest the chart is drawn: a 320px screen less the page's margins
BAR_GAP = 4  # between the label's last line and its bar
BAR_HEIGHT = 22
ROW_GAP = 14  # between one row's bar and the next row's label
ELLIPSIS = "…"
# GDS Transport, the page's font, runs a little wider than the Arial metrics below.
WIDTH_MARGIN = 1.1

# The advance widths of Arial (Helvetica) Bold, in thousandths of the font size, for the printable
# ASCII characters from the space. Bold is measured for all the text: it is never narrower than
# regular. Any other character counts as a full em, wider than any letter.
_BOLD_ADVANCES = (
    "278 333 474 556 556 889 722 278 333 333 389 584 278 333 278 278 "  # space to /
    "556 556 556 556 556 556 556 556 556 556 333 333 584 584 584 611 "  # 0 to ?
    "975 722 722 722 722 667 611 778 722 278 556 722 611 833 722 778 "  # @ to O
    "667 778 722 667 611 722 667 944 667 667 611 333 278 333 584 556 "  # P to _
    "333 556 611 556 611 556 333 611 611 278 278 556 278 889 611 611 "  # ` to o
    "611 611 389 556 333 611 556 778 556 556 500 389 280 389 584"  # p to ~
)
_ADVANCE = {chr(32 + index): int(width) for index, width in enumerate(_BOLD_ADVANCES.split())}


def text_width(text: str) -> float:
    """The width ``text`` takes at ``FONT_SIZE`` in user units (pixels), erring wide."""
    return sum(_ADVANCE.get(character, 1000) for character in text) * FONT_SIZE / 1000 * WIDTH_MARGIN


@dataclass(frozen=True)
class Line:
    """One line of a row's text: ``text``, then ``value`` in bold (on the last line only)."""

    text: str
    value: str
    y: int  # the baseline

    @property
    def width(self) -> float:
        return text_width(self.text + self.value)


@dataclass(frozen=True)
class Bar:
    label: str
    value: Any
    display: str
    width: float  # percent of the chart's width, 0..100
    y: int  # the top of the row
    lines: tuple[Line, ...]

    @property
    def bar_y(self) -> int:
        return self.y + len(self.lines) * LINE_HEIGHT + BAR_GAP


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    bars: list[Bar]
    height: int


def _longest_prefix(text: str, room: float) -> str:
    """The longest start of ``text`` that fits in ``room``."""
    used = 0.0
    for index, character in enumerate(text):
        used += text_width(character)
        if used > room:
            return text[:index]
    return text


def _wrapped(words: list[str]) -> list[str]:
    """``words`` on lines of at most ``LABEL_WIDTH``, a word longer than a line broken where it must."""
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if text_width(candidate) <= LABEL_WIDTH:
            current = candidate
            continue
        if current:
            lines.append(current)
        while text_width(word) > LABEL_WIDTH:
            part = _longest_prefix(word, LABEL_WIDTH)
            lines.append(part)
            word = word[len(part) :]
        current = word
    return [*lines, current] if current or not lines else lines


def label_lines(label: str, display: str, *, top: int = 0) -> tuple[Line, ...]:
    """The row's text: ``label`` wrapped onto at most ``MAX_LINES`` lines, with ": ``display``" at
    the end of the last (or the figure alone on a line below, when it does not fit there), each
    line no wider than ``LABEL_WIDTH``. A label that needs more lines is cut with an ellipsis on
    its last line, the figure after it."""
    tail = f": {display}"
    texts = _wrapped(label.split())
    if len(texts) > MAX_LINES:
        rest = " ".join(texts[MAX_LINES - 1 :])
        cut = _longest_prefix(rest, LABEL_WIDTH - text_width(ELLIPSIS + tail))
        if rest[len(cut) : len(cut) + 1].strip() and " " in cut.strip():
            cut = cut.rstrip().rsplit(" ", 1)[0]  # at the end of a word, where there is one
        cut = cut.rstrip(" ,;:-")
        parts = [(text, "") for text in texts[: MAX_LINES - 1]] + [(f"{cut}{ELLIPSIS}: ", display)]
    elif not texts[-1]:
        parts = [("", display)]  # no label
    elif text_width(texts[-1] + tail) <= LABEL_WIDTH:
        parts = [(text, "") for text in texts[:-1]] + [(f"{texts[-1]}: ", display)]
    else:
        parts = [(text, "") for text in texts] + [("", display)]
    return tuple(
        Line(text=text, value=value, y=top + FONT_SIZE + index * LINE_HEIGHT)
        for index, (text, value) in enumerate(parts)
    )


def bar_chart(chart_id: str, title: str, items: list[tuple[str, Any]], *, percent: bool) -> Chart:
    """Horizontal bars: rates against 100%, counts against the largest count. A missing value
    (no denominator) draws no bar and says "not measured"."""
    numbers = [v for _, v in items if isinstance(v, int | float)]
    largest = 1.0 if percent else float(max(numbers or [0]) or 1)
    bars = []
    top = 0
    for label, value in items:
        if isinstance(value, Suppressed):
            display, width = SYMBOL, 0.0  # withheld under the disclosure rule: no bar to measure
        elif value is None:
            display, width = "not measured", 0.0
        else:
            display = f"{value:.0%}" if percent else f"{value:,}"
            width = round(100 * float(value) / largest, 1)
        lines = label_lines(str(label), display, top=top)
        bars.append(Bar(label=label, value=value, display=display, width=width, y=top, lines=lines))
        top = bars[-1].bar_y + BAR_HEIGHT + ROW_GAP
    return Chart(id=chart_id, title=title, bars=bars, height=max(top - ROW_GAP, LINE_HEIGHT))
