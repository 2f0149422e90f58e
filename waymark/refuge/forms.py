"""Forms for safe accommodation. They check the shape of what was typed; the actions decide the rules.

Edit forms carry the ``version`` the record was read at, so a stale save is refused by the action.
Fields other agencies read (a house's name, site and area; a vacancy's area, community and
languages) say so in their hint and refuse a postcode, a phone number or a street address on the
field itself, by the rule the actions apply again (``waymark/refuge/publictext.py``).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms

from waymark.core.locationscan import LocationCheckMixin
from waymark.refuge import publictext
from waymark.refuge.choices import (
    AdultGender,
    DepartureReason,
    FeltSafer,
    Mobility,
    MoveOnDestination,
    SanctuaryMeasure,
    SanctuaryRemovalReason,
    SpecialistCharacteristic,
    UnitKind,
    UnsuccessfulReason,
)
from waymark.web.forms import GovukDateField, radios_field, text_field


def _ages(text: str) -> list[int]:
    ages = []
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or int(part) > 17:
            raise forms.ValidationError("Enter each boy's age as a whole number from 0 to 17, separated by commas")
        ages.append(int(part))
    return ages


def _referring_agency_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="You are referring for",
        required=False,
        widget=forms.RadioSelect,
        help_text="Only if you work for more than one agency. With her case, the agency holding it.",
        error_messages={"invalid_choice": "Choose an agency you refer for"},
    )


def _set_referring_agencies(form: forms.Form, agencies: list[Any] | None) -> None:
    """The referrer's own agencies that may refer (``actions.referring_agencies``), shown only when
    there is a choice to make; the action checks the choice again and files the referral."""
    if not agencies or len(agencies) < 2:
        del form.fields["referring_agency"]
        return
    field = cast(forms.ChoiceField, form.fields["referring_agency"])
    field.choices = [("", "The agency holding her case")] + [(str(a.pk), a.name) for a in agencies]


CHILDREN_MESSAGES = {
    "invalid": "Enter the number of children as a whole number",
    "min_value": "The number of children cannot be negative",
    "max_value": "Enter 15 children or fewer",
}


def _boys_ages() -> forms.CharField:
    """The ages of any boys in the household, typed as a list (a form cleans it with ``_ages``)."""
    return forms.CharField(
        label="Ages of any boys",
        required=False,
        max_length=60,
        help_text="Separated by commas, for example 9, 14",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class HouseholdSearchForm(forms.Form):
    """What a household needs: used to search vacancies (GET)."""

    # Required in some branch (clean() demands them): never labelled "(optional)".
    conditionally_required = ("boys_ages",)

    children = forms.IntegerField(
        label="Number of children",
        min_value=0,
        max_value=15,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-2", "inputmode": "numeric"}),
        error_messages=CHILDREN_MESSAGES,
    )
    boys_ages = _boys_ages()
    mobility = forms.ChoiceField(
        label="Mobility needs", choices=Mobility.choices, required=False, widget=forms.RadioSelect
    )
    nrpf = forms.BooleanField(label="No recourse to public funds", required=False)
    language = forms.CharField(
        label="Language needed",
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    recovery = forms.BooleanField(label="Needs a recovery refuge (substance use)", required=False)

    def clean_boys_ages(self) -> list[int]:
        return _ages(self.cleaned_data.get("boys_ages", ""))

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        if len(data.get("boys_ages") or []) > (data.get("children") or 0):
            self.add_error("boys_ages", "There are more boys' ages than children")
        return data


class ReferralForm(forms.Form):
    service = forms.ChoiceField(
        label="Refer to",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a service", "invalid_choice": "Choose a service"},
    )
    case = forms.ChoiceField(label="Her case", required=False, widget=forms.RadioSelect)
    referring_agency = _referring_agency_field()
    received_on = GovukDateField(label="Date of the referral", help_text="For example, 27 3 2026")
    adult_gender = forms.ChoiceField(
        label="The adult is counted as",
        choices=AdultGender.choices,
        widget=forms.RadioSelect,
        initial=AdultGender.WOMAN,
    )
    children = forms.IntegerField(
        label="Number of children coming with her",
        min_value=0,
        max_value=15,
        initial=0,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-2", "inputmode": "numeric"}),
        error_messages={"required": "Enter the number of children", **CHILDREN_MESSAGES},
    )
    boys_ages = _boys_ages()
    mobility = forms.ChoiceField(
        label="Mobility needs", choices=Mobility.choices, widget=forms.RadioSelect, initial=Mobility.NONE
    )
    nrpf = forms.BooleanField(label="She has no recourse to public funds", required=False)
    language = forms.CharField(
        label="Language needed, if not English",
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    recovery_needed = forms.BooleanField(label="Needs a recovery refuge (substance use)", required=False)
    characteristics = forms.MultipleChoiceField(
        label="Specialist characteristics",
        required=False,
        choices=SpecialistCharacteristic.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, services: list[Any], cases: list[Any], agencies: list[Any] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_referring_agencies(self, agencies)
        cast(forms.ChoiceField, self.fields["service"]).choices = [
            (str(s.pk), f"{s.name} ({s.get_accommodation_type_display()}, {s.area})") for s in services
        ]
        case_field = cast(forms.ChoiceField, self.fields["case"])
        case_field.choices = [("", "Not linked to a case")] + [(str(c.pk), c.number) for c in cases]
        if not cases:
            del self.fields["case"]

    def clean_boys_ages(self) -> list[int]:
        return _ages(self.cleaned_data.get("boys_ages", ""))


class VacancyForm(forms.Form):
    house = forms.ChoiceField(label="Safe house", required=False)
    unit_kind = radios_field("Kind of unit", UnitKind.choices, required_message="Choose the kind of unit")
    bedspaces = forms.IntegerField(
        label="Bedspaces",
        min_value=1,
        max_value=12,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-2", "inputmode": "numeric"}),
        error_messages={"required": "Enter the number of bedspaces"},
    )
    max_children = forms.IntegerField(
        label="How many children it can take",
        min_value=0,
        max_value=11,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-2", "inputmode": "numeric"}),
        error_messages={"required": "Enter how many children it can take"},
    )
    oldest_boy_age = forms.IntegerField(
        label="Oldest age of boys accepted",
        required=False,
        min_value=0,
        max_value=17,
        help_text="Leave empty if boys of any age are accepted",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-2", "inputmode": "numeric"}),
    )
    mobility = forms.ChoiceField(
        label="Access",
        choices=[
            (Mobility.NONE, "Not suitable for limited mobility"),
            (Mobility.LIMITED, "Suitable for limited mobility"),
            (Mobility.WHEELCHAIR, "Wheelchair accessible"),
        ],
        widget=forms.RadioSelect,
        initial=Mobility.NONE,
    )
    nrpf_considered = forms.BooleanField(label="Women with no recourse to public funds considered", required=False)
    by_and_for = forms.CharField(
        label="Specialist by-and-for community, if any",
        required=False,
        max_length=120,
        help_text=publictext.SEARCHERS_HINT,
        validators=[publictext.validator(label="the community", seen_by=publictext.SEARCHERS)],
    )
    recovery = forms.BooleanField(label="Recovery refuge (substance use)", required=False)
    languages = forms.CharField(
        label="Languages spoken by staff",
        required=False,
        max_length=200,
        help_text=f"Separated by commas. {publictext.SEARCHERS_HINT}",
        validators=[publictext.validator(label="the languages", seen_by=publictext.SEARCHERS)],
    )
    area = forms.CharField(
        label="Area shown to others",
        required=False,
        max_length=120,
        help_text=publictext.VACANCY_AREA_HINT,
        validators=[publictext.validator(label="the area shown to others", seen_by=publictext.SEARCHERS)],
    )
    posted_on = GovukDateField(label="Date posted")

    def __init__(self, *args: Any, houses: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.houses = {str(h.pk): h for h in houses}
        cast(forms.ChoiceField, self.fields["house"]).choices = [("", "Not a particular house")] + [
            (str(h.pk), f"{h.label}, {h.site_label}") for h in houses
        ]


def _shown_to_services(label: str, *, field_label: str, max_length: int, hint: str) -> forms.CharField:
    """A house's field that everyone who may see the service reads: says so, and refuses what locates."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        help_text=hint,
        validators=[publictext.validator(label=field_label, seen_by=publictext.SERVICE_READERS)],
    )


