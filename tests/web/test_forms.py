"""The shared form helpers (waymark/web/forms.py): an action's errors land on the form whatever
their shape, and never raise; the GOV.UK factories and date field behave as the apps expect."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from waymark.web.forms import (
    GovukDateField,
    MessagesForm,
    add_action_errors,
    age_field,
    error_text,
    name_field,
    radios_field,
    text_field,
)


class ThingForm(forms.Form):
    name = forms.CharField(required=False)
    note = forms.CharField(required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _valid_form() -> ThingForm:
    form = ThingForm({"name": "Ann", "note": "", "version": "3"})
    assert form.is_valid()
    return form


def test_a_field_error_goes_on_its_field_and_leaves_cleaned_data():
    form = _valid_form()
    add_action_errors(form, ValidationError({"name": "Enter a shorter name"}))
    assert form.errors["name"] == ["Enter a shorter name"]
    assert "name" not in form.cleaned_data
    assert not form.non_field_errors()


def test_an_error_with_no_field_name_goes_on_the_form_and_does_not_crash():
    form = _valid_form()
    add_action_errors(form, ValidationError("The case is closed."))
    assert form.non_field_errors() == ["The case is closed."]
    assert not form.is_valid()


def test_a_list_of_errors_with_no_field_name_each_reach_the_form():
    form = _valid_form()
    add_action_errors(form, ValidationError(["First problem.", ValidationError("Second problem.")]))
    assert form.non_field_errors() == ["First problem.", "Second problem."]


def test_all_an_unknown_field_and_a_hidden_field_go_on_the_form_as_a_whole():
    form = _valid_form()
    add_action_errors(
        form,
        ValidationError(
            {
                NON_FIELD_ERRORS: "Whole form.",
                "no_such_field": "Unknown field.",
                "version": "Someone changed it.",
                "note": ["One.", "Two."],
            }
        ),
    )
    assert form.non_field_errors() == ["Whole form.", "Unknown field.", "Someone changed it."]
    assert form.errors["note"] == ["One.", "Two."]
    assert "version" not in form.errors


def test_a_parameterised_message_is_shown_formatted():
    form = _valid_form()
    add_action_errors(form, ValidationError("At most %(limit)s.", params={"limit": 3}))
    assert form.non_field_errors() == ["At most 3."]


class FactoryForm(forms.Form):
    given = name_field("Given name", required=True)
    story = text_field("What happened", required=True, max_length=20)
    choice = radios_field("Is it safe to call", [("yes", "Yes"), ("no", "No")])
    age = age_field("Age")
    when = GovukDateField(label="Date of the incident")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "given", "Enter the given name"),
        ({"given": "x" * 101}, "given", "Given name must be 100 characters or fewer"),
        ({}, "story", "Enter what happened"),
        ({"story": "x" * 21}, "story", "What happened must be 20 characters or fewer"),
        ({}, "choice", "Select an answer: is it safe to call"),
        ({"age": "121"}, "age", "Age must be 120 or less"),
        ({"age": "old"}, "age", "Age must be a whole number, like 34"),
        ({}, "when", "Enter date of the incident"),
        (
            {"when_0": "31", "when_1": "2", "when_2": "2020"},
            "when",
            "Date of the incident must be a real date",
        ),
        ({"when_0": "1", "when_2": "2020"}, "when", "Date of the incident must include a month"),
    ],
)
def test_the_govuk_factories_give_govuk_messages(data, field, message):
    form = FactoryForm(data)
    assert not form.is_valid()
    assert message in form.errors[field]


def test_the_date_field_refuses_tomorrow_unless_allowed():
    day = timezone.localdate() + dt.timedelta(days=1)
    parts = [str(day.day), str(day.month), str(day.year)]
    with pytest.raises(ValidationError, match="must be today or in the past"):
        GovukDateField(label="Date").clean(parts)
    assert GovukDateField(label="Date", allow_future=True).clean(parts) == day


class AllocationForm(forms.Form):
    membership = forms.CharField()
    action_field_names = {"caseworker": "membership", "team": "membership"}


def test_a_form_that_names_a_field_otherwise_than_the_action_gets_the_message_on_its_field():
    form = AllocationForm({"membership": "7"})
    assert form.is_valid()
    add_action_errors(
        form, ValidationError({"caseworker": "The case is closed.", "team": "Not in that team.", "other": "Whole."})
    )
    assert form.errors["membership"] == ["The case is closed.", "Not in that team."]
    assert form.non_field_errors() == ["Whole."]


def test_error_text_puts_every_message_on_one_line_the_forms_own_first():
    form = _valid_form()
    add_action_errors(form, ValidationError({"note": "Too long.", NON_FIELD_ERRORS: "Closed."}))
    assert error_text(form) == "Closed. Too long."


class OwnWordsForm(forms.Form):
    outcome = radios_field("Was this use justified?", [("yes", "Yes")], required_message="Choose whether it was")
    notes = text_field("Review notes", required=False, max_length=10, rows=2)


def test_a_factory_field_can_say_what_to_do_in_its_own_words_and_take_its_own_rows():
    form = OwnWordsForm({"notes": "x" * 11})
    assert form.errors == {
        "outcome": ["Choose whether it was"],
        "notes": ["Review notes must be 10 characters or fewer"],
    }
    assert 'rows="2"' in str(form["notes"])


class CountForm(MessagesForm):
    messages = {"children": "Enter how many children, like 2"}
    children = forms.IntegerField(min_value=0, max_value=30)


@pytest.mark.parametrize("typed", ["", "two", "-1", "31"])
def test_a_messages_form_says_the_one_message_however_the_answer_is_wrong(typed):
    form = CountForm({"children": typed})
    assert form.errors == {"children": ["Enter how many children, like 2"]}


def test_a_date_input_is_a_fieldset_with_its_question_as_the_legend():
    """Three boxes have no one box for a label to name: the GOV.UK date input is a group, the
    question its legend, the hint and error described by it, and the error summary links to the
    day box."""
    from django import forms as django_forms
    from django.template import Context, Template

    from waymark.web.forms import GovukDateField

    class DateForm(django_forms.Form):
        happened_on = GovukDateField(label="Date it happened", help_text="For example, 27 3 2026")

    form = DateForm(data={"happened_on_0": "31", "happened_on_1": "2", "happened_on_2": "2026"})
    assert not form.is_valid()
    html = str(form["happened_on"].as_field_group())
    assert '<fieldset class="govuk-fieldset" role="group"' in html
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Date it happened</legend>' in html
    assert 'aria-describedby="id_happened_on_helptext id_happened_on_error"' in html
    assert '<label class="govuk-label govuk-label--s" for="id_happened_on"' not in html
    assert 'for="id_happened_on_0">Day</label>' in html
    summary = Template('{% include "includes/error_summary.html" %}').render(Context({"form": form}))
    assert 'href="#id_happened_on_0"' in summary


@pytest.mark.parametrize(
    "parts", [["9" * 30, "1", "2020"], ["1", "9" * 30, "2020"], ["99999999999999999999", "99", "2020"]]
)
def test_a_date_with_a_day_or_month_too_long_for_a_number_is_refused_not_an_error(parts):
    """A hand-made request can send thirty digits for a day: refused as not a real date, where
    building the date had overflowed (found by tests/core/test_fuzz_inputs.py)."""
    with pytest.raises(forms.ValidationError, match="must be a real date"):
        GovukDateField(label="Date shared").clean(parts)
