"""The free-text scanner for postcodes and phone numbers (a warning, not a block)."""

from __future__ import annotations

import pytest

from waymark.core.locationscan import scan, warning_for


@pytest.mark.parametrize(
    "text",
    ["She is at SW1A 1AA now", "moved to ls62ab", "EC1A 1BB", "W1A 0AX", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT"],
)
def test_postcodes_are_found(text):
    assert [f.kind for f in scan(text)] == ["postcode"]


@pytest.mark.parametrize(
    "text",
    [
        "call 07700 900123",
        "ring 07700900123",
        "+44 7700 900123",
        "0044 20 7946 0018",
        "(020) 7946 0018",
        "0113-496-0000",
    ],
)
def test_phone_numbers_are_found(text):
    assert [f.kind for f in scan(text)] == ["phone number"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "Attended 12 of 26 sessions",
        "Risk raised on 3 March 2026",
        "Case C-2026-000123",
        "Breached licence twice",
        "Score 14 of 24",
        "Ref 123456",
    ],
)
def test_ordinary_notes_raise_nothing(text):
    assert scan(text) == []


def test_the_warning_names_kinds_never_values():
    warning = warning_for("Now at LS6 2AB, mobile 07700 900123", field_label="The flag")
    assert "postcode" in warning and "phone number" in warning
    assert "LS6" not in warning and "07700" not in warning
    street = warning_for("Staying at 12 Sisterly Close with her sister", field_label="The research")
    assert "street address" in street and "Sisterly" not in street
    assert warning_for("Nothing to see", field_label="The flag") == ""


# --- The "confirm to save anyway" step on every checked form (docs/security.md, "Free text") ---

from django import forms as django_forms  # noqa: E402

from waymark.core.locationscan import CONFIRM_FIELD, LocationCheckMixin  # noqa: E402
from waymark.marac.meetings import forms as marac_meeting_forms  # noqa: E402
from waymark.marac.referrals import forms as marac_referral_forms  # noqa: E402
from waymark.perpetrators import forms as programme_forms  # noqa: E402
from waymark.referrals import forms as referral_forms  # noqa: E402
from waymark.refuge import forms as refuge_forms  # noqa: E402
from waymark.strategy import forms as strategy_forms  # noqa: E402

# Every form whose free text a location should not be in, and the fields checked: the list
# docs/security.md gives. A form dropped from it, or a field no longer checked, fails here.
CHECKED = {
    referral_forms.DecisionForm: {"reason"},
    marac_referral_forms.DecisionForm: {"reason"},
    marac_meeting_forms.ResearchForm: {"body"},
    marac_meeting_forms.CaseDiscussionForm: {"summary", "risks"},
    marac_meeting_forms.ActionForm: {"description"},
    marac_meeting_forms.ActionStatusForm: {"note"},
    programme_forms.FlagForm: {"detail"},
    programme_forms.OutcomeForm: {"note"},
    programme_forms.EndForm: {"note"},
    refuge_forms.DateStepForm: {"note"},
    refuge_forms.UnsuccessfulForm: {"note"},
    strategy_forms.ActionUpdateForm: {"progress", "reason", "corrective_action"},
    strategy_forms.ActionForm: {"aim", "milestones", "evidence"},
}


@pytest.mark.parametrize(("form_class", "fields"), CHECKED.items(), ids=lambda v: getattr(v, "__qualname__", ""))
def test_each_listed_form_checks_its_free_text(form_class, fields):
    assert issubclass(form_class, LocationCheckMixin)
    assert set(form_class.location_checked) == fields
    assert fields <= set(form_class.base_fields), "checked fields exist on the form"


class _Note(LocationCheckMixin, django_forms.Form):
    location_checked = {"text": "The note"}
    text = django_forms.CharField(required=False)


@pytest.mark.parametrize(
    "text",
    [
        "At SW1A 1AA tonight",
        "ring 07700 900123",
        # A street address with no postcode locates her as surely (an attacker's probe saved this as
        # MARAC research with no warning).
        "Flat 2, 14 Victoria Road; new school is Elm Park Primary",
    ],
)
def test_text_that_locates_comes_back_once_with_a_warning_and_a_box(text):
    first = _Note({"text": text})
    assert not first.is_valid()
    assert CONFIRM_FIELD in first.errors and CONFIRM_FIELD in first.fields
    assert "looks as if it contains" in first.fields[CONFIRM_FIELD].warning
    rendered = str(first[CONFIRM_FIELD].as_field_group())
    assert "govuk-warning-text" in rendered and "save it as it is" in rendered
    confirmed = _Note({"text": text, CONFIRM_FIELD: "on"})
    assert confirmed.is_valid(), confirmed.errors
    assert confirmed.cleaned_data == {"text": text}, "the box is not passed on to the action"


def test_text_without_a_location_saves_at_once():
    form = _Note({"text": "Missed two appointments"})
    assert form.is_valid() and CONFIRM_FIELD not in form.fields
