"""Every error-summary link lands on the first box, radio or checkbox of its field (WCAG 2.4.3,
GOV.UK error summary), whatever the widget: written once in includes/error_link.html.

Django renders radios and checkboxes as ``id_<name>_0``, ``_1``... and the GOV.UK date input as
``id_<name>_0`` to ``_2``, so a link to ``#id_<name>`` went nowhere. The first tests pin each widget;
the last renders every form of the project it can build without records, with an error on each
field, and checks each link against the page (tests/cases and tests/marac check real pages).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections import Counter
from typing import Any

import pytest
from django import forms
from django.forms.utils import ErrorDict
from django.template import Context, Template

import waymark
from tests.web.error_links import CONTROLS, assert_summary_links_land, read
from waymark.web.forms import GovukDateField, radios_field

SUMMARY_AND_FORM = Template('{% include "includes/error_summary.html" %}<form>{{ form }}</form>')


def render(form: forms.BaseForm) -> str:
    return SUMMARY_AND_FORM.render(Context({"form": form}))


class EveryWidgetForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label="Name")
    kind = radios_field("Kind", [("a", "A"), ("b", "B")], required_message="Choose a kind")
    needs = forms.MultipleChoiceField(
        label="Needs", choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple
    )
    happened_on = GovukDateField(label="Date it happened")
    team = forms.ChoiceField(label="Team", choices=[("", "Choose"), ("t", "T")])
    note = forms.CharField(label="Note", widget=forms.Textarea)
    agreed = forms.BooleanField(label="Agreed")
    count = forms.IntegerField(label="Count")
    nothing_to_choose = forms.ChoiceField(label="Nothing", choices=[], widget=forms.RadioSelect)


EXPECTED = {
    "Enter a name": "#id_name",
    "Choose a kind": "#id_kind_0",
    "Choose a need": "#id_needs_0",
    "Enter date it happened": "#id_happened_on_0",
    "Choose a team": "#id_team",
    "Enter a note": "#id_note",
    "Tick to agree": "#id_agreed",
    "Enter a count": "#id_count",
    # No option to focus: the group of (no) radios itself.
    "Nothing to choose": "#id_nothing_to_choose",
}


def _every_widget_form() -> EveryWidgetForm:
    form = EveryWidgetForm(data={})
    messages = {
        "name": "Enter a name",
        "needs": "Choose a need",
        "team": "Choose a team",
        "note": "Enter a note",
        "agreed": "Tick to agree",
        "count": "Enter a count",
        "nothing_to_choose": "Nothing to choose",
        "version": "The version is missing",
    }
    for name, message in messages.items():
        form.fields[name].error_messages["required"] = message
    assert not form.is_valid()
    return form


def test_each_widget_links_to_its_first_box_radio_or_checkbox():
    form = _every_widget_form()
    page = assert_summary_links_land(render(form), at_least=len(EXPECTED))
    for message, href in EXPECTED.items():
        assert page.link_for(message) == href, message
    # The hidden version cannot be changed by the user: its error goes to the form's first field.
    assert page.link_for("The version is missing") == "#id_name"


def test_an_error_about_the_whole_form_links_to_its_first_field_even_when_that_is_radios():
    class RadiosFirst(forms.Form):
        kind = radios_field("Kind", [("a", "A"), ("b", "B")])

    form = RadiosFirst(data={"kind": "a"})
    assert form.is_valid()
    form.add_error(None, "Something about the whole form")
    page = assert_summary_links_land(render(form))
    assert page.link_for("Something about the whole form") == "#id_kind_0"


def test_a_form_with_no_visible_field_lists_its_error_unlinked_rather_than_linking_nowhere():
    class Button(forms.Form):
        version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    form = Button(data={})
    assert form.is_valid()
    form.add_error(None, "This was done already")
    html = render(form)
    page = read(html)
    assert "This was done already" in html and page.links == []


def test_a_form_with_a_prefix_links_to_its_prefixed_ids():
    form = EveryWidgetForm(data={}, prefix="action")
    assert not form.is_valid()
    page = assert_summary_links_land(render(form))
    assert page.link_for("Choose a kind") == "#id_action-kind_0"
    assert page.link_for("Enter date it happened") == "#id_action-happened_on_0"


# --- Every form of the project ---------------------------------------------------------------


def project_form_classes() -> list[type[forms.BaseForm]]:
    """Every form class defined in a ``forms`` module of the project (and the audit search's)."""
    classes = []
    for info in pkgutil.walk_packages(waymark.__path__, "waymark."):
        if info.name.rsplit(".", 1)[-1] != "forms" and info.name != "waymark.audit.filters":
            continue
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if inspect.isclass(obj) and issubclass(obj, forms.BaseForm) and obj.__module__ == module.__name__:
                classes.append(obj)
    return classes


def _none_of(annotation: Any) -> Any:
    """An argument offering nothing, in the shape its annotation asks for: no records (an empty
    queryset), an empty list, no person, ``False``."""
    from waymark.organisations.models import Agency

    said = str(annotation)
    if "bool" in said:
        return False
    if "None" in said:
        return None
    if said.startswith("list"):
        return []
    return Agency.objects.none()  # iterates, counts and filters as an empty queryset of any model


def _build(form_class: type[forms.BaseForm]) -> forms.BaseForm | None:
    """The form, bound to nothing posted, with each argument it needs (the choices it offers:
    records, people, agencies) given as none; ``None`` when it cannot be built that way."""
    parameters = [
        parameter
        for parameter in list(inspect.signature(form_class.__init__).parameters.values())[1:]
        if parameter.default is parameter.empty
        and parameter.kind in (parameter.KEYWORD_ONLY, parameter.POSITIONAL_OR_KEYWORD)
    ]
    for none in (_none_of, lambda annotation: []):
        try:
            return form_class(data={}, **{parameter.name: none(parameter.annotation) for parameter in parameters})
        except Exception:  # it needs a record or an argument of another shape: tested through its page
            continue
    return None


def _an_error_on_every_field(form: forms.BaseForm) -> dict[str, str]:
    """Validates the form, then puts one error of its own on every field and one on the whole
    form; returns each field's message by name."""
    try:
        form.is_valid()
    except Exception:  # a clean() that needs what its view gives it: the fields' errors are enough
        form._errors = ErrorDict()
        form.cleaned_data = {}
    messages = {}
    for name in form.fields:
        messages[name] = f"Error on {name}"
        form.add_error(name, messages[name])
    form.add_error(None, "Error on the whole form")
    return messages


@pytest.mark.django_db
def test_every_project_form_links_each_error_to_the_first_box_of_its_field():
    built, skipped, failures = 0, [], []
    widgets: Counter[str] = Counter()
    for form_class in project_form_classes():
        form = _build(form_class)
        if form is None:
            skipped.append(form_class.__name__)
            continue
        built += 1
        messages = _an_error_on_every_field(form)
        html = render(form)
        page = read(html)
        where = f"{form_class.__module__}.{form_class.__name__}"
        failures += [f"{where}: {broken}" for broken in page.broken_links()]
        visible = form.visible_fields()
        if visible and page.summary_items != len(page.links):  # (with no field, the error is unlinked)
            failures.append(f"{where}: an error summary item without a link")
        if visible:
            first = visible[0]
            expected = page.first_control(first.html_name)
            if expected is not None and page.link_for("Error on the whole form") != f"#{expected.attrs['id']}":
                failures.append(f"{where}: the form's own error does not link to its first field")
        for bound in visible:
            widgets[bound.widget_type] += 1
            link = page.link_for(messages[bound.name])
            control = page.first_control(bound.html_name)
            # Its first box; with nothing to choose (no options), the group itself.
            wanted = f"#{control.attrs.get('id', '')}" if control is not None else f"#{bound.auto_id}"
            if link != wanted:
                failures.append(
                    f"{where}.{bound.name} ({bound.widget_type}): links to {link}, its first box is {wanted}"
                )
            elif control is None and wanted[1:] in page.ids and page.ids[wanted[1:]].tag in CONTROLS:
                failures.append(f"{where}.{bound.name}: links to a control of another field")
    assert failures == []
    # Most of the project's forms are built here; the rest need records (their pages are tested).
    assert built >= 125, (built, skipped)
    for widget_type in ("radioselect", "checkboxselectmultiple", "govukdate", "text", "textarea", "select"):
        assert widgets[widget_type], f"no {widget_type} field was checked"
