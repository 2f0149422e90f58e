"""Property-based fuzzing of every form field and API serializer field in Waymark (issue 11,
deliverable 8): whatever is typed or sent, a field either cleans the value or refuses it with a
validation error. Nothing else may escape (an OverflowError on year 9999, a RecursionError on
deep JSON, a TypeError on a list where a string was expected): that is a 500 for a user.
The API is then driven end to end with generated JSON, which must never give a 500."""

from __future__ import annotations

import contextlib
import importlib
import json
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.test import APIClient

from tests.factories import make_member
from waymark.core.roles import Role

MODULES = ("forms", "api", "serializers", "meeting_forms", "referral_forms")


def _import_waymark_forms_and_serializers() -> None:
    for config in apps.get_app_configs():
        if not config.name.startswith("waymark."):
            continue
        for module in MODULES:
            try:
                importlib.import_module(f"{config.name}.{module}")
            except ModuleNotFoundError:
                continue


def _subclasses(cls: type) -> list[type]:
    found, todo = [], [cls]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return [c for c in found if c.__module__.startswith("waymark.")]


_import_waymark_forms_and_serializers()
FORM_FIELDS = sorted(
    {
        (f"{form.__module__}.{form.__name__}.{name}", field)
        for form in _subclasses(forms.BaseForm)
        for name, field in getattr(form, "base_fields", {}).items()
    },
    key=lambda item: item[0],
)


def _serializer_fields() -> list[tuple[str, Any]]:
    found = []
    for serializer in _subclasses(serializers.Serializer):
        try:
            instance = serializer(context={})
            fields = instance.fields
        except Exception:
            continue
        for name, field in fields.items():
            if not field.read_only:
                found.append((f"{serializer.__module__}.{serializer.__name__}.{name}", field))
    return sorted(found, key=lambda item: item[0])


SERIALIZER_FIELDS = _serializer_fields()

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=60),
    st.sampled_from(
        ["9999-12-31", "0001-01-01", "31/02/2026", "2026-13-01", "1e400", "NaN", "-0", "\x00", "\uff10\uff11", "   "]
    ),
)
typed = st.one_of(scalars, st.lists(scalars, max_size=4), st.dictionaries(st.text(max_size=5), scalars, max_size=3))
# What a form field receives from a request: nothing, a string, or a list of strings (a
# multi-part date, a multiple choice).
posted_text = st.one_of(
    st.text(max_size=60), st.sampled_from(["9999", "0001", "31", "13", "1e400", "NaN", "\x00", "   "])
)
# A request's form data for a field named "f" (and the parts of a multi-part widget, f_0 to f_2),
# any key repeated or missing: what ``widget.value_from_datadict`` turns into the field's value.
posted = st.dictionaries(st.sampled_from(["f", "f_0", "f_1", "f_2"]), st.lists(posted_text, min_size=1, max_size=3))


def test_the_fuzz_covers_the_field_types_waymark_uses():
    form_types = {type(field).__name__ for _, field in FORM_FIELDS}
    api_types = {type(field).__name__ for _, field in SERIALIZER_FIELDS}
    assert len(FORM_FIELDS) > 100 and len(SERIALIZER_FIELDS) > 20
    assert {"CharField", "ChoiceField", "GovukDateField", "DateField", "IntegerField"} <= form_types
    assert {"CharField", "ChoiceField", "SaneDateField"} <= api_types


@pytest.mark.parametrize(("name", "field"), FORM_FIELDS, ids=[name for name, _ in FORM_FIELDS])
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=posted)
def test_every_form_field_cleans_or_refuses(name, field, data):
    if isinstance(field, forms.ModelChoiceField | forms.FileField):
        return  # needs the database or an upload: covered by the views' own tests
    value = field.widget.value_from_datadict(MultiValueDict(data), MultiValueDict(), "f")
    with contextlib.suppress(DjangoValidationError):
        field.clean(value)


@pytest.mark.parametrize(("name", "field"), SERIALIZER_FIELDS, ids=[name for name, _ in SERIALIZER_FIELDS])
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=typed)
def test_every_api_field_validates_or_refuses(name, field, value):
    if isinstance(field, serializers.RelatedField | serializers.ManyRelatedField | serializers.FileField):
        return
    with contextlib.suppress(DrfValidationError, DjangoValidationError, serializers.SkipField):
        field.run_validation(value)


json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)


@pytest.mark.django_db
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    subject=st.dictionaries(st.sampled_from(["given_name", "family_name", "date_of_birth", "sex"]), json_values),
    extra=st.dictionaries(
        st.sampled_from(["latest_incident_on", "vawg_category", "consent", "subject_postcode", "abuse_types"]),
        json_values,
    ),
)
def test_the_referrals_api_never_answers_500(police_agency, specialist_agency, subject, extra):
    from django.test import override_settings

    user = make_member(Role.REFERRER, agency=police_agency)
    client = APIClient()
    client.force_login(user)
    client.raise_request_exception = False
    body = {"subject": subject, "vawg_category": "domestic_abuse", "consent": "given", **extra}
    with override_settings(REFERRALS_RECEIVING_AGENCY_REF=specialist_agency.ref):
        response = client.post("/api/referrals/", json.dumps(body, allow_nan=True), content_type="application/json")
    assert response.status_code < 500, response.content


@pytest.mark.django_db
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    params=st.dictionaries(
        st.sampled_from(["given_name", "family_name", "date_of_birth", "postcode", "phone", "limit"]),
        st.text(max_size=30),
    )
)
def test_the_people_search_never_answers_500(specialist_agency, params):
    from django.core.cache import cache

    cache.clear()
    user = make_member(Role.CASEWORKER, agency=specialist_agency)
    client = APIClient()
    client.force_login(user)
    client.raise_request_exception = False
    assert client.get("/api/people/search/", params).status_code < 500
    assert client.get("/find-a-person/candidates/", params).status_code < 500
