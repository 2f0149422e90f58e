"""Forms for the housing pages. They check the shape of what was typed; the actions decide the rules."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from waymark.housing.choices import (
    AccommodationAtApplication,
    AssessmentOutcome,
    DutyKind,
    HouseholdRole,
    LegalRoute,
    LegalStage,
    LossReason,
    NoFurtherActionReason,
    PanelDecisionKind,
    PlacementType,
    PriorityNeedReason,
    ReferralRoute,
    SupportNeed,
    TenancyType,
    Tenure,
)
from waymark.housing.duties import end_reasons
from waymark.web.forms import GovukDateField, MessagesForm, text_field

DATE_HINT = "For example, 27 3 2026."


class DateField(GovukDateField):
    """The GOV.UK date input, whose "enter" message is the form's own (``messages``): "Enter the
    date of initial assessment", not the label lower-cased ("Enter date of initial assessment")."""

    def clean(self, value: Any) -> Any:
        if self.required and not any(str(part or "").strip() for part in (value or [])):
            message = str(self.error_messages["required"])
            if message == str(forms.Field.default_error_messages["required"]):
                label = str(self.label or "date")
                message = f"Enter the {label[0].lower()}{label[1:]}"
            raise forms.ValidationError(message)
        return super().clean(value)


def _count_field(label: str, noun: str) -> forms.IntegerField:
    """A count from 0 to 15, with messages naming what is counted."""
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=15,
        initial=0,
        error_messages={
            "required": f"Enter the number of {noun} in the household",
            "invalid": f"The number of {noun} must be a whole number, like 2",
            "min_value": f"The number of {noun} must be 0 or more",
            "max_value": f"The number of {noun} must be 15 or fewer",
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )


def _too_long(label: str, max_length: int) -> dict[str, str]:
    return {"max_length": f"{label} must be {max_length:,} characters or fewer"}


