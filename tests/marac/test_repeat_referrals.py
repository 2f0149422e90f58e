"""What counts as an earlier MARAC referral for the 12-month rule and flag and tag (issue 5 review,
items 3 and 4), and the one window both use.

National definition: a repeat is abuse between the same pair within 12 months of the last
referral *to MARAC*. A referral the coordinator did not accept, or one withdrawn, is not a MARAC
referral for this purpose: it neither makes a later referral a repeat nor raises flag and tag.
"""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.test import override_settings

from tests.marac.test_referral_fixtures import *  # noqa: F403 (fixtures)
from tests.marac.test_referral_fixtures import earlier_referral
from waymark.incidents.actions import incident_record
from waymark.marac.flags import referral_covering
from waymark.marac.models import FlagAlert, MaracCaseStatus
from waymark.marac.repeats import CaseRow, compute_repeats, window_end, window_months

pytestmark = pytest.mark.django_db
VICTIM, PERP = uuid.uuid4(), uuid.uuid4()


def row(ref, referred_on, status=MaracCaseStatus.HEARD):
    return CaseRow(uuid.uuid4(), ref, VICTIM, PERP, referred_on, status=status)


@pytest.mark.parametrize("status", [MaracCaseStatus.NOT_ACCEPTED, MaracCaseStatus.WITHDRAWN])
def test_a_referral_not_accepted_or_withdrawn_is_not_an_earlier_referral(status):
    first, dropped, later = row("A", date(2014, 1, 10)), row("X", date(2015, 1, 5), status), row("B", date(2015, 3, 1))
    result = compute_repeats([first, dropped, later])
    assert result[later.id].twelve_month is None  # A is more than 12 months before B; X does not count


def test_the_most_recent_counting_referral_is_the_evidence():
    first, dropped = row("A", date(2015, 1, 10)), row("X", date(2015, 2, 5), MaracCaseStatus.NOT_ACCEPTED)
    later = row("B", date(2016, 1, 20))
    assert compute_repeats([first, dropped, later])[later.id].twelve_month is None  # 12 months from A, not X
    assert compute_repeats([first, later])[later.id].twelve_month is None
    nearer = row("B2", date(2016, 1, 10))
    assert compute_repeats([first, dropped, nearer])[nearer.id].twelve_month.case_ref == "A"


@pytest.mark.parametrize("status", [MaracCaseStatus.REFERRED, MaracCaseStatus.ACCEPTED, MaracCaseStatus.LISTED])
def test_an_open_referral_is_a_marac_referral(status):
    first, later = row("A", date(2015, 1, 10), status), row("B", date(2015, 3, 1))
    assert compute_repeats([first, later])[later.id].twelve_month.case_ref == "A"


@pytest.mark.parametrize("status", [MaracCaseStatus.NOT_ACCEPTED, MaracCaseStatus.WITHDRAWN])
def test_flag_and_tag_ignores_a_referral_not_accepted_or_withdrawn(victim, harm, status):
    earlier_referral(victim, harm, date(2025, 1, 15), status=status)
    incident = incident_record(actor=None, victim=victim, perpetrator=harm, occurred_on=date(2025, 3, 1))
    assert not FlagAlert.objects.filter(incident=incident).exists()


def test_a_withdrawn_later_referral_does_not_cover_an_incident():
    first = row("A", date(2025, 1, 15))
    withdrawn = row("W", date(2025, 3, 1), MaracCaseStatus.WITHDRAWN)
    assert referral_covering([first, withdrawn], date(2025, 3, 2)) is first


def test_one_window_for_the_repeat_rule_and_flag_and_tag(victim, harm):
    earlier = earlier_referral(victim, harm, date(2025, 1, 15))
    with override_settings(MARAC_REPEAT_WINDOW_MONTHS=6):
        assert window_months() == 6 and window_end(date(2025, 1, 15)) == date(2025, 7, 15)
        first, later = row("A", date(2025, 1, 15)), row("B", date(2025, 7, 16))
        assert compute_repeats([first, later])[later.id].twelve_month is None
        outside = incident_record(actor=None, victim=victim, perpetrator=harm, occurred_on=date(2025, 7, 16))
        inside = incident_record(actor=None, victim=victim, perpetrator=harm, occurred_on=date(2025, 7, 15))
    assert not FlagAlert.objects.filter(incident=outside).exists()
    assert FlagAlert.objects.filter(incident=inside, earlier_case=earlier).exists()
    assert window_months() == 12
