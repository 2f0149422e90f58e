"""Contact attempts: the lifecycle, the first-contact clock, and refusing unsafe channels."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_member
from tests.people.factories import PersonFactory
from waymark.audit.models import AuditAction, AuditEvent, AuditOutcome
from waymark.cases import actions
from waymark.cases.models import CaseStatusChange, ContactAttempt
from waymark.cases.states import CaseStatus, InvalidTransition
from waymark.core.roles import Role
from waymark.people.models import Address, ContactChannel

pytestmark = pytest.mark.django_db

CANARY_PHONE = "07700 900461"


def phone(person, **flags):
    return ContactChannel.objects.create(person=person, kind="mobile", value=CANARY_PHONE, **flags)


def letters(person, **flags):
    address = Address.objects.create(person=person, kind="home", line1="1 Canary Row", postcode="ZZ9 9ZZ")
    return ContactChannel.objects.create(person=person, kind="post", address=address, **flags)


def email(person, **flags):
    return ContactChannel.objects.create(person=person, kind="email", value="rosa@example.com", **flags)


def attempt(case, actor, *, kind="phone_call", outcome="no_answer", channel=None, when=None):
    return actions.contact_attempt_record(
        actor=actor, case=case, kind=kind, outcome=outcome, channel=channel, attempted_at=when or timezone.now()
    )


UNSAFE = [
    ("phone_call", phone, "safe_to_call"),
    ("voicemail", phone, "safe_to_leave_voicemail"),
    ("text_message", phone, "safe_to_text"),
    ("email", email, "safe_to_write"),
    ("letter", letters, "safe_to_write"),
]


@pytest.mark.parametrize(("kind", "make_channel", "flag"), UNSAFE)
def test_an_attempt_on_a_channel_flagged_unsafe_is_refused_and_nothing_is_saved(
    kind, make_channel, flag, allocated_case, idva
):
    channel = make_channel(allocated_case.person, **{flag: "no"})
    with pytest.raises(actions.ContactBlocked) as blocked:
        attempt(allocated_case, idva, kind=kind, outcome="spoke", channel=channel)
    assert "was not recorded" in str(blocked.value) and "not safe" in str(blocked.value)
    assert not ContactAttempt.objects.exists()
    allocated_case.refresh_from_db()
    assert allocated_case.status == CaseStatus.ALLOCATED and allocated_case.first_contact_at is None
    assert not CaseStatusChange.objects.filter(case=allocated_case).exists()
    event = AuditEvent.objects.get(action=AuditAction.BLOCKED)
    assert event.object_id == str(allocated_case.pk) and event.outcome == AuditOutcome.DENIED
    assert event.detail["flag"] == flag and event.detail["kind"] == kind
    assert CANARY_PHONE not in str(event.detail)


@pytest.mark.parametrize(("kind", "make_channel", "flag"), UNSAFE)
def test_the_same_attempt_is_allowed_when_the_flag_is_yes(kind, make_channel, flag, allocated_case, idva):
    channel = make_channel(allocated_case.person, **{flag: "yes"})
    attempt(allocated_case, idva, kind=kind, channel=channel)
    assert ContactAttempt.objects.count() == 1


@pytest.mark.parametrize(("kind", "make_channel", "flag"), [rule for rule in UNSAFE if rule[2] != "safe_to_write"])
def test_a_call_or_text_is_allowed_when_its_flag_is_not_known(kind, make_channel, flag, allocated_case, idva):
    # The worker making a call or sending a text checks who answers: "not known" is a warning
    # beside the channel for them.
    channel = make_channel(allocated_case.person, **{flag: "unknown"})
    attempt(allocated_case, idva, kind=kind, channel=channel)
    assert ContactAttempt.objects.count() == 1


@pytest.mark.parametrize(("kind", "make_channel"), [("email", email), ("letter", letters)])
def test_a_letter_or_email_is_refused_until_it_is_known_to_be_safe_to_write(kind, make_channel, allocated_case, idva):
    """Written contact waits for whoever opens it: "not known" refuses it as "no" does."""
    channel = make_channel(allocated_case.person, safe_to_write="unknown")
    with pytest.raises(actions.ContactBlocked) as blocked:
        attempt(allocated_case, idva, kind=kind, channel=channel)
    assert "not known whether it is safe to write" in str(blocked.value)
    assert not ContactAttempt.objects.exists()
    assert AuditEvent.objects.get(action=AuditAction.BLOCKED).detail["flag"] == "safe_to_write"


def test_a_flag_for_another_kind_of_contact_does_not_block(allocated_case, idva):
    channel = phone(allocated_case.person, safe_to_call="yes", safe_to_text="no")
    attempt(allocated_case, idva, kind="phone_call", channel=channel)
    with pytest.raises(actions.ContactBlocked):
        attempt(allocated_case, idva, kind="text_message", channel=channel)


@pytest.mark.django_db(transaction=True)
def test_the_blocked_audit_event_survives_the_refused_transaction(specialist_agency, idva_team):
    idva = make_member(Role.CASEWORKER, team=idva_team)
    person = PersonFactory(held_by=specialist_agency)
    from tests.cases.conftest import make_case

    case = make_case(person=person, agency=specialist_agency, status="allocated", caseworker=idva, team=idva_team)
    channel = phone(person, safe_to_call="no")
    with pytest.raises(actions.ContactBlocked):
        attempt(case, idva, channel=channel)
    assert AuditEvent.objects.filter(action=AuditAction.BLOCKED, object_id=str(case.pk)).count() == 1
    assert not ContactAttempt.objects.exists()


def test_the_first_attempt_moves_an_allocated_case_and_later_ones_do_not(allocated_case, idva):
    attempt(allocated_case, idva, kind="in_person")
    assert allocated_case.status == CaseStatus.CONTACT_ATTEMPTED
    attempt(allocated_case, idva, kind="in_person")
    assert CaseStatusChange.objects.filter(case=allocated_case, to_status=CaseStatus.CONTACT_ATTEMPTED).count() == 1
    assert ContactAttempt.objects.filter(case=allocated_case).count() == 2
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="cases.contactattempt").count() == 2


def test_first_contact_is_the_first_successful_attempt(afternoon, allocated_case, idva):
    earlier = timezone.now() - timezone.timedelta(hours=3)
    attempt(allocated_case, idva, kind="in_person", outcome="no_answer", when=earlier)
    assert allocated_case.first_contact_at is None
    first = timezone.now() - timezone.timedelta(hours=2)
    attempt(allocated_case, idva, kind="in_person", outcome="spoke", when=first)
    attempt(allocated_case, idva, kind="in_person", outcome="met")
    allocated_case.refresh_from_db()
    assert allocated_case.first_contact_at == first


def test_no_attempt_before_allocation(case_factory, manager):
    case = case_factory(status=CaseStatus.AWAITING_ALLOCATION)
    with pytest.raises(InvalidTransition, match="awaiting allocation cannot become contact attempted"):
        attempt(case, manager, kind="in_person")


def test_no_attempt_on_a_closed_case(case_factory, idva, idva_team):
    case = case_factory(status=CaseStatus.CLOSED, caseworker=idva, team=idva_team)
    with pytest.raises(ValidationError, match="closed"):
        attempt(case, idva, kind="in_person")


def test_a_channel_of_another_person_is_refused(allocated_case, idva, specialist_agency):
    stranger = PersonFactory(held_by=specialist_agency)
    with pytest.raises(ValidationError) as refused:
        attempt(allocated_case, idva, channel=phone(stranger, safe_to_call="yes"))
    assert "channel" in refused.value.message_dict


def test_a_text_cannot_go_to_an_email_address(allocated_case, idva):
    with pytest.raises(ValidationError) as refused:
        attempt(allocated_case, idva, kind="text_message", channel=email(allocated_case.person, safe_to_write="yes"))
    assert "channel" in refused.value.message_dict


def test_an_attempt_cannot_be_in_the_future(allocated_case, idva):
    with pytest.raises(ValidationError) as refused:
        attempt(allocated_case, idva, kind="in_person", when=timezone.now() + timezone.timedelta(days=1))
    assert "attempted_at" in refused.value.message_dict


# --- The page ---------------------------------------------------------------------------------


def _post(client, case, **data):
    today = timezone.localdate()
    form = {
        "kind": "phone_call",
        "outcome": "spoke",
        "attempted_on_0": today.day,
        "attempted_on_1": today.month,
        "attempted_on_2": today.year,
        "attempted_time": "00:01",
        "note": "",
    }
    form.update(data)
    return client.post(reverse("cases:contact", args=[case.pk]), form)


def test_the_form_lists_the_persons_channels_with_their_safety_flags(client_for, allocated_case, idva):
    phone(allocated_case.person, safe_to_call="yes", safe_to_text="no", safe_to_leave_voicemail="unknown")
    page = client_for(idva).get(reverse("cases:contact", args=[allocated_case.pk])).content.decode()
    assert CANARY_PHONE in page
    assert "Not safe to text" in page and "Not known if safe to leave voicemail" in page


def test_the_page_refuses_an_unsafe_attempt_with_an_explanation(client_for, allocated_case, idva):
    channel = phone(allocated_case.person, safe_to_call="no")
    response = _post(client_for(idva), allocated_case, channel=str(channel.pk))
    assert response.status_code == 200
    assert "it is not safe to call this number" in response.content.decode()
    assert not ContactAttempt.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.BLOCKED).count() == 1


def test_the_page_records_a_safe_attempt(client_for, allocated_case, idva):
    channel = phone(allocated_case.person, safe_to_call="yes")
    response = _post(client_for(idva), allocated_case, channel=str(channel.pk))
    assert response.status_code == 302
    allocated_case.refresh_from_db()
    assert allocated_case.status == CaseStatus.CONTACT_ATTEMPTED and allocated_case.first_contact_at is not None


def test_someone_who_also_works_with_perpetrators_never_sees_the_channels(
    client_for, allocated_case, idva_team, specialist_agency
):
    from waymark.organisations.models import Membership

    dual = make_member(Role.CASEWORKER, team=idva_team)
    Membership.objects.create(user=dual, agency=specialist_agency, role=Role.PERPETRATOR_WORKER)
    phone(allocated_case.person, safe_to_call="yes")
    response = client_for(dual).get(reverse("cases:contact", args=[allocated_case.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert CANARY_PHONE not in page and "Not safe" not in page
    assert "do not include seeing how to contact" in page
    detail = client_for(dual).get(reverse("cases:detail", args=[allocated_case.pk])).content.decode()
    assert CANARY_PHONE not in detail


# Every kind and outcome that uses a phone number, with the flags that must not be "no".
# A call that leaves a message is a voicemail on that phone (the breach in domain.md: a voicemail
# on the abuser-accessible phone); a voicemail needs the number rung, so the call flag too.
PHONE_RULES = [
    ("phone_call", "no_answer", {"safe_to_call"}),
    ("phone_call", "spoke", {"safe_to_call"}),
    ("phone_call", "message_left", {"safe_to_call", "safe_to_leave_voicemail"}),
    ("voicemail", "message_left", {"safe_to_call", "safe_to_leave_voicemail"}),
    ("text_message", "message_left", {"safe_to_text"}),
    ("text_message", "spoke", {"safe_to_text"}),
]
PHONE_FLAGS = ["safe_to_call", "safe_to_leave_voicemail", "safe_to_text"]


@pytest.mark.parametrize(("kind", "outcome", "needed"), PHONE_RULES)
@pytest.mark.parametrize("flag", PHONE_FLAGS)
def test_each_kind_and_outcome_needs_exactly_its_flags(kind, outcome, needed, flag, allocated_case, idva):
    channel = phone(allocated_case.person, **{flag: "no"})
    if flag in needed:
        with pytest.raises(actions.ContactBlocked):
            attempt(allocated_case, idva, kind=kind, outcome=outcome, channel=channel)
        assert not ContactAttempt.objects.exists()
        event = AuditEvent.objects.get(action=AuditAction.BLOCKED)
        assert event.detail["flag"] == flag and event.detail["outcome"] == outcome
    else:
        attempt(allocated_case, idva, kind=kind, outcome=outcome, channel=channel)
        assert ContactAttempt.objects.count() == 1


def test_a_message_left_on_a_call_to_a_number_not_safe_for_voicemail_is_refused(allocated_case, idva):
    channel = phone(allocated_case.person, safe_to_call="yes", safe_to_leave_voicemail="no")
    with pytest.raises(actions.ContactBlocked) as blocked:
        attempt(allocated_case, idva, kind="phone_call", outcome="message_left", channel=channel)
    assert "voicemail" in str(blocked.value)
    assert not ContactAttempt.objects.exists()
    allocated_case.refresh_from_db()
    assert allocated_case.status == CaseStatus.ALLOCATED


def test_first_contact_logged_late_keeps_the_earliest(afternoon, allocated_case, idva):
    later = timezone.now() - timezone.timedelta(hours=1)
    earlier = timezone.now() - timezone.timedelta(hours=5)
    attempt(allocated_case, idva, kind="in_person", outcome="met", when=later)
    attempt(allocated_case, idva, kind="in_person", outcome="spoke", when=earlier)
    allocated_case.refresh_from_db()
    assert allocated_case.first_contact_at == earlier
    # An unsuccessful attempt logged even earlier changes nothing.
    attempt(allocated_case, idva, kind="in_person", outcome="no_answer", when=earlier - timezone.timedelta(hours=1))
    allocated_case.refresh_from_db()
    assert allocated_case.first_contact_at == earlier


@pytest.mark.parametrize(
    ("status", "outcome", "prompted"),
    [
        (CaseStatus.UNABLE_TO_ENGAGE, "met", True),
        (CaseStatus.ALLOCATED, "spoke", True),  # the attempt moves it to "contact attempted"
        (CaseStatus.UNABLE_TO_ENGAGE, "no_answer", False),
        (CaseStatus.ENGAGED, "spoke", False),
    ],
)
def test_a_successful_contact_says_to_mark_engaged_when_the_status_says_otherwise(
    client_for, allocated_case, idva, status, outcome, prompted
):
    """Engaging is a decision of its own (its date starts the risk outcome's clock), so a contact
    does not make it; the page says so when the status still says she is not engaged."""
    type(allocated_case).objects.filter(pk=allocated_case.pk).update(
        status=status, first_contact_at=timezone.now() if status == CaseStatus.ENGAGED else None
    )
    channel = phone(allocated_case.person, safe_to_call="yes")
    response = _post(client_for(idva), allocated_case, outcome=outcome, channel=str(channel.pk))
    assert response.status_code == 302
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("mark them as engaged" in m for m in shown) is prompted
    allocated_case.refresh_from_db()
    assert allocated_case.status == (CaseStatus.CONTACT_ATTEMPTED if status == CaseStatus.ALLOCATED else status)
