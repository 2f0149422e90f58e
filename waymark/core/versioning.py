"""No lost updates: one mechanism for every edit form (docs/architecture.md, "No lost updates").

Three parts, used together:

1. ``VersionedModel`` (model mixin): a ``version`` column, 1 when the record is made, bumped by
   one on every edit that goes through ``claim_version``.
2. ``VersionedFormMixin`` (form mixin): the form carries the version it was read at and an
   encrypted snapshot of the values it showed (``read_state``), as hidden fields. Build its
   initial data with ``versioned_initial(form_class, instance, initial)``.
3. ``claim_version(instance, read_version)`` (action helper): called inside the action's
   transaction before saving. It moves the row from ``read_version`` to the next version in one
   conditional UPDATE (``... WHERE id = %s AND version = %s``), which the database serialises:
   of two edits read at the same version exactly one wins, on PostgreSQL and SQLite alike. The
   loser gets ``StaleEdit``, and nothing of theirs is saved.

The view turns ``StaleEdit`` into ``conflict_response``: a page (409) that shows, field by field,
the value when the user opened the form, the value now, and the user's own, and a form that
re-applies the user's changes on top of the current record, at the current version, to review
and save again. A page whose save must be checked reads the posted version with
``required_posted_version``: a POST without one (or with a malformed one) is refused the same way
(``VersionNotPosted``, a ``StaleEdit``), since ``None`` would mean "take the version now".
Actions that move state (allocate, close, set a status) also re-read the row under
``select_for_update`` and re-check the move (``lock_for_update``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from waymark.core import crypto
from waymark.core.numbers import is_whole_number

M = TypeVar("M", bound=models.Model)
VERSION_FIELD = "version"
READ_STATE_FIELD = "read_state"
_READ_STATE_CONTEXT = b"waymark.versioning.read_state"


class VersionedModel(models.Model):
    """Mixin for every record people edit: the version an edit form was read at."""

    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Bumped by every edit; an edit read at an older version is refused."
    )

    class Meta:
        abstract = True


class StaleEdit(Exception):
    """The record moved on since the form was read: the edit is refused, nothing saved."""

    def __init__(self, *, label: str, pk: Any, read_version: int | None, current_version: int | None):
        super().__init__(f"{label} {pk} is at version {current_version}, the edit was read at {read_version}")
        self.label = label
        self.pk = pk
        self.read_version = read_version
        self.current_version = current_version


# The versions the current request's forms were read at, by (model label, pk): set by a view
# around an action call with ``editing_at``, so actions need no extra argument to honour them.
_READ_AT: ContextVar[dict[tuple[str, str], int] | None] = ContextVar("waymark_read_at", default=None)


@contextmanager
def editing_at(instance: models.Model, read_version: int | None) -> Iterator[None]:
    """Within this block, ``claim_version(instance)`` checks against ``read_version``."""
    if read_version is None:
        yield
        return
    current = dict(_READ_AT.get() or {})
    current[(instance._meta.label_lower, str(instance.pk))] = int(read_version)
    token = _READ_AT.set(current)
    try:
        yield
    finally:
        _READ_AT.reset(token)


def posted_version(data: Mapping[str, Any]) -> int | None:
    """The ``version`` a plain (non-Django-form) POST carries, if any and well formed."""
    raw = str(data.get(VERSION_FIELD, "") or "")
    # ASCII digits only: ``isdigit`` passes "²", which ``int`` cannot read (a server error).
    return int(raw) if is_whole_number(raw) and len(raw) < 10 else None


class VersionNotPosted(StaleEdit):
    """A web form that must say which version it was read at did not (no ``version``, or not a
    whole number). Without it the check against other people's changes cannot be made, so the
    save is refused as a stale one is: the views' ``except StaleEdit`` show the page again as the
    record is now, at its version now, and nothing is saved."""


def required_posted_version(data: Mapping[str, Any], *, instance: models.Model) -> int:
    """The version a web POST that changes ``instance`` was read at, or ``VersionNotPosted``.

    For pages whose save must be checked: ``posted_version``'s ``None`` means "take the version
    now", which would silently skip the check. Callers that do not read first (the API, imports,
    the demo) keep passing ``None`` to the action instead."""
    read_version = posted_version(data)
    if read_version is None:
        raise VersionNotPosted(
            label=instance._meta.label_lower,
            pk=instance.pk,
            read_version=None,
            current_version=getattr(instance, VERSION_FIELD, None),
        )
    return read_version


def claim_version(instance: models.Model, read_version: int | None = None) -> int:
    """Moves ``instance``'s row from ``read_version`` to the next version, or raises ``StaleEdit``.

    Call inside the action's transaction, after validation and before ``save()``; the instance's
    ``version`` is set to the new number so that its own save writes it too. Without
    ``read_version`` the version set by ``editing_at`` is used; without either (an API or import
    that does not read first) the version now.
    """
    model = type(instance)
    manager = model._default_manager
    if read_version is None:
        read_version = (_READ_AT.get() or {}).get((model._meta.label_lower, str(instance.pk)))
    if read_version is None:
        read_version = manager.filter(pk=instance.pk).values_list(VERSION_FIELD, flat=True).first()
    claimed = manager.filter(pk=instance.pk, version=read_version).update(version=F(VERSION_FIELD) + 1)
    if not claimed:
        current = manager.filter(pk=instance.pk).values_list(VERSION_FIELD, flat=True).first()
        raise StaleEdit(
            label=model._meta.label_lower, pk=instance.pk, read_version=read_version, current_version=current
        )
    new_version = int(read_version or 0) + 1
    setattr(instance, VERSION_FIELD, new_version)
    return new_version


def check_version(*, label: str, pk: Any, read_version: int | None, current_version: int) -> None:
    """For records kept as a series of versions (a safety plan): the edit must build on the latest."""
    if read_version is not None and read_version != current_version:
        raise StaleEdit(label=label, pk=pk, read_version=read_version, current_version=current_version)


def lock_for_update(queryset: models.QuerySet[M], pk: Any) -> M:
    """The row, re-read under a row lock, for actions that move state and must re-check it."""
    return queryset.select_for_update().get(pk=pk)


# --- Forms -----------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A value as the snapshot keeps it: JSON-able and equal for equal field values."""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(_plain(item) for item in value)
    if value is None:
        return ""
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def seal(values: Mapping[str, Any]) -> str:
    return crypto.encrypt_text(
        json.dumps({k: _plain(v) for k, v in values.items()}, sort_keys=True), associated_data=_READ_STATE_CONTEXT
    )


