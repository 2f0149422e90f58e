"""The view pattern that runs an action from a form, written once.

A view handler that takes input does three things: it validates the form, calls the action with
what was typed, and, when the action refuses, shows the refusal on the same form::

    enrolment = run_action(form, lambda data: actions.enrolment_enrol(actor=user, enrolment=e, **data))
    if enrolment is not None:
        return redirect("perpetrators:detail", enrolment_id=enrolment.pk)
    return render(request, "perpetrators/form.html", {"form": form})

``run_action`` returns what the action returned, or ``None`` when the form was invalid or the
action refused (its ``ValidationError`` is then on the form, through ``add_action_errors``). An
action that returns nothing on success makes ``run_action`` return ``DONE``, so ``None`` always
means "show the form again".

An app whose actions raise their own exception for a rule the user can act on (MARAC's
``MeetingError``: "the agenda is full") names it in ``shown=``: its message goes on the form as a
whole, like a ``ValidationError`` with no field.

A ``PermissionDenied`` from the action propagates (a 403, as the view's own check would have given)
unless the view passes ``refusals_on_form=True``: then its message goes on the form as a whole,
for actions whose refusal is part of the page (a reviewer who may not review their own request).

A button on another page (archive, dismiss, mark done) shows no form again: its view passes
``flash=request`` and redirects back; a refusal (the form's own errors or the action's) is then
also flashed as one error message. A button that posts no input uses ``ButtonForm``.

Imports nothing from the Waymark apps, so every app's views may use it (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, TypeVar, overload

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpRequest

from waymark.web.forms import add_action_errors, error_text

T = TypeVar("T")


class _Done:
    """What ``run_action`` returns when the action succeeded and returned nothing."""

    def __repr__(self) -> str:
        return "DONE"


DONE: Final = _Done()


@overload
def run_action(
    form: forms.BaseForm,
    call: Callable[[dict[str, Any]], None],
    *,
    refusals_on_form: bool = False,
    shown: tuple[type[Exception], ...] = (),
    flash: HttpRequest | None = None,
) -> _Done | None: ...


@overload
def run_action(
    form: forms.BaseForm,
    call: Callable[[dict[str, Any]], T],
    *,
    refusals_on_form: bool = False,
    shown: tuple[type[Exception], ...] = (),
    flash: HttpRequest | None = None,
) -> T | None: ...


def run_action(
    form: forms.BaseForm,
    call: Callable[[dict[str, Any]], Any],
    *,
    refusals_on_form: bool = False,
    shown: tuple[type[Exception], ...] = (),
    flash: HttpRequest | None = None,
) -> Any:
    """Validates ``form``; if it is valid, calls ``call(form.cleaned_data)`` and returns its result
    (``DONE`` if it returned nothing). ``None`` when the form is invalid or the action raised
    ``ValidationError`` (put on the form). ``PermissionDenied`` propagates unless
    ``refusals_on_form``, when its message goes on the form as a whole and ``None`` is returned.
    An exception of a class in ``shown`` is put on the form as a whole too. With ``flash``, the
    request, whatever is put on the form is also flashed to it as one error message."""
    result = _run(form, call, refusals_on_form=refusals_on_form, shown=shown)
    if result is None and flash is not None:
        messages.error(flash, error_text(form))
    return result


def _run(
    form: forms.BaseForm,
    call: Callable[[dict[str, Any]], Any],
    *,
    refusals_on_form: bool,
    shown: tuple[type[Exception], ...],
) -> Any:
    if not form.is_valid():
        return None
    try:
        result = call(form.cleaned_data)
    except ValidationError as error:
        add_action_errors(form, error)
        return None
    except PermissionDenied as error:
        if not refusals_on_form:
            raise
        form.add_error(None, str(error) or "You cannot do that.")
        return None
    except shown as error:
        form.add_error(None, str(error))
        return None
    return DONE if result is None else result


def run_action_on_forms(
    forms_shown: list[forms.BaseForm],
    call: Callable[[], Any],
    *,
    shown: tuple[type[Exception], ...] = (),
) -> Any:
    """``run_action`` for a page that posts several forms as one (a case in meeting mode: the
    discussion and an action): every form is validated, then ``call()`` runs. A refusal goes
    against the first form that shows the field it names, otherwise against the first form as a
    whole, as does an exception of a class in ``shown``. Returns ``call()``'s result (``DONE`` for
    nothing), or None when a form was invalid or the action refused."""
    valid = [form.is_valid() for form in forms_shown]
    if not all(valid):
        return None
    try:
        result = call()
    except ValidationError as error:
        named = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
        for name, found in named.items():
            owner = next((form for form in forms_shown if name in form.fields), forms_shown[0])
            add_action_errors(owner, ValidationError({name: found}))
        return None
    except shown as error:
        forms_shown[0].add_error(None, str(error))
        return None
    return DONE if result is None else result
