"""Flag and tag: an incident between a pair referred to MARAC in the last 12 months alerts the
coordinator, whichever way it arrives (the incident page, the action, an import); the 12-month
boundary; idempotency; the coordinator's list, repeat referral and dismissal."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.marac.test_referral_fixtures import *  # noqa: F403 (fixtures)
from tests.marac.test_referral_fixtures import earlier_referral
from waymark.audit.models import AuditAction, AuditEvent
from waymark.incidents.actions import incident_record
from waymark.incidents.models import Incident
from waymark.interchange.actions import interchange_import_files
from waymark.marac.flags import flag_incidents, referral_covering, window_end
from waymark.marac.models import FlagAlert, FlagStatus, MaracCase, MaracCaseStatus
from waymark.marac.repeats import CaseRow
from waymark.people.models import Relationship

pytestmark = pytest.mark.django_db
REFERRED = date(2025, 1, 15)


@pytest.fixture
def earlier(victim, harm):
    return earlier_referral(victim, harm, REFERRED)


def record(victim, harm, occurred_on, actor=None):
    return incident_record(actor=actor, victim=victim, perpetrator=harm, occurred_on=occurred_on)


# --- The rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("occurred_on", "flagged"),
    [
        (date(2025, 1, 15), False),  # the referral's own day: the incident being referred
        (date(2025, 1, 16), True),
        (date(2026, 1, 14), True),  # a day before 12 months
        (date(2026, 1, 15), True),  # exactly 12 calendar months
        (date(2026, 1, 16), False),  # a day after: a new referral, not a repeat
        (date(2024, 12, 1), False),  # before the referral
    ],
)
def test_twelve_month_boundary(victim, harm, earlier, occurred_on, flagged):
    with override_settings(MARAC_REPEAT_WINDOW_MONTHS=12):
        incident = record(victim, harm, occurred_on)
    assert FlagAlert.objects.filter(incident=incident, earlier_case=earlier).exists() is flagged


def test_leap_day_window_ends_on_28_february():
    row = CaseRow(id=None, ref="X", victim_id=None, perpetrator_id=None, referred_on=date(2024, 2, 29))  # type: ignore[arg-type]
    assert window_end(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert referral_covering([row], date(2025, 2, 28), 12) is row
    assert referral_covering([row], date(2025, 3, 1), 12) is None


def test_the_window_is_configurable(victim, harm, earlier):
    with override_settings(MARAC_REPEAT_WINDOW_MONTHS=6):
        assert not FlagAlert.objects.filter(incident=record(victim, harm, date(2025, 7, 16))).exists()
        assert FlagAlert.objects.filter(incident=record(victim, harm, date(2025, 7, 15))).exists()


def test_same_victim_with_another_person_or_no_person_causing_harm_is_not_flagged(
    victim, harm, earlier, specialist_agency
):
    from waymark.people.models import Person

    other = Person.objects.create(held_by=specialist_agency, given_name="Other")
    record(victim, other, date(2025, 3, 1))
    record(victim, None, date(2025, 3, 1))
    assert not FlagAlert.objects.exists()


def test_the_most_recent_earlier_referral_counts(victim, harm, earlier):
    later = earlier_referral(victim, harm, date(2025, 6, 1))
    incident = record(victim, harm, date(2025, 7, 1))
    assert FlagAlert.objects.get(incident=incident).earlier_case == later


def test_not_flagged_when_the_pair_was_already_referred_again_since(victim, harm, earlier):
    earlier_referral(victim, harm, date(2025, 3, 1))
    record(victim, harm, date(2025, 2, 20))  # before the second referral, which covers it
    assert not FlagAlert.objects.exists()


def test_idempotent(victim, harm, earlier):
    incident = record(victim, harm, date(2025, 3, 1))
    assert flag_incidents([incident.pk]) == []
    assert FlagAlert.objects.count() == 1


# --- Every way in --------------------------------------------------------------------------------


def test_incident_recorded_on_the_page_raises_an_alert(idva, victim, harm, earlier, client_for):
    Relationship.objects.create(person_a=victim, person_b=harm, kind="former_intimate_partner")
    response = client_for(idva).post(
        reverse("incidents:create", args=[victim.pk]),
        {"occurred_on": "2025-04-01", "perpetrator": str(harm.pk), "description": "CANARY-text"},
    )
    assert response.status_code == 302
    flag = FlagAlert.objects.get()
    assert flag.incident == Incident.objects.get() and flag.earlier_case == earlier and flag.status == FlagStatus.NEW
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="marac.flagalert")
    assert "CANARY" not in str(event.detail) and event.actor_label == "Flag and tag (automatic)"


def test_incidents_cannot_be_created_through_the_api():
    """Flag and tag covers the API once incidents can be created there: today it has no incident endpoint."""
    from django.urls import get_resolver

    names = [str(p.pattern) for p in get_resolver().url_patterns if "api" in str(p.pattern)]
    assert names, "the API is mounted"
    from waymark.api import urls as api_urls

    assert not any("incident" in str(pattern.pattern) for pattern in api_urls.urlpatterns)


def _incidents_csv(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["incident_ref", "occurred_on", "victim_ref", "perpetrator_ref", "agency_ref", "description"])
    writer.writerows(rows)
    return buffer.getvalue().encode()


def test_an_import_raises_alerts_once(victim, harm, earlier, police_agency):
    victim.ref, harm.ref = "PV1", "PH1"
    victim.save()
    harm.save()
    files = {
        "incidents.csv": _incidents_csv(
            [
                ["INC-1", "2026-01-14", "PV1", "PH1", police_agency.ref, "inside"],
                ["INC-2", "2026-01-15", "PV1", "PH1", police_agency.ref, "at 12 months"],
                ["INC-3", "2026-01-16", "PV1", "PH1", police_agency.ref, "after"],
            ]
        )
    }
    today = timezone.localdate()
    report = interchange_import_files(actor=None, raw_files=files, today=today)
    assert report.ok, report.lines()
    assert sorted(FlagAlert.objects.values_list("incident__ref", flat=True)) == ["INC-1", "INC-2"]
    again = interchange_import_files(actor=None, raw_files=files, today=today)
    assert again.ok and FlagAlert.objects.count() == 2


def test_a_dry_run_import_raises_nothing(victim, harm, earlier):
    victim.ref, harm.ref = "PV1", "PH1"
    victim.save()
    harm.save()
    files = {"incidents.csv": _incidents_csv([["INC-1", "2025-03-01", "PV1", "PH1", "", ""]])}
    interchange_import_files(actor=None, raw_files=files, dry_run=True, today=timezone.localdate())
    assert not FlagAlert.objects.exists()


# --- The coordinator -----------------------------------------------------------------------------


def test_flags_page_access(coordinator, police_referrer, housing_rep, commissioner, outsider, client_for):
    url = reverse("marac:flags")
    assert client_for(coordinator).get(url).status_code == 200
    for user in (police_referrer, housing_rep, commissioner):
        assert client_for(user).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 403


def test_repeat_referral_from_a_flag(coordinator, victim, harm, earlier, client_for):
    flag = FlagAlert.objects.get(incident=record(victim, harm, date(2025, 5, 1)))
    client = client_for(coordinator)
    listing = client.get(reverse("marac:flags")).content.decode()
    assert "Rosa Lindqvist and Mark Hollis" in listing and earlier.ref in listing
    assert f"?flag={flag.pk}" in listing
    form_url = reverse("marac:refer") + f"?flag={flag.pk}"
    page = client.get(form_url).content.decode()
    assert "Rosa Lindqvist" in page and 'value="repeat" checked' in page
    # The alert's object check wrote the page's one read row, naming the alert.
    reads = AuditEvent.objects.filter(actor=coordinator, action=AuditAction.VIEW, object_id=str(flag.pk))
    assert [event.detail.get("page") for event in reads] == ["MARAC referral form"]
    response = client.post(
        form_url,
        {
            "criteria": ["repeat"],
            "children_in_household": "0",
            "consent": "given",
            "victim_sex": "female",
            "victim_disability": "unknown",
            "victim_lgbt": "unknown",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    new = MaracCase.objects.exclude(pk=earlier.pk).get()
    assert new.from_flag == flag and new.victim == victim and new.perpetrator == harm
    assert "repeat" in new.criteria and new.status == MaracCaseStatus.REFERRED
    flag.refresh_from_db()
    assert flag.status == FlagStatus.REFERRED and flag.resolved_by == coordinator
    # Dealt with: the form is not offered again.
    assert client.get(form_url).status_code == 302


def test_only_the_coordinator_can_refer_from_a_flag(police_referrer, victim, harm, earlier, client_for):
    flag = FlagAlert.objects.get(incident=record(victim, harm, date(2025, 5, 1)))
    assert client_for(police_referrer).get(reverse("marac:refer") + f"?flag={flag.pk}").status_code == 403


def test_dismiss_needs_a_reason_and_is_audited(coordinator, victim, harm, earlier, client_for):
    flag = FlagAlert.objects.get(incident=record(victim, harm, date(2025, 5, 1)))
    client = client_for(coordinator)
    url = reverse("marac:dismiss-flag", args=[flag.pk])
    client.post(url, {"reason": ""})
    flag.refresh_from_db()
    assert flag.status == FlagStatus.NEW
    client.post(url, {"reason": "Already on the next agenda"})
    flag.refresh_from_db()
    assert (flag.status, flag.resolution_note) == (FlagStatus.DISMISSED, "Already on the next agenda")
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(flag.pk))
    assert event.detail["to"] == "dismissed" and "agenda" not in str(event.detail)


def test_home_panel_counts_new_flags_and_referrals_awaiting(coordinator, victim, harm, earlier, client_for):
    record(victim, harm, date(2025, 5, 1))
    earlier_referral(victim, None, date(2025, 6, 1), status=MaracCaseStatus.REFERRED)
    page = client_for(coordinator).get(reverse("home")).content.decode()
    assert "MARAC triage" in page and "New flag-and-tag alerts" in page and "Referrals awaiting triage" in page


def test_many_incidents_are_checked_in_chunks(victim, harm, earlier, monkeypatch):
    import waymark.marac.flags as flags

    monkeypatch.setattr(flags, "CHUNK", 2)
    ids = [Incident.objects.create(victim=victim, perpetrator=harm, occurred_on=date(2025, 2, d)).pk for d in (1, 2, 3)]
    assert len(flags.flag_incidents(ids)) == 3
    assert flags.flag_incidents(ids) == []


def test_dismiss_access(police_referrer, outsider, victim, harm, earlier, client_for):
    flag = FlagAlert.objects.get(incident=record(victim, harm, date(2025, 5, 1)))
    url = reverse("marac:dismiss-flag", args=[flag.pk])
    for user in (police_referrer, outsider):
        assert client_for(user).post(url, {"reason": "x"}).status_code == 404
    flag.refresh_from_db()
    assert flag.status == FlagStatus.NEW
