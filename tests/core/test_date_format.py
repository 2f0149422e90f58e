"""One date format everywhere (issue 10, item 6): "2 December 2026".

Three checks: every explicit ``|date`` format in a template writes the day, the full month and the
year (machine formats for attributes and URLs aside); a date shown without a format uses the
project's format module; and pages as rendered carry no abbreviated month or numeric date.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import reverse

TEMPLATES = Path(__file__).resolve().parents[2] / "waymark" / "templates"
DATE_FILTER = re.compile(r"""\|date:(["'])(.*?)\1""")
MACHINE_FORMATS = {"c", "Y-m-d"}
SHORT_MONTH = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec) \d{4}\b")
NUMERIC_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")


def test_every_date_filter_in_a_template_writes_2_december_2026():
    wrong = []
    for path in TEMPLATES.rglob("*.html"):
        for match in DATE_FILTER.finditer(path.read_text()):
            fmt = match.group(2)
            if fmt not in MACHINE_FORMATS and "j F Y" not in fmt:
                wrong.append(f"{path.relative_to(TEMPLATES)}: {fmt}")
    assert not wrong, wrong


def test_a_date_without_a_format_is_shown_the_same_way():
    rendered = Template("{{ day }}|{{ day|date }}|{{ moment|date:'DATETIME_FORMAT' }}").render(
        Context({"day": dt.date(2026, 12, 2), "moment": dt.datetime(2026, 12, 2, 9, 5)})
    )
    assert rendered == "2 December 2026|2 December 2026|2 December 2026, 09:05"


def other_date_formats(html: str) -> list[str]:
    return SHORT_MONTH.findall(html) + NUMERIC_DATE.findall(html)


@pytest.mark.django_db
def test_pages_as_rendered_carry_no_other_date_format(client_for, manager, idva, police_referrer, settings):
    from tests.referrals.conftest import make_referral

    settings.REFERRALS_RECEIVING_AGENCY_REF = manager.primary_agency.ref
    referral = make_referral(police_referrer)
    pages = [
        (manager, reverse("referrals:queue")),
        (manager, reverse("referrals:detail", kwargs={"referral_id": referral.pk})),
        (police_referrer, reverse("referrals:mine")),
        (manager, reverse("cases:team")),
        (idva, reverse("cases:mine")),
    ]
    for user, url in pages:
        response = client_for(user).get(url)
        assert response.status_code == 200, url
        assert not other_date_formats(response.content.decode()), url
