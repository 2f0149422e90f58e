"""The professional intake: one topic per page, nothing saved until "Accept and send"."""

from datetime import date, timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests.clock import on_day
from tests.factories import make_member
from waymark.core.roles import Role
from waymark.people.models import Person
from waymark.referrals.intake import DRAFT_KEY, load_draft
from waymark.referrals.models import Referral

pytestmark = pytest.mark.django_db

# One fixed "today" (the run's hour kept): a date read at import is the wall clock's, not the run's.
TODAY = date(2026, 11, 20)
YESTERDAY = TODAY - timedelta(days=1)


@pytest.fixture(autouse=True)
def fixed_day():
    with on_day(TODAY):
        yield


ANSWERS = {
    "person": {
        "given_name": "<b>Ayesha</b>",
        "family_name": "Khan",
        "date_of_birth_0": "3",
        "date_of_birth_1": "4",
        "date_of_birth_2": "1990",
        "sex": "female",
        "postcode": "SE1 7PB",
    },
    "harm": {
        "known": "yes",
        "given_name": "Imran",
        "family_name": "Khan",
        "sex": "male",
        "relationship": "current_partner",
    },
    "children": {"children_in_household": "2"},
    "what": {
        "vawg_category": "domestic_abuse",
        "abuse_types": ["physical", "coercive_control"],
        "latest_incident_on_0": str(YESTERDAY.day),
        "latest_incident_on_1": str(YESTERDAY.month),
        "latest_incident_on_2": str(YESTERDAY.year),
        "latest_incident_summary": "Pushed down the stairs.",
    },
    "risk": {
        "completed": "yes",
        "assessed_on_0": str(YESTERDAY.day),
        "assessed_on_1": str(YESTERDAY.month),
        "assessed_on_2": str(YESTERDAY.year),
        "yes_count": "15",
    },
    "consent": {"consent": "given"},
    "contact": {
        "safe_to_call": "yes",
        "safe_to_text": "no",
        "safe_to_voicemail": "no",
        "safe_to_write": "unknown",
        "phone": "07700 900982",
    },
}


def step_url(slug):
    return reverse("referrals:step", kwargs={"slug": slug})


def saved_steps(client, user):
    """The steps kept in the (encrypted) session draft."""
    request = RequestFactory().get("/")
    request.session, request.user = client.session, user
    return set(load_draft(request))


def fill_in(client, answers=ANSWERS):
    client.get(reverse("referrals:new"))
    for slug, data in answers.items():
        response = client.post(step_url(slug), data)
        assert response.status_code == 302, (slug, response.content.decode()[:2000])
    return response


def test_full_journey_saves_once_at_the_end_and_shows_the_reference(client_for, police_referrer):
    client = client_for(police_referrer)
    last = fill_in(client)
    assert last["Location"] == reverse("referrals:check")
    assert not Referral.objects.exists() and not Person.objects.exists()  # nothing saved yet

    check = client.get(reverse("referrals:check"))
    body = check.content.decode()
    assert "Check your answers" in body
    assert "&lt;b&gt;Ayesha&lt;/b&gt;" in body and "<b>Ayesha</b>" not in body  # markup escaped

    sent = client.post(reverse("referrals:check"))
    assert sent["Location"] == reverse("referrals:sent")
    referral = Referral.objects.get()
    assert referral.referring_user == police_referrer
    assert referral.risk_assessment.final_level == "high"
    assert referral.subject.given_name == "<b>Ayesha</b>"
    assert referral.children_in_household == 2

    panel = client.get(reverse("referrals:sent")).content.decode()
    assert referral.number in panel and "govuk-panel--confirmation" in panel
    assert DRAFT_KEY not in client.session


def test_draft_in_the_session_is_encrypted(client_for, police_referrer):
    client = client_for(police_referrer)
    client.get(reverse("referrals:new"))
    client.post(step_url("person"), ANSWERS["person"])
    stored = client.session[DRAFT_KEY]
    assert "Ayesha" not in stored and stored.startswith("v1:")


def test_cannot_skip_ahead(client_for, police_referrer):
    client = client_for(police_referrer)
    client.get(reverse("referrals:new"))
    assert client.get(step_url("consent"))["Location"] == step_url("person")
    assert client.get(reverse("referrals:check"))["Location"] == step_url("person")


def test_agency_is_asked_only_of_someone_referring_for_several(client_for, police_referrer, specialist_agency):
    client = client_for(police_referrer)
    assert client.get(step_url("agency")).status_code == 404
    dual = make_member(Role.REFERRER, agency=police_referrer.primary_agency)
    from tests.factories import MembershipFactory

    MembershipFactory(user=dual, agency=specialist_agency, role=Role.CASEWORKER)
    dual_client = client_for(dual)
    fill_in(dual_client)
    page = dual_client.get(step_url("agency"))
    assert page.status_code == 200 and "Which agency are you referring for?" in page.content.decode()
    dual_client.post(step_url("agency"), {"agency": str(specialist_agency.pk)})
    dual_client.post(reverse("referrals:check"))
    assert Referral.objects.get().referring_agency == specialist_agency


