"""A risk assessment's professional-judgement reason must not locate her (found by a probe).

Whoever may see the person sees her assessments, and not all of them may see where she is: a MARAC
coordinator who broke glass, a caseworker who also works in the perpetrator programme. Before the
fix a caseworker saved "He has found her new flat at 12 Hidden Road SE5 9ZZ and rang her on 07700
900123" through the API and both of them read it, on the page and in the API, while her contact
page refused them. Now the action refuses such a reason (form and API alike: the one rule,
``waymark.core.keptreasons``), and a reason already stored is shown to them with each postcode,
phone number and street address masked (``waymark.risk.access.judgement_reasons_shown``), on the
page, in the API and on the referral's triage page.
"""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.api.tokens import service_client
from tests.breakglass.test_break_glass import NOW, open_for
from tests.factories import AgencyFactory, MembershipFactory, make_member
from tests.referrals.conftest import make_referral
from tests.risk.conftest import answers_with_yes
from waymark.accounts.models import User
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.keptreasons import SHOWN_BEYOND_LOCATION_HINT
from waymark.core.roles import Role
from waymark.people.access import can_see_location
from waymark.risk.actions import risk_assessment_record
from waymark.risk.choices import RiskLevel
from waymark.risk.models import RiskAssessment

pytestmark = pytest.mark.django_db

WHERE = "He has found her new flat at 12 Hidden Road SE5 9ZZ and rang her on 07700 900123"
LOCATORS = ("12 Hidden Road", "SE5 9ZZ", "07700 900123")
MASKED = "He has found her new flat at [street address hidden] [postcode hidden] and rang her on [phone number hidden]"
FINE = "He has made threats to kill since she left"


@pytest.fixture
def assessment(idva, person, dash24):
    """An assessment whose reason was stored before the rule (an older record, or an import)."""
    recorded = risk_assessment_record(
        actor=idva,
        person=person,
        instrument=dash24,
        assessed_on=date(2025, 3, 1),
        answers=answers_with_yes(5),
        judgement_level=RiskLevel.HIGH,
        judgement_reason=FINE,
    )
    RiskAssessment.objects.filter(pk=recorded.pk).update(judgement_reason=WHERE)
    return RiskAssessment.objects.get(pk=recorded.pk)


@pytest.fixture
def dual_role_worker(idva_team):
    """A perpetrator-programme worker given a caseworker role in the IDVA team."""
    user = make_member(Role.PERPETRATOR_WORKER, agency=AgencyFactory(), full_name="Dee Dual")
    MembershipFactory(user=user, agency=idva_team.agency, team=idva_team, role=Role.CASEWORKER)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def marac_coordinator():
    """Lucy Barnes: a MARAC coordinator at another agency, who breaks glass to the person."""
    return make_member(Role.MARAC_COORDINATOR, agency=AgencyFactory(), full_name="Lucy Barnes")


def _body(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _shows_masked(text: str) -> None:
    assert MASKED in text
    for locator in LOCATORS:
        assert locator not in text


# --- Writing: refused, form and API alike ----------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        ("He has found her new flat in SE5 9ZZ", "a postcode"),
        ("He rang her on 07700 900123 last night", "a phone number"),
        ("He waits outside 12 Hidden Road every evening", "a street address"),
    ],
)
def test_the_action_refuses_a_locating_reason_and_saves_nothing(idva, person, dash24, reason, kind):
    with pytest.raises(ValidationError) as refused:
        risk_assessment_record(
            actor=idva,
            person=person,
            instrument=dash24,
            assessed_on=date(2025, 3, 1),
            answers=answers_with_yes(5),
            judgement_level=RiskLevel.HIGH,
            judgement_reason=reason,
        )
    (message,) = refused.value.message_dict["judgement_reason"]
    assert message.startswith(f"The reason for your judgement must not include {kind}")
    assert "not where she is" in message
    assert reason not in message
    assert not RiskAssessment.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="risk.riskassessment").exists()


def test_an_ordinary_reason_is_still_recorded(idva, person, dash24):
    recorded = risk_assessment_record(
        actor=idva,
        person=person,
        instrument=dash24,
        assessed_on=date(2025, 3, 1),
        answers=answers_with_yes(5),
        judgement_level=RiskLevel.HIGH,
        judgement_reason=FINE,
    )
    assert RiskAssessment.objects.get(pk=recorded.pk).judgement_reason == FINE


