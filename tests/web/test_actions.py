"""``run_action`` (waymark/web/actions.py): validate, call the action, put its refusal on the form."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from waymark.web.actions import DONE, run_action
from waymark.web.forms import ButtonForm


class NameForm(forms.Form):
    name = forms.CharField(max_length=10)


def test_an_invalid_form_never_calls_the_action():
    calls = []
    form = NameForm({"name": ""})
    assert run_action(form, lambda data: calls.append(data)) is None
    assert calls == []
    assert "name" in form.errors


def test_a_valid_form_calls_the_action_with_the_cleaned_data_and_returns_its_result():
    form = NameForm({"name": " Ann "})
    assert run_action(form, lambda data: f"made {data['name']}") == "made Ann"
    assert not form.errors


def test_an_action_that_returns_nothing_still_reads_as_done():
    form = NameForm({"name": "Ann"})
    assert run_action(form, lambda data: None) is DONE


def test_a_field_refusal_lands_on_its_field():
    def refuse(data):
        raise ValidationError({"name": "That name is taken"})

    form = NameForm({"name": "Ann"})
    assert run_action(form, refuse) is None
    assert form.errors["name"] == ["That name is taken"]


def test_a_refusal_with_no_field_name_lands_on_the_form_without_crashing():
    def refuse(data):
        raise ValidationError("The meeting has closed.")

    form = NameForm({"name": "Ann"})
    assert run_action(form, refuse) is None
    assert form.non_field_errors() == ["The meeting has closed."]


def test_permission_denied_is_a_403_unless_the_view_asks_for_it_on_the_form():
    def deny(data):
        raise PermissionDenied("You may not review your own request.")

    with pytest.raises(PermissionDenied):
        run_action(NameForm({"name": "Ann"}), deny)
    form = NameForm({"name": "Ann"})
    assert run_action(form, deny, refusals_on_form=True) is None
    assert form.non_field_errors() == ["You may not review your own request."]


def test_other_exceptions_are_not_swallowed():
    def broken(data):
        raise RuntimeError("a bug")

    with pytest.raises(RuntimeError):
        run_action(NameForm({"name": "Ann"}), broken)


def test_an_exception_the_view_names_as_shown_lands_on_the_form_and_others_do_not():
    class RuleBroken(Exception):
        pass

    def refuse(data):
        raise RuleBroken("The agenda is full.")

    form = NameForm({"name": "Ann"})
    assert run_action(form, refuse, shown=(RuleBroken,)) is None
    assert form.non_field_errors() == ["The agenda is full."]
    with pytest.raises(RuleBroken):
        run_action(NameForm({"name": "Ann"}), refuse)


def _request_with_messages():
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.test import RequestFactory

    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _flashed(request):
    return [(message.level_tag, str(message)) for message in request._messages]


def test_flash_sends_the_refusal_to_the_page_the_button_came_from():
    def refuse(data):
        raise ValidationError({"name": "That name is taken", "__all__": "The list is closed."})

    request = _request_with_messages()
    assert run_action(NameForm({"name": "Ann"}), refuse, flash=request) is None
    assert _flashed(request) == [("error", "The list is closed. That name is taken")]


def test_flash_sends_the_forms_own_errors_too_and_nothing_on_success():
    request = _request_with_messages()
    assert run_action(NameForm({"name": ""}), lambda data: "made", flash=request) is None
    assert _flashed(request) == [("error", "This field is required.")]
    request = _request_with_messages()
    assert run_action(NameForm({"name": "Ann"}), lambda data: "made", flash=request) == "made"
    assert _flashed(request) == []


def test_a_button_form_posts_nothing_and_still_carries_the_refusal():
    def refuse(data):
        assert data == {}
        raise ValidationError({"task": "This task is already done."})

    form = ButtonForm({"anything": "posted"})
    assert run_action(form, refuse) is None
    assert form.non_field_errors() == ["This task is already done."]