@pytest.mark.parametrize(
    ("slug", "changes", "message"),
    [
        (
            "person",
            {"date_of_birth_0": "31", "date_of_birth_1": "2", "date_of_birth_2": "1990"},
            "Date of birth must be a real date",
        ),
        (
            "person",
            {"date_of_birth_2": str(timezone.localdate().year + 1)},
            "Date of birth must be today or in the past",
        ),
        ("person", {"date_of_birth_0": ""}, "Date of birth must include a day"),
        ("person", {"given_name": "", "family_name": ""}, "Enter the first name or last name of the person at risk"),
        ("person", {"given_name": "x" * 101}, "First name must be 100 characters or fewer"),
        ("person", {"postcode": "NOT A POSTCODE"}, "Enter a real postcode"),
        ("person", {"given_name": "Ay\x07esha"}, "control characters"),
        ("harm", {"given_name": "", "family_name": ""}, "Enter the first name or last name of the person causing harm"),
        ("children", {"children_in_household": "-1"}, "The number of children must be 0 or more"),
        ("children", {"children_in_household": "lots"}, "must be a whole number"),
        ("what", {"latest_incident_summary": "x" * 5001}, "What happened must be 5,000 characters or fewer"),
        ("what", {"vawg_category": "bogus"}, "Select a valid choice"),
        ("risk", {"yes_count": ""}, "Enter how many questions were answered yes"),
        # Refused on the checklist step itself (the risk action's rule), not first on the final page.
        (
            "risk",
            {"judgement_level": "high", "judgement_reason": "He found her new flat in SE5 9ZZ"},
            "The reason for your judgement must not include a postcode",
        ),
        ("consent", {"consent": "refused"}, "Select the lawful basis for sharing without consent"),
        ("contact", {"phone": "call me maybe"}, "Enter a phone number"),
    ],
)
def test_bad_input_gets_a_govuk_error_and_is_not_kept(client_for, police_referrer, slug, changes, message):
    client = client_for(police_referrer)
    client.get(reverse("referrals:new"))
    for earlier in list(ANSWERS)[: list(ANSWERS).index(slug)]:
        client.post(step_url(earlier), ANSWERS[earlier])
    response = client.post(step_url(slug), {**ANSWERS[slug], **changes})
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body and "govuk-error-message" in body
    assert message in body
    assert "Error: " in body.split("</title>")[0]
    assert slug not in saved_steps(client, police_referrer)


def test_under_16_is_accepted_at_intake(client_for, police_referrer):
    young = timezone.localdate().replace(year=timezone.localdate().year - 14)
    answers = {
        **ANSWERS,
        "person": {
            **ANSWERS["person"],
            "date_of_birth_0": str(young.day),
            "date_of_birth_1": str(young.month),
            "date_of_birth_2": str(young.year),
        },
    }
    client = client_for(police_referrer)
    fill_in(client, answers)
    client.post(reverse("referrals:check"))
    assert Referral.objects.get().subject.age_on(timezone.localdate()) == 14


def test_matching_fragment_is_embedded_when_matching_exists(client_for, police_referrer):
    from django.urls import NoReverseMatch

    client = client_for(police_referrer)
    body = client.get(step_url("person")).content.decode()
    try:
        url = reverse("matching:candidates")
    except NoReverseMatch:
        pytest.skip("matching app not installed")
    assert f'hx-get="{url}"' in body


def test_a_search_still_running_when_a_step_is_submitted_does_not_lose_the_draft(
    client_for, police_referrer, monkeypatch
):
    """The known-person fragment fires while she types. If its search is still running when she
    submits the step, the step saves the draft first; the fragment's request, finishing later,
    must not write back the session as it loaded it (without that step)."""
    from django.contrib.sessions.backends.db import SessionStore

    import waymark.matching.views as matching_views

    client = client_for(police_referrer)
    client.get(reverse("referrals:new"))
    key = client.session.session_key

    def search_overtaken_by_the_step(*, actor, query):
        # While the search runs, the step is submitted (its own request, its own session save).
        assert client.post(step_url("person"), ANSWERS["person"]).status_code == 302
        return []

    monkeypatch.setattr(matching_views, "search_for_user", search_overtaken_by_the_step)
    fragment = client.get(reverse("matching:candidates"), {"given_name": "Ayesha", "family_name": "Khan"})
    assert fragment.status_code == 200
    assert DRAFT_KEY in SessionStore(session_key=key).load()
    assert saved_steps(client, police_referrer) == {"person"}


@pytest.mark.parametrize(
    "role", [Role.REFERRER, Role.CASEWORKER, Role.TEAM_MANAGER, Role.HOUSING_OFFICER, Role.MARAC_REPRESENTATIVE]
)
def test_every_referring_role_may_use_the_form(client_for, role):
    assert client_for(make_member(role)).get(reverse("referrals:new")).status_code == 200


@pytest.mark.parametrize("persona", ["auditor", "administrator", "outsider"])
@pytest.mark.parametrize("url_name", ["referrals:new", "referrals:check", "referrals:sent"])
def test_roles_that_do_not_refer_are_refused(request, client_for, persona, url_name):
    assert client_for(request.getfixturevalue(persona)).get(reverse(url_name)).status_code == 403


def test_signed_out_is_sent_to_sign_in(client):
    response = client.get(reverse("referrals:new"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_sending_twice_creates_one_referral(client_for, police_referrer):
    client = client_for(police_referrer)
    fill_in(client)
    client.post(reverse("referrals:check"))
    again = client.post(reverse("referrals:check"))
    assert again["Location"] == step_url("person")
    assert Referral.objects.count() == 1


def test_intake_pages_are_not_cached(client_for, police_referrer):
    client = client_for(police_referrer)
    client.get(reverse("referrals:new"))
    assert client.get(step_url("person"))["Cache-Control"] == "no-store"


@pytest.mark.parametrize(("answer", "source"), [("yes", "champion"), ("no", "professional"), ("", "professional")])
def test_a_trained_champion_is_counted_as_the_source(client_for, police_referrer, answer, source):
    """The "trained champion" question on the form sets the referral's source, so the partnership
    can see whether training leads to earlier identification."""
    client = client_for(police_referrer)
    answers = {**ANSWERS, "what": {**ANSWERS["what"], "by_trained_champion": answer}}
    fill_in(client, answers)
    client.post(reverse("referrals:check"))
    assert Referral.objects.get().source == source