class VersionedForm(MessagesForm):
    """Carries the version the record was read at: a stale save is refused by the action."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _objects(queryset: Any, label: Any = str) -> list[tuple[str, str]]:
    return [(str(obj.pk), label(obj)) for obj in queryset]


class PersonSearchForm(forms.Form):
    """Finding a person by name (any part of any name they use), and optionally date of birth.

    Read from the page's address (GET): a search changes nothing. A name is needed: the date of
    birth only narrows a name search."""

    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="Any part of any name they use: given name, family name or both.",
        error_messages={
            "required": "Enter the person's name",
            "max_length": "The name must be 100 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    date_of_birth = DateField(
        label="Date of birth", required=False, help_text="If you know it, to narrow the search. For example, 27 3 1985."
    )

    def clean_name(self) -> str:
        from waymark.housing.selectors import NAME_MIN_LETTERS, name_is_searchable

        name = str(self.cleaned_data.get("name") or "").strip()
        if not name_is_searchable(name):
            raise forms.ValidationError(f"Enter at least {NAME_MIN_LETTERS} letters of the person's name")
        return name


def _chosen_person_error(form: forms.Form, field: str, chosen: Any, who: str) -> None:
    """The person posted must be the one the page found for the user (``chosen``): a record that is
    gone, or one they cannot see, is refused in plain words rather than dropped."""
    value = str(form.cleaned_data.get(field) or "")
    if value and (chosen is None or str(chosen.pk) != value):
        raise forms.ValidationError(
            f"The {who} you chose was not found among the people you can see. Search for them again."
        )


class ApplicationForm(MessagesForm):
    messages = {
        "person": "Search for the applicant and choose them",
        "applied_on": "Enter the date the household applied",
        "loss_reason": "Choose the reason for loss of the last settled home",
        "accommodation_at_application": "Choose where the household was living",
        "referral_route": "Choose how the household came to the council",
    }

    # The applicant is chosen by the search above the form; this carries her record's id.
    person = forms.CharField(widget=forms.HiddenInput)
    applied_on = DateField(label="Date of application", help_text=DATE_HINT)
    loss_reason = forms.ChoiceField(
        label="Reason for loss, or threat of loss, of last settled home",
        choices=LossReason.choices,
        widget=forms.RadioSelect,
    )
    support_needs = forms.MultipleChoiceField(
        label="Support needs of the household",
        help_text="Select all that apply.",
        choices=SupportNeed.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    accommodation_at_application = forms.ChoiceField(
        label="Accommodation at the time of application",
        choices=AccommodationAtApplication.choices,
        widget=forms.RadioSelect,
    )
    referral_route = forms.ChoiceField(label="Referral route", choices=ReferralRoute.choices, widget=forms.RadioSelect)
    referring_agency = forms.ChoiceField(
        label="Referring public body or service", required=False, help_text="Needed for a duty-to-refer route."
    )
    case = forms.ChoiceField(label="Link to a specialist service case", required=False)
    children = _count_field("Number of dependent children", "children")
    other_adults = _count_field("Number of other adults (including a partner)", "other adults")

    # Needed for a duty-to-refer route (the action says so): not "(optional)".
    conditionally_required = ("referring_agency",)

    def __init__(
        self,
        *args: Any,
        person: Any,
        agencies: Any,
        cases: Any,
        more_cases: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if more_cases:
            self.fields["case"].help_text = f"Your {len(cases)} most recently opened cases."
        self.person = person
        self.agencies = {str(a.pk): a for a in agencies}
        self.cases = {str(c.pk): c for c in cases}
        self.fields["person"].initial = str(person.pk) if person is not None else ""
        cast(forms.ChoiceField, self.fields["referring_agency"]).choices = [
            ("", "None"),
            *_objects(agencies, lambda a: a.name),
        ]
        cast(forms.ChoiceField, self.fields["case"]).choices = [
            ("", "No case linked"),
            *_objects(cases, lambda c: c.number),
        ]
        if not cases:
            del self.fields["case"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "person" in cleaned:
            _chosen_person_error(self, "person", self.person, "applicant")
        return cleaned

    def chosen(self, name: str) -> Any:
        source = {"referring_agency": self.agencies, "case": self.cases}[name]
        return source.get(self.cleaned_data.get(name) or "")


class HouseholdMemberForm(MessagesForm):
    messages = {
        "role": "Choose the household member's relationship to the applicant",
        "joined_on": "Enter the date they joined the household",
    }

    role = forms.ChoiceField(
        label="Relationship to the applicant",
        choices=[c for c in HouseholdRole.choices if c[0] != HouseholdRole.APPLICANT],
        widget=forms.RadioSelect,
    )
    age = forms.IntegerField(
        label="Age in years",
        required=False,
        min_value=0,
        max_value=120,
        error_messages={
            "invalid": "Age must be a whole number, like 34",
            "min_value": "Age must be 0 or more",
            "max_value": "Age must be 120 or less",
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )
    pregnant = forms.BooleanField(label="Pregnant", required=False)
    joined_on = DateField(
        label="Date they joined the household",
        help_text="Today, unless they joined earlier. If they were in the household when it applied, give the "
        "date of application or earlier: they then count from the start. For example, 27 3 2026.",
    )


class AssessmentForm(VersionedForm):
    messages = {
        "outcome": "Choose the outcome of the initial assessment",
        "assessed_on": "Enter the date of initial assessment",
    }

    assessed_on = DateField(label="Date of initial assessment", help_text=DATE_HINT)
    outcome = forms.ChoiceField(label="Outcome", choices=AssessmentOutcome.choices, widget=forms.RadioSelect)
    priority_need_reason = forms.ChoiceField(
        label="Priority need (if not a victim of domestic abuse)",
        help_text="A homeless victim of domestic abuse has priority need automatically: this is then set for you.",
        choices=[("", "Not decided yet"), *PriorityNeedReason.choices[1:]],
        required=False,
    )


class DutyEndForm(VersionedForm):
    messages = {"reason": "Choose why the duty ended", "ended_on": "Enter the date the duty ended"}

    ended_on = DateField(label="Date the duty ended", help_text=DATE_HINT)
    reason = forms.ChoiceField(label="Reason the duty ended", widget=forms.RadioSelect)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["reason"]).choices = end_reasons(kind).choices
        self.fields["reason"].label = f"Reason the {DutyKind(kind).label.lower()} ended"


class PlacementForm(MessagesForm):
    messages = {
        "placement_type": "Choose the type of temporary accommodation",
        "started_on": "Enter the date the placement started",
        "area": "Enter the borough or district",
    }

    placement_type = forms.ChoiceField(
        label="Type of accommodation", choices=PlacementType.choices, widget=forms.RadioSelect
    )
    started_on = DateField(label="Date the placement started", help_text=DATE_HINT)
    area = forms.CharField(
        label="Borough or district",
        max_length=100,
        help_text=(
            "The area only, such as Lambeth. Every housing officer sees it: never an address, a postcode or a phone "
            "number (the address has its own field, seen only by the officer holding the application)."
        ),
        error_messages=_too_long("The borough or district", 100),
    )
    out_of_district = forms.BooleanField(label="In another council's district", required=False)
    household_with_children = forms.BooleanField(label="Household with children", required=False)
    emergency = forms.BooleanField(label="Emergency (interim) accommodation", required=False, initial=True)
    address = text_field(
        "Address",
        required=False,
        max_length=500,
        rows=3,
        help_text="Never for a hostel or refuge. Seen only by the officer holding the application. Encrypted.",
    )

    def __init__(self, *args: Any, may_record_address: bool, household: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_record_address:
            del self.fields["address"]
        # Filled from the household by the one rule (``HouseholdMember.with_children``: a dependent
        # child or a pregnant member); the action refuses a tick that contradicts it. The counts
        # below only say what was found.
        members = list(household)
        field = self.fields["household_with_children"]
        field.initial = any(member.with_children for member in members)
        children = sum(1 for member in members if member.is_child)
        found = [f"{children} dependent {'child' if children == 1 else 'children'}"] if children else []
        found += ["a pregnant member"] if any(member.pregnant for member in members) else []
        field.help_text = (
            f"From the household: {' and '.join(found)}." if found else "From the household: no dependent children."
        ) + " To change it, change the household first."


class PlacementEndForm(VersionedForm):
    messages = {"ended_on": "Enter the date the placement ended"}

    ended_on = DateField(label="Date the placement ended", help_text=DATE_HINT)


# --- Tenancy panel ---------------------------------------------------------------------------


def _idva_choices(idvas: Any, current: Any = None) -> list[tuple[str, str]]:
    """The partnership's caseworkers, and the IDVA named now even if she no longer is one (so that
    saving the page does not drop her unasked: the action checks only an IDVA newly named)."""
    listed = list(idvas)
    if current is not None and all(u.pk != current.pk for u in listed):
        listed.append(current)
    return [("", "Not known yet"), *_objects(listed, lambda u: u.full_name)]


class PanelReferralForm(MessagesForm):
    messages = {
        "tenancy_reference": "Enter the tenancy reference",
        "tenancy_type": "Choose whether the tenancy is sole or joint",
        "tenure": "Choose whether the tenancy is secure or introductory",
        "referred_on": "Enter the date of referral",
    }

    tenancy_reference = forms.CharField(
        label="Tenancy reference",
        max_length=40,
        help_text="The council's reference, not the address.",
        error_messages=_too_long("The tenancy reference", 40),
    )
    tenancy_type = forms.ChoiceField(label="Tenancy", choices=TenancyType.choices, widget=forms.RadioSelect)
    tenure = forms.ChoiceField(label="Tenure", choices=Tenure.choices, widget=forms.RadioSelect)
    referred_on = DateField(label="Date of referral", help_text=DATE_HINT)
    referred_by = forms.ChoiceField(label="Referring agency", required=False)
    idva = forms.ChoiceField(
        label="The survivor's IDVA",
        required=False,
        help_text="She confirms the safety plan before any enforcement step.",
    )
    next_panel = forms.ChoiceField(label="Panel to hear it", required=False)
    # The survivor, chosen by the search above the form (empty: not named yet).
    survivor = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, agencies: Any, idvas: Any, meetings: Any, survivor: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.survivor = survivor
        self.lookup = {
            "referred_by": {str(a.pk): a for a in agencies},
            "idva": {str(u.pk): u for u in idvas},
            "next_panel": {str(m.pk): m for m in meetings},
        }
        self.fields["survivor"].initial = str(survivor.pk) if survivor is not None else ""
        cast(forms.ChoiceField, self.fields["referred_by"]).choices = [
            ("", "None"),
            *_objects(agencies, lambda a: a.name),
        ]
        cast(forms.ChoiceField, self.fields["idva"]).choices = _idva_choices(idvas)
        cast(forms.ChoiceField, self.fields["next_panel"]).choices = [
            ("", "Not arranged"),
            *_objects(meetings, lambda m: f"{m.held_on:%-d %B %Y}"),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _chosen_person_error(self, "survivor", self.survivor, "survivor")
        return cleaned

    def chosen(self, name: str) -> Any:
        if name == "survivor":
            return self.survivor if self.cleaned_data.get("survivor") else None
        return self.lookup[name].get(self.cleaned_data.get(name) or "")


class PanelPeopleForm(VersionedForm):
    """The survivor and her IDVA on a panel case, named or changed after referral. ``survivor`` is
    empty to keep the survivor named now, or the id of the person chosen by the search."""

    survivor = forms.CharField(widget=forms.HiddenInput, required=False)
    idva = forms.ChoiceField(
        label="The survivor's IDVA",
        required=False,
        help_text="She confirms the safety plan before any enforcement step. A newly named IDVA confirms for "
        "herself: confirmations the previous IDVA gave for steps not yet taken are set aside.",
    )

    def __init__(self, *args: Any, idvas: Any, current_idva: Any, survivor: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.survivor = survivor
        listed = [*idvas, *([current_idva] if current_idva is not None else [])]
        self.idvas = {str(u.pk): u for u in listed}
        self.fields["survivor"].initial = str(survivor.pk) if survivor is not None else ""
        cast(forms.ChoiceField, self.fields["idva"]).choices = _idva_choices(idvas, current_idva)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _chosen_person_error(self, "survivor", self.survivor, "survivor")
        return cleaned

    def chosen_idva(self) -> Any:
        return self.idvas.get(self.cleaned_data.get("idva") or "")


class PanelMeetingForm(MessagesForm):
    messages = {"held_on": "Enter the date of the panel"}

    held_on = DateField(label="Date of the panel", allow_future=True, help_text=DATE_HINT)


class IntelligenceForm(MessagesForm):
    messages = {
        "from_agency": "Choose the agency",
        "shared_on": "Enter the date the agency shared it",
        "summary": "Enter what the agency shared",
    }

    from_agency = forms.ChoiceField(label="Agency that shared it")
    shared_on = DateField(label="Date shared", help_text=DATE_HINT)
    summary = forms.CharField(
        label="What the agency shared",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        error_messages=_too_long("What the agency shared", 5000),
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {str(a.pk): a for a in agencies}
        cast(forms.ChoiceField, self.fields["from_agency"]).choices = [
            ("", "Choose the agency"),
            *_objects(agencies, lambda a: a.name),
        ]


class DecisionForm(VersionedForm):
    messages = {"meeting": "Choose the panel meeting", "kind": "Choose what the panel decided"}

    meeting = forms.ChoiceField(label="Panel meeting")
    kind = forms.ChoiceField(label="Decision", choices=PanelDecisionKind.choices, widget=forms.RadioSelect)
    legal_route = forms.ChoiceField(
        label="Legal route (for legal action)", choices=[("", "None"), *LegalRoute.choices], required=False
    )
    nfa_reason = forms.ChoiceField(
        label="Reason (for no further action)", choices=[("", "None"), *NoFurtherActionReason.choices], required=False
    )
    note = forms.CharField(
        label="The panel's reasons",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages=_too_long("The panel's reasons", 5000),
    )
    next_panel = forms.ChoiceField(label="Next panel to hear it", required=False)

    # Each needed with its decision (the action says so): not "(optional)".
    conditionally_required = ("legal_route", "nfa_reason")

    def __init__(self, *args: Any, meetings: Any, upcoming: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meetings = {str(m.pk): m for m in [*meetings, *upcoming]}
        cast(forms.ChoiceField, self.fields["meeting"]).choices = [
            ("", "Choose the meeting"),
            *_objects(meetings, lambda m: f"{m.held_on:%-d %B %Y}"),
        ]
        cast(forms.ChoiceField, self.fields["next_panel"]).choices = [
            ("", "Not arranged"),
            *_objects(upcoming, lambda m: f"{m.held_on:%-d %B %Y}"),
        ]

    def chosen(self, name: str) -> Any:
        return self.meetings.get(self.cleaned_data.get(name) or "")


class ReviewForm(VersionedForm):
    messages = {
        "reviewed_on": "Enter the date of the review",
        "proportionality_review": "Enter the proportionality and vulnerability review",
    }

    pre_action_protocol_met = forms.BooleanField(label="The pre-action protocol was met", required=False)
    representations = forms.CharField(
        label="The tenant's representations",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages=_too_long("The tenant's representations", 5000),
    )
    proportionality_review = forms.CharField(
        label="Proportionality and vulnerability review",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages=_too_long("The proportionality and vulnerability review", 5000),
    )
    reviewed_on = DateField(label="Date of the review", help_text=DATE_HINT)


class LegalStepForm(VersionedForm):
    messages = {"stage": "Choose the step taken", "taken_on": "Enter the date of the step"}

    stage = forms.ChoiceField(label="Step", choices=LegalStage.choices, widget=forms.RadioSelect)
    taken_on = DateField(label="Date of the step", help_text=DATE_HINT)


class SafetyConfirmForm(MessagesForm):
    messages = {"for_stage": "Choose the step", "checked": "Confirm that you checked the safety plan"}

    for_stage = forms.ChoiceField(label="The enforcement step", widget=forms.RadioSelect)
    checked = forms.BooleanField(
        label="I have checked the survivor's safety plan with her for this step, and updated it where needed"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from waymark.housing.choices import ENFORCEMENT_STAGES

        cast(forms.ChoiceField, self.fields["for_stage"]).choices = [
            c for c in LegalStage.choices if c[0] in ENFORCEMENT_STAGES
        ]


class CloseForm(VersionedForm):
    messages = {"closed_on": "Enter the date legal action concluded"}

    closed_on = DateField(label="Date legal action concluded", help_text=DATE_HINT)