def test_the_checklist_page_refuses_it_on_the_field_and_says_beforehand(client_for, idva, person, dash24):
    client = client_for(idva)
    url = reverse("risk:record", args=[person.pk])
    assert SHOWN_BEYOND_LOCATION_HINT in _body(client.get(url))
    data = {
        "assessed_on": "2025-03-01",
        "judgement_level": RiskLevel.HIGH,
        "judgement_reason": WHERE,
        **{f"item_{n}": answer.value for n, answer in answers_with_yes(5).items()},
    }
    for step in ("check", "confirm"):
        page = client.post(url, {**data, "step": step})
        assert page.status_code == 200
        (error,) = page.context["form"].errors["judgement_reason"]
        assert error.startswith("The reason for your judgement must not include a street address, a postcode")
        assert "The reason for your judgement must not include" in page.content.decode()
    assert not RiskAssessment.objects.exists()


def test_the_api_refuses_it_with_a_400_on_the_field_and_saves_nothing(idva, person, dash24):
    response = service_client(idva).post(
        "/api/risk-assessments/",
        {
            "person": str(person.pk),
            "assessed_on": "2025-03-01",
            "yes_count": 5,
            "judgement_level": "high",
            "judgement_reason": WHERE,
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    (message,) = response.json()["judgement_reason"]
    assert message.startswith("The reason for your judgement must not include")
    for locator in LOCATORS:
        assert locator not in response.content.decode()
    assert not RiskAssessment.objects.exists()


# --- Reading what is already stored -----------------------------------------------------------


def test_whoever_may_see_where_she_is_reads_the_reason_as_written(client_for, idva, person, assessment):
    assert can_see_location(idva, person)
    assert WHERE in _body(client_for(idva).get(reverse("risk:detail", args=[assessment.pk])))
    api = service_client(idva)
    assert api.get(f"/api/risk-assessments/{assessment.pk}/").json()["judgement_reason"] == WHERE
    assert [row["judgement_reason"] for row in api.get("/api/risk-assessments/").json()["results"]] == [WHERE]


def test_a_programme_worker_with_a_caseworker_role_reads_it_masked(client_for, dual_role_worker, person, assessment):
    assert not can_see_location(dual_role_worker, person)
    _shows_masked(_body(client_for(dual_role_worker).get(reverse("risk:detail", args=[assessment.pk]))))
    api = client_for(dual_role_worker)  # signed in, as a person uses the API (two agencies: no token)
    detail = api.get(f"/api/risk-assessments/{assessment.pk}/")
    assert detail.status_code == 200
    assert detail.json()["judgement_reason"] == MASKED
    listing = api.get("/api/risk-assessments/", {"person": str(person.pk)}).json()["results"]
    assert [row["judgement_reason"] for row in listing] == [MASKED]
    _shows_masked(api.get("/api/risk-assessments/").content.decode())


def test_a_marac_coordinator_who_broke_glass_reads_it_masked(client_for, marac_coordinator, person, assessment):
    with time_machine.travel(NOW, tick=False):
        open_for(marac_coordinator, person)
        assert not can_see_location(marac_coordinator, person)
        _shows_masked(_body(client_for(marac_coordinator).get(reverse("risk:detail", args=[assessment.pk]))))
        detail = client_for(marac_coordinator).get(f"/api/risk-assessments/{assessment.pk}/")
        assert detail.status_code == 200, detail.content
        assert detail.json()["judgement_reason"] == MASKED


def test_the_referral_triage_page_masks_it_alike(
    client_for, idva, dual_role_worker, police_referrer, specialist_agency, dash24, settings
):
    settings.REFERRALS_RECEIVING_AGENCY_REF = specialist_agency.ref
    referral = make_referral(police_referrer)
    recorded = risk_assessment_record(
        actor=idva,
        person=referral.subject,
        instrument=dash24,
        assessed_on=date(2025, 3, 1),
        yes_count=5,
        judgement_level=RiskLevel.HIGH,
        judgement_reason=FINE,
    )
    RiskAssessment.objects.filter(pk=recorded.pk).update(judgement_reason=WHERE)
    referral.risk_assessment = recorded
    referral.save(update_fields=["risk_assessment"])
    url = reverse("referrals:detail", args=[referral.pk])
    assert WHERE in _body(client_for(idva).get(url))
    _shows_masked(_body(client_for(dual_role_worker).get(url)))
