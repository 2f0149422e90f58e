"""'(optional)' only on fields optional in every branch (issue 10, item 6).

The shared field template (waymark/templates/django/forms/field.html) adds "(optional)" to a field
that is not required, unless its form lists it in ``conditionally_required``: a field the form's
``clean`` can still demand (the reason when sharing without consent, the phone when calls are safe).
This test reads every form's ``clean`` and fails if it can demand a field that is not so listed.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

from django import forms
from django.template.loader import render_to_string

import waymark

DEMANDED = re.compile(r"""add_error\(\s*["'](\w+)["']""")


def _form_classes():
    for module_info in pkgutil.walk_packages(waymark.__path__, "waymark."):
        if not module_info.name.endswith("forms"):
            continue
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def test_a_field_a_form_can_demand_is_not_labelled_optional():
    wrong = []
    for cls in _form_classes():
        clean = cls.__dict__.get("clean")
        if clean is None:
            continue
        fields = getattr(cls, "base_fields", {})
        listed = set(getattr(cls, "conditionally_required", ()))
        for name in DEMANDED.findall(inspect.getsource(clean)):
            field = fields.get(name)
            if field is not None and not field.required and name not in listed:
                wrong.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert not wrong, f"Labelled (optional) but required in some branch: {wrong}"


def test_the_field_template_honours_the_list():
    class Example(forms.Form):
        conditionally_required = ("phone",)
        phone = forms.CharField(label="Phone", required=False)
        note = forms.CharField(label="Note", required=False)

    form = Example()
    assert "Phone (optional)" not in render_to_string("django/forms/field.html", {"field": form["phone"]})
    assert "Note (optional)" in render_to_string("django/forms/field.html", {"field": form["note"]})
