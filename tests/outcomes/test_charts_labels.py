"""Chart labels: a long provider name is never cut off at the chart's edge nor drawn under the next
row (a walkthrough found names cut off). Each row's text is wrapped, or cut with an ellipsis, to
fit the narrowest the chart is drawn, by the layout's own measure of the text
(``waymark/outcomes/charts.py``); the full name is in the row's ``<title>``, in the chart's
description and in the table beside it."""

from __future__ import annotations

import html
import itertools
import re

from django.template.loader import render_to_string
from hypothesis import given
from hypothesis import strategies as st

from waymark.core.disclosure import Suppressed
from waymark.outcomes.charts import bar_chart

LONG = (
    "Southmere and District Domestic Abuse Advocacy, Outreach and Independent Support Partnership "
    "Community Interest Company (North)"
)


def drawn(svg: str) -> list[str]:
    """The text drawn in each row of the chart (the ``<text>`` elements, tags removed)."""
    return [html.unescape(re.sub(r"<[^>]+>", "", text)) for text in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)]


def test_a_long_provider_name_is_in_the_svg_in_full_and_drawn_shortened():
    chart = bar_chart("chart-supported", "Supported by provider", [(LONG, 12), ("Harbour Advocacy", 5)], percent=False)
    svg = render_to_string("outcomes/_bar_chart.html", {"chart": chart})
    assert f"<title>{html.escape(LONG)}: 12</title>" in svg  # shown on pointing at the row
    description = re.search(r'<desc id="chart-supported-desc">(.*?)</desc>', svg, re.S).group(1)
    assert html.escape(LONG) in description  # read with the chart (aria-labelledby)
    assert 'aria-labelledby="chart-supported-title chart-supported-desc"' in svg
    long_row, short_row = drawn(svg)
    assert long_row != f"{LONG}: 12" and "…: 12" in long_row  # cut short, the figure kept
    assert long_row.startswith("Southmere and District")
    assert short_row == "Harbour Advocacy: 5"


def test_no_line_is_wider_than_the_chart_and_no_row_runs_into_the_next():
    from waymark.outcomes.charts import BAR_HEIGHT, LABEL_WIDTH, LINE_HEIGHT, MAX_LINES, text_width

    items = [
        (LONG, 12),
        ("A provider whose name needs two lines on a narrow screen", None),
        ("Wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww", 3),
        ("", Suppressed()),
        ("Short", 1),
    ]
    chart = bar_chart("chart-supported", "Supported by provider", items, percent=False)
    bottom = 0
    for bar in chart.bars:
        assert bar.y >= bottom  # below the row before
        assert 1 <= len(bar.lines) <= MAX_LINES + 1
        assert sum(1 for line in bar.lines if line.text.strip()) <= MAX_LINES
        for line in bar.lines:
            assert line.width == text_width(line.text + line.value) <= LABEL_WIDTH, line
            assert bar.y < line.y <= bar.bar_y  # the baseline is above the bar
        assert bar.lines[-1].value == bar.display  # the figure is always shown
        baselines = [line.y for line in bar.lines]
        assert all(lower - upper == LINE_HEIGHT for upper, lower in itertools.pairwise(baselines))
        bottom = bar.bar_y + BAR_HEIGHT
    assert chart.height >= bottom
    # The label area is no wider than the narrowest page column (a 320px screen less its margins).
    assert LABEL_WIDTH <= 320 - 2 * 15


def test_a_label_that_fits_is_drawn_whole_on_one_line():
    (bar,) = bar_chart("c", "Rates", [("Risk reduced within 3 months", 0.45)], percent=True).bars
    assert [(line.text, line.value) for line in bar.lines] == [("Risk reduced within 3 months: ", "45%")]


def test_the_measure_errs_wide():
    from waymark.outcomes.charts import FONT_SIZE, text_width

    # Arial Bold: "W" is 0.944 em, "i" 0.278 em; a character it has no width for counts as 1 em.
    assert text_width("W") >= 0.944 * FONT_SIZE and text_width("i") >= 0.278 * FONT_SIZE
    assert text_width("ŵ") >= FONT_SIZE


@given(
    label=st.text(st.characters(min_codepoint=32, max_codepoint=0x24F, blacklist_categories=("Cs",)), max_size=200),
    value=st.one_of(st.none(), st.integers(0, 10_000_000)),
)
def test_any_label_fits(label, value):
    from waymark.outcomes.charts import LABEL_WIDTH, MAX_LINES

    (bar,) = bar_chart("c", "Any", [(label, value)], percent=False).bars
    assert all(line.width <= LABEL_WIDTH for line in bar.lines)
    assert len(bar.lines) <= MAX_LINES + 1 and bar.lines[-1].value == bar.display
    if len(bar.lines) == 1 and "…" not in bar.lines[0].text and label.split():
        assert bar.lines[0].text == " ".join(label.split()) + ": "
