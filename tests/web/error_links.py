"""Reading a page's GOV.UK error summary (no tests here): its links, and whether each lands on an
element of the page. Used by the error-summary tests of web, cases and MARAC."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

CONTROLS = ("input", "select", "textarea")


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]


@dataclass
class Page:
    """Every element in order, each id's element, and the error summaries' items and links."""

    elements: list[Element] = field(default_factory=list)
    ids: dict[str, Element] = field(default_factory=dict)
    summary_items: int = 0
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, text)

    def first_control(self, html_name: str) -> Element | None:
        """The first box, radio, checkbox or select a field named ``html_name`` renders (a date
        input's boxes are named ``<name>_0``, ``_1``, ``_2``)."""
        for element in self.elements:
            named = element.attrs.get("name") in (html_name, f"{html_name}_0")
            if named and element.tag in CONTROLS and element.attrs.get("type") != "hidden":
                return element
        return None

    def link_for(self, text: str) -> str | None:
        return next((href for href, said in self.links if said == text), None)

    def broken_links(self) -> list[str]:
        """Every summary link that is not to an element of this page ("#<id>")."""
        return [f"{href} ({text})" for href, text in self.links if not href.startswith("#") or href[1:] not in self.ids]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._summary_depth = 0  # divs open inside an error summary
        self._link: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        element = Element(tag, values)
        self.page.elements.append(element)
        if values.get("id"):
            self.page.ids.setdefault(values["id"], element)
        if tag == "div":
            if self._summary_depth:
                self._summary_depth += 1
            elif "govuk-error-summary" in values.get("class", "").split():
                self._summary_depth = 1
        elif self._summary_depth and tag == "li":
            self.page.summary_items += 1
        elif self._summary_depth and tag == "a":
            self._link = [values.get("href", ""), ""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._summary_depth:
            self._summary_depth -= 1
        elif tag == "a" and self._link is not None:
            self.page.links.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link[1] += data


def read(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.page


def assert_summary_links_land(html: str, *, at_least: int = 1) -> Page:
    """The page has an error summary of at least ``at_least`` links, every item is a link, and
    every link goes to an element of the page."""
    page = read(html)
    assert len(page.links) >= at_least, page.links
    assert page.summary_items == len(page.links), "an error summary item without a link"
    assert page.broken_links() == []
    return page