class HouseForm(forms.Form):
    label = _shown_to_services(
        "Name of the house", field_label="the house's name", max_length=80, hint=publictext.HOUSE_NAME_HINT
    )
    site_label = _shown_to_services("Site", field_label="the site", max_length=80, hint=publictext.SITE_HINT)
    area = _shown_to_services(
        "Area shown to others", field_label="the area shown to others", max_length=120, hint=publictext.HOUSE_AREA_HINT
    )
    line1 = forms.CharField(label="Address line 1", max_length=200)
    line2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )


class HouseEditForm(HouseForm, VersionedForm):
    is_active = forms.BooleanField(label="The house is in use", required=False)


class DateStepForm(LocationCheckMixin, VersionedForm):
    # The referrer reads the note: a refuge's whereabouts must not reach them (docs/security.md).
    location_checked = {"note": "The note"}
    on = GovukDateField(label="Date")
    note = text_field(
        "Note", required=False, max_length=5000, rows=3, help_text="Only the provider's staff and the referrer read it"
    )


class OfferForm(VersionedForm):
    vacancy = forms.ChoiceField(
        label="Vacancy",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a vacancy", "invalid_choice": "Choose a vacancy"},
    )
    on = GovukDateField(label="Date of the offer")

    def __init__(self, *args: Any, vacancies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.vacancies = {str(v.pk): v for v in vacancies}
        cast(forms.ChoiceField, self.fields["vacancy"]).choices = [
            (
                str(v.pk),
                f"{v.get_unit_kind_display()}, {v.area}: {v.bedspaces} bedspaces, up to {v.max_children} children"
                f" (posted {v.posted_on:%-d %B %Y})",
            )
            for v in vacancies
        ]


class LeaveForm(VersionedForm):
    on = GovukDateField(label="Date support ended")
    reason = radios_field("Why support ended", DepartureReason.choices, required_message="Choose why support ended")
    move_on = radios_field(
        "Where they moved on to", MoveOnDestination.choices, required_message="Choose where they moved on to"
    )


class UnsuccessfulForm(LocationCheckMixin, VersionedForm):
    location_checked = {"note": "The note"}
    on = GovukDateField(label="Date")
    reason = radios_field(
        "Why the referral was unsuccessful",
        UnsuccessfulReason.choices,
        required_message="Choose why the referral was unsuccessful",
    )
    note = text_field(
        "Note",
        required=False,
        max_length=5000,
        rows=3,
        help_text="The referrer reads it. Do not write anything that could show where the refuge or anyone is.",
    )


class WithdrawForm(VersionedForm):
    on = GovukDateField(label="Date withdrawn")


# --- Sanctuary -------------------------------------------------------------------------------


class SanctuaryReferForm(forms.Form):
    scheme_agency = forms.ChoiceField(
        label="Sanctuary scheme", widget=forms.RadioSelect, error_messages={"required": "Choose the scheme"}
    )
    case = forms.ChoiceField(label="Her case", required=False, widget=forms.RadioSelect)
    referring_agency = _referring_agency_field()
    referred_on = GovukDateField(label="Date of the referral")
    line1 = forms.CharField(
        label="Address line 1", max_length=200, error_messages={"required": "Enter the first line of the address"}
    )
    line2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )

    def __init__(
        self, *args: Any, schemes: list[Any], cases: list[Any], agencies: list[Any] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_referring_agencies(self, agencies)
        cast(forms.ChoiceField, self.fields["scheme_agency"]).choices = [(str(a.pk), a.name) for a in schemes]
        cast(forms.ChoiceField, self.fields["case"]).choices = [("", "Not linked to a case")] + [
            (str(c.pk), c.number) for c in cases
        ]
        if not cases:
            del self.fields["case"]


class EligibilityForm(VersionedForm):
    harmer_not_resident = forms.BooleanField(
        label="The person causing harm does not live at the property", required=False
    )
    staying_is_safe_and_chosen = forms.BooleanField(
        label="Staying is safe, and it is the survivor's own choice", required=False
    )
    right_to_occupy_and_consent = forms.BooleanField(
        label="The survivor has the right to occupy, and the owner or landlord agrees", required=False
    )
    risk_assessed_on = GovukDateField(
        label="Date of the risk assessment", required=False, help_text="Leave empty if no risk assessment has been done"
    )
    on = GovukDateField(label="Date eligibility confirmed")


class SurveyForm(VersionedForm):
    surveyed_on = GovukDateField(label="Date surveyed")
    surveyor = forms.CharField(label="Surveyed by", max_length=120)


class FitForm(VersionedForm):
    measures = forms.MultipleChoiceField(
        label="Measures fitted",
        choices=SanctuaryMeasure.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one measure fitted"},
    )
    contractor = forms.CharField(label="Contractor", max_length=120)
    work_started_on = GovukDateField(label="Date work started")
    fitted_on = GovukDateField(label="Date fitted")
    cost = forms.DecimalField(
        label="Cost in pounds",
        required=False,
        min_value=0,
        max_digits=9,
        decimal_places=2,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}),
    )
    fire_visit_on = GovukDateField(label="Fire-service home safety visit", required=False)
    at_risk_flag_set_on = GovukDateField(label='Date the emergency services\' "at risk" flag was set', required=False)
    at_risk_flag_review_on = GovukDateField(label="Date to review the flag", required=False, allow_future=True)


