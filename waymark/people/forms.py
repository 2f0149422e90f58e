"""Forms for people and where they are. They check the shape of input only; the rules are in
``waymark/people/actions.py`` (whose ValidationErrors are shown against the same fields)."""

from __future__ import annotations

from typing import Any

from django import forms

from waymark.core.keptreasons import HINT as KEPT_REASON_HINT
from waymark.core.versioning import VersionedFormMixin, versioned_initial
from waymark.people.choices import (
    AddressKind,
    ChannelKind,
    Ethnicity,
    NameKind,
    PersonRole,
    RelationshipKind,
    Sex,
    YesNoUnknown,
)
from waymark.people.models import Address, Person

CHILD_OF = "child_of"  # form-only choice: stored as parent_of with the two people swapped

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _yes_no_unknown(label: str, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        help_text=help_text,
        choices=YesNoUnknown.choices,
        initial=YesNoUnknown.UNKNOWN,
        widget=forms.RadioSelect,
    )


class PersonForm(forms.Form):
    given_name = forms.CharField(label="Given name", max_length=100, required=False)
    family_name = forms.CharField(label="Family name", max_length=100, required=False)
    date_of_birth = forms.DateField(label="Date of birth", required=False, widget=_DATE)
    approximate_age = forms.IntegerField(
        label="Approximate age", required=False, help_text="Only if the date of birth is not known."
    )
    primary_role = forms.ChoiceField(label="How they appear in our records", choices=PersonRole.choices)
    sex = forms.ChoiceField(choices=Sex.choices, initial=Sex.UNKNOWN)
    gender_identity = forms.CharField(max_length=100, required=False, help_text="In the person's own words.")
    ethnicity = forms.ChoiceField(choices=[("", "Not recorded"), *Ethnicity.choices], required=False)
    disability = forms.ChoiceField(choices=YesNoUnknown.choices, initial=YesNoUnknown.UNKNOWN)
    disability_detail = forms.CharField(max_length=200, required=False)
    lgbt = forms.ChoiceField(label="LGBT+", choices=YesNoUnknown.choices, initial=YesNoUnknown.UNKNOWN)
    sexual_orientation = forms.CharField(max_length=100, required=False)
    first_language = forms.CharField(max_length=100, required=False)
    interpreter_needed = forms.BooleanField(required=False)
    no_recourse_to_public_funds = forms.BooleanField(label="No recourse to public funds", required=False)
    pregnant = forms.BooleanField(required=False)
    aware_of_contact = _yes_no_unknown(
        "Does the person causing harm know they are in contact with services?",
        "If you do not know, choose not known: it is treated as yes.",
    )

    @classmethod
    def initial_from(cls, person: Person) -> dict[str, Any]:
        return {name: getattr(person, name) for name in cls.base_fields}


class PersonEditForm(VersionedFormMixin, PersonForm):
    """Changing a person's details: carries the version it was read at (no lost updates)."""

    @classmethod
    def for_person(cls, person: Person, data: Any = None) -> PersonEditForm:
        initial = versioned_initial(cls, person.version, PersonForm.initial_from(person))
        return cls(data, initial=initial)


class PersonCreateForm(PersonForm):
    held_by = forms.ChoiceField(label="Agency holding the record")

    def __init__(self, *args: Any, agencies: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.agencies = {str(agency.pk): agency for agency in agencies}
        held_by: Any = self.fields["held_by"]
        held_by.choices = [(key, agency.name) for key, agency in self.agencies.items()]
        if len(agencies) == 1:
            self.fields["held_by"].widget = forms.HiddenInput()
            self.fields["held_by"].initial = str(agencies[0].pk)

    def person_fields(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "held_by"}


class PersonNameForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of name", choices=NameKind.choices, widget=forms.RadioSelect)
    given_name = forms.CharField(label="Given name", max_length=100, required=False)
    family_name = forms.CharField(label="Family name", max_length=100, required=False)


class RelationshipForm(forms.Form):
    kind = forms.ChoiceField(
        label="This person is the other person's",
        choices=[*RelationshipKind.choices, (CHILD_OF, "Child of")],
    )
    other_person = forms.ModelChoiceField(label="Other person", queryset=Person.objects.none())
    started_on = forms.DateField(label="Start date", required=False, widget=_DATE)
    ended_on = forms.DateField(label="End date", required=False, widget=_DATE)

    def __init__(self, *args: Any, people: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["other_person"].queryset = people  # type: ignore[attr-defined]


class AddressForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of address", choices=AddressKind.choices, widget=forms.RadioSelect)
    line1 = forms.CharField(label="Address line 1", max_length=200)
    line2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(max_length=10, required=False, help_text="A UK postcode, like SW1A 1AA.")
    lived_from = forms.DateField(label="Date they moved in", required=False, widget=_DATE)
    perpetrator_knows = _yes_no_unknown(
        "Does the person causing harm know this address?", "If you do not know, choose not known."
    )


class AddressEndForm(forms.Form):
    lived_to = forms.DateField(label="Date they moved out", widget=_DATE)


class _AddressChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Address) -> str:
        return ", ".join(part for part in (obj.line1, obj.town, obj.postcode) if part)


class ContactFlagsForm(forms.Form):
    safe_to_call = _yes_no_unknown("Safe to call?")
    safe_to_leave_voicemail = _yes_no_unknown("Safe to leave a voicemail?")
    safe_to_text = _yes_no_unknown("Safe to text?")
    safe_to_write = _yes_no_unknown("Safe to write (letters or email)?")
    perpetrator_knows = _yes_no_unknown("Does the person causing harm know this number or address?")

    def flags(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in ContactFlagsForm.base_fields}


class ContactFlagsEditForm(VersionedFormMixin, ContactFlagsForm):
    """Changing a channel's safety flags carries the version read: a colleague's "not safe to
    leave a voicemail" is never overwritten by a form opened before it was set."""

    @classmethod
    def for_channel(cls, channel: Any, data: Any = None) -> ContactFlagsEditForm:
        shown = {name: getattr(channel, name) for name in ContactFlagsForm.base_fields}
        return cls(data, initial=versioned_initial(cls, channel.version, shown))


class ContactChannelForm(ContactFlagsForm):
    field_order = ["kind", "value", "address"]
    kind = forms.ChoiceField(label="Kind of contact", choices=ChannelKind.choices, widget=forms.RadioSelect)
    value = forms.CharField(
        label="Phone number or email address", max_length=254, required=False, help_text="Leave empty for post."
    )
    address = _AddressChoice(
        label="Address for letters", queryset=Address.objects.none(), required=False, help_text="For post only."
    )

    def __init__(self, *args: Any, addresses: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["address"].queryset = addresses  # type: ignore[attr-defined]


class EndDateForm(forms.Form):
    ended_on = forms.DateField(label="Date it stopped being used", widget=_DATE)


class ArchiveForm(forms.Form):
    reason = forms.CharField(
        label="Why is this record being archived?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"For example: a duplicate of another record. Do not include personal details. {KEPT_REASON_HINT}",
    )


class PeopleFilterForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100, required=False, help_text="Part of any name they use.")