def unseal(sealed: str) -> dict[str, Any]:
    try:
        return dict(json.loads(crypto.decrypt_text(sealed, associated_data=_READ_STATE_CONTEXT)))
    except Exception:  # tampered, truncated or from another key set: treat as "unknown"
        return {}


class VersionedFormMixin(forms.Form):
    """Mixed into an edit form: hidden ``version`` and encrypted ``read_state`` fields."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    read_state = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200_000)

    def edit_fields(self) -> list[str]:
        return [name for name in self.fields if name not in (VERSION_FIELD, READ_STATE_FIELD)]

    def edit_data(self) -> dict[str, Any]:
        """``cleaned_data`` without the two version fields, for the action."""
        return {k: v for k, v in self.cleaned_data.items() if k not in (VERSION_FIELD, READ_STATE_FIELD)}

    @property
    def read_version(self) -> int | None:
        value = self.cleaned_data.get(VERSION_FIELD)
        return None if value is None else int(value)

    def read_values(self) -> dict[str, Any]:
        return unseal(self.cleaned_data.get(READ_STATE_FIELD) or "")


def versioned_initial(form_class: type[forms.BaseForm], version: int, initial: Mapping[str, Any]) -> dict[str, Any]:
    """Initial data for an edit form: the record's values, its version and their sealed snapshot."""
    shown = {name: value for name, value in initial.items() if name not in (VERSION_FIELD, READ_STATE_FIELD)}
    return {**initial, VERSION_FIELD: version, READ_STATE_FIELD: seal(shown)}


# --- The conflict page -------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldConflict:
    label: str
    when_read: str
    now: str
    yours: str
    changed_by_someone_else: bool
    changed_by_you: bool

    @property
    def clashes(self) -> bool:
        return self.changed_by_someone_else and self.changed_by_you and self.now != self.yours


def _shown(field: forms.Field, plain: Any) -> str:
    choices = getattr(field, "choices", None)
    if choices is not None and not isinstance(plain, list):
        labels = {str(key): str(label) for key, label in choices if not isinstance(label, list | tuple)}
        if str(plain) in labels:
            return labels[str(plain)]
    if isinstance(plain, bool):
        return "Yes" if plain else "No"
    if isinstance(plain, str) and len(plain) == 10 and plain[4] == "-" and plain[7] == "-":
        try:
            return f"{date.fromisoformat(plain):%-d %B %Y}"
        except ValueError:
            pass
    return str(plain) if plain not in ("", None, []) else "(blank)"


def merge(form: VersionedFormMixin, current: Mapping[str, Any]) -> tuple[list[FieldConflict], dict[str, Any]]:
    """The rows of the conflict page, and the merged values: the record now, with the fields the
    user changed (from what they read) re-applied on top."""
    read = form.read_values()
    yours_all = form.edit_data()
    rows: list[FieldConflict] = []
    merged: dict[str, Any] = dict(current)
    for name in form.edit_fields():
        field = form.fields[name]
        now, yours = _plain(current.get(name)), _plain(yours_all.get(name))
        # A field the form showed without a value was blank; with no snapshot at all (lost or
        # tampered) assume the other person did not change it.
        was = read.get(name, "") if read else now
        by_them = was != now
        by_you = yours != was
        if by_you:
            merged[name] = yours_all.get(name)
        if by_them or by_you:
            rows.append(
                FieldConflict(
                    label=str(field.label or name),
                    when_read=_shown(field, was),
                    now=_shown(field, now),
                    yours=_shown(field, yours),
                    changed_by_someone_else=by_them,
                    changed_by_you=by_you,
                )
            )
    return rows, merged


def conflict_response(
    request: HttpRequest,
    *,
    form: VersionedFormMixin,
    current: Mapping[str, Any],
    current_version: int,
    make_form: Callable[[dict[str, Any]], forms.BaseForm],
    context: Mapping[str, Any] | None = None,
    template: str = "versioning/conflict.html",
) -> HttpResponse:
    """The page a stale save gets (HTTP 409): what changed, and the merged form to save again."""
    rows, merged = merge(form, current)
    merged_form = make_form(versioned_initial(type(form), current_version, {**merged}))
    # The snapshot the merged form carries is the record *now*, so a second save compares with it.
    merged_form.initial[READ_STATE_FIELD] = seal(
        {name: value for name, value in current.items() if name not in (VERSION_FIELD, READ_STATE_FIELD)}
    )
    return render(
        request,
        template,
        {"rows": rows, "merged_form": merged_form, "action_url": request.get_full_path(), **(context or {})},
        status=409,
    )


def stale_as_validation_error(stale: StaleEdit) -> ValidationError:
    """For callers without a conflict page (the API, imports): a plain refusal."""
    return ValidationError(
        "Someone else changed this record after you opened it. Open it again to see their changes.",
        code="stale",
    )