class FlagForm(VersionedForm):
    review_on = GovukDateField(label="Next review of the flag", required=False, allow_future=True)
    removed_on = GovukDateField(label="Or: date the flag was removed", required=False)


REVIEW_CHOICES = [(3, "3-month review"), (6, "6-month review")]


class ReviewForm(forms.Form):
    months = forms.TypedChoiceField(
        label="Review",
        choices=REVIEW_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the review"},
    )
    done_on = GovukDateField(label="Date of the review")
    measures_working = forms.BooleanField(label="The measures are working", required=False)
    still_needed = forms.BooleanField(label="The measures are still needed", required=False)
    note = forms.CharField(label="Note", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, outstanding: list[int] | None = None, **kwargs: Any) -> None:
        """``outstanding``: the reviews not yet recorded, the only ones offered."""
        super().__init__(*args, **kwargs)
        if outstanding is not None:
            field = cast(forms.TypedChoiceField, self.fields["months"])
            field.choices = [(months, label) for months, label in REVIEW_CHOICES if months in outstanding]
            field.error_messages["invalid_choice"] = "That review is already recorded. Choose a review still to do"
            if len(outstanding) == 1:
                field.initial = outstanding[0]


class RemoveForm(VersionedForm):
    removed_on = GovukDateField(label="Date removed")
    reason = radios_field("Why", SanctuaryRemovalReason.choices, required_message="Choose why it was removed")


class FeedbackForm(VersionedForm):
    feedback_on = GovukDateField(label="Date of the feedback")
    felt_safer = radios_field("Does she feel safer at home?", FeltSafer.choices, required_message="Choose an answer")
    satisfaction = forms.TypedChoiceField(
        label="How happy is she with the scheme?",
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        choices=[(5, "5: very happy"), (4, "4"), (3, "3"), (2, "2"), (1, "1: very unhappy")],
    )
    comment = forms.CharField(
        label="In her words", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
