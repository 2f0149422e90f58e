"""The MARAC referral form, the coordinator's decision and the alert dismissal.

Forms only check the shape of what was typed; ``waymark.marac.referrals.actions`` checks again and does
the work (its errors come back onto the same fields).
"""

from __future__ import annotations

from typing import Any

from django import forms

from waymark.core.locationscan import LocationCheckMixin
from waymark.core.versioning import VERSION_FIELD, VersionedFormMixin
from waymark.marac.models import Criterion, NotAcceptedReason
from waymark.people.choices import Ethnicity, Sex, YesNoUnknown
from waymark.people.models import Person
from waymark.referrals.choices import Consent, LawfulBasis
from waymark.referrals.forms import StepForm
from waymark.web.forms import GovukDateField, age_field, name_field, radios_field, text_field

YES_NO = [("yes", "Yes"), ("no", "No")]
CRITERIA_HELP = {
    Criterion.VISIBLE_HIGH_RISK: "The risk checklist has at least the MARAC threshold of yes answers.",
    Criterion.PROFESSIONAL_JUDGEMENT: "You judge the risk high whatever the score: give your reasons.",
    Criterion.ESCALATION: "The abuse is getting more frequent or more serious (commonly 3 or more incidents in 12 months).",
    Criterion.REPEAT: "The victim and the person causing harm were referred to MARAC in the last 12 months.",
}


def _count(label: str, *, required: bool, maximum: int, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=maximum,
        help_text=help_text,
        error_messages={
            "required": f"Enter {label[0].lower() + label[1:].rstrip('?')}",
            "invalid": "Enter a whole number, like 2",
            "min_value": "The number must be 0 or more",
            "max_value": f"The number must be {maximum} or fewer",
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )


class MaracReferralForm(StepForm):
    """One page. People's fields appear only where the record does not already say."""

    # Required in some branch (clean() demands them): never labelled "(optional)".
    conditionally_required = (
        "victim_given_name",
        "victim_family_name",
        "harm_given_name",
        "harm_family_name",
        "professional_judgement_reason",
        "lawful_basis",
        "authorised_by",
        "sharing_reason",
    )

    agency = forms.ChoiceField(
        label="Which agency are you referring for?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the agency you are referring for"},
    )
    victim_given_name = name_field("Victim's first name")
    victim_family_name = name_field("Victim's last name")
    victim_date_of_birth = GovukDateField(
        label="Victim's date of birth",
        required=False,
        help_text="For example, 27 3 1990. MARAC is for ages 16 and over.",
    )
    victim_sex = radios_field("Victim's sex", Sex.choices)
    victim_ethnicity = forms.ChoiceField(
        label="Victim's ethnic group",
        required=False,
        choices=[("", "Not known"), *((v, label) for v, label in Ethnicity.choices if v != Ethnicity.NOT_KNOWN)],
        help_text="As the victim describes it. The national MARAC return counts these (never by name).",
    )
    victim_disability = radios_field("Does the victim have a disability?", YesNoUnknown.choices)
    victim_lgbt = radios_field(
        "Does the victim identify as lesbian, gay, bisexual, trans or queer (LGBT+)?", YesNoUnknown.choices
    )

    harm_known = radios_field("Do you know who is causing harm?", YES_NO)
    harm_given_name = name_field("First name of the person causing harm")
    harm_family_name = name_field("Last name of the person causing harm")
    harm_date_of_birth = GovukDateField(
        label="Their date of birth", required=False, help_text="For example, 27 3 1985."
    )
    harm_approximate_age = age_field("Their age, if you do not know their date of birth")
    harm_sex = radios_field("Their sex", Sex.choices, required=False)

    checklist_score = _count(
        "How many risk checklist questions were answered yes?",
        required=False,
        maximum=27,
        help_text="Leave empty if no checklist was completed.",
    )
    criteria = forms.MultipleChoiceField(
        label="Which MARAC criteria does this referral meet?",
        choices=[(c.value, c.label) for c in Criterion],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. Waymark also adds any criterion the records show.",
    )
    professional_judgement_reason = text_field(
        "Your reasons for professional judgement",
        required=False,
        help_text="Needed if you selected professional judgement: what makes you believe the risk is high.",
    )
    escalation_detail = text_field(
        "Incidents showing escalation",
        required=False,
        help_text="Needed if you selected potential escalation and Waymark holds fewer incidents than the criterion: "
        "dates and kinds of incident.",
    )
    children_in_household = _count(
        "How many children live in the victim's household?", required=True, maximum=30, help_text="Enter 0 if none."
    )
    consent = radios_field("Does the victim consent to this referral?", Consent.choices)
    lawful_basis = radios_field(
        "If not, what is the lawful basis for referring without consent?", LawfulBasis.choices, required=False
    )
    authorised_by = forms.CharField(
        label="Who authorised referring without consent?",
        required=False,
        max_length=200,
        help_text="Name and role, for example your safeguarding lead.",
    )
    sharing_reason = text_field("Why referring without consent is justified", required=False, max_length=2000)

    VICTIM_TYPED = ("victim_given_name", "victim_family_name")
    HARM_TYPED = (
        "harm_known",
        "harm_given_name",
        "harm_family_name",
        "harm_date_of_birth",
        "harm_approximate_age",
        "harm_sex",
    )

    def __init__(
        self,
        *args: Any,
        agencies: list[tuple[str, str]],
        victim: Person | None,
        perpetrator_known: bool,
        has_checklist: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = agencies  # type: ignore[attr-defined]
        # One agency to refer for: nothing to ask.
        self.single_agency = agencies[0][0] if len(agencies) == 1 else None
        if self.single_agency is not None:
            del self.fields["agency"]
        self.victim = victim
        if victim is not None:
            for name in self.VICTIM_TYPED:
                del self.fields[name]
            # What the victim's record already says is shown, not asked again.
            for name, known in (
                ("victim_date_of_birth", victim.date_of_birth is not None),
                ("victim_sex", victim.sex != Sex.UNKNOWN),
                ("victim_ethnicity", victim.ethnicity not in ("", Ethnicity.NOT_KNOWN)),
                ("victim_disability", victim.disability != YesNoUnknown.UNKNOWN),
                ("victim_lgbt", victim.lgbt != YesNoUnknown.UNKNOWN),
            ):
                if known:
                    del self.fields[name]
        if perpetrator_known:
            for name in self.HARM_TYPED:
                del self.fields[name]
        if has_checklist:
            del self.fields["checklist_score"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "victim_given_name" in self.fields and not (
            cleaned.get("victim_given_name", "").strip() or cleaned.get("victim_family_name", "").strip()
        ):
            self.add_error("victim_given_name", "Enter the first name or last name of the victim")
        if cleaned.get("harm_known") == "yes" and not (
            cleaned.get("harm_given_name", "").strip() or cleaned.get("harm_family_name", "").strip()
        ):
            self.add_error("harm_given_name", "Enter the first name or last name of the person causing harm")
        criteria = cleaned.get("criteria") or []
        if (
            Criterion.PROFESSIONAL_JUDGEMENT in criteria
            and not cleaned.get("professional_judgement_reason", "").strip()
        ):
            self.add_error(
                "professional_judgement_reason", "Explain why your professional judgement says this is high risk"
            )
        if cleaned.get("consent") in (Consent.REFUSED, Consent.NOT_SOUGHT):
            if not cleaned.get("lawful_basis"):
                self.add_error("lawful_basis", "Without consent, select the lawful basis for sharing")
            if not cleaned.get("authorised_by", "").strip():
                self.add_error("authorised_by", "Without consent, enter who authorised the referral")
            if not cleaned.get("sharing_reason", "").strip():
                self.add_error("sharing_reason", "Without consent, explain why referring is justified")
        return cleaned


SHARED_WARNING = (
    "If you do not accept it, the referring agency will read the reason you choose and any words you add "
    '(for "already listed" or "out of area", only that the reason is about the person). '
    "Do not write anything that could show where someone is, such as an address, postcode or phone number."
)


class DecisionForm(LocationCheckMixin, VersionedFormMixin, forms.Form):
    """The coordinator's decision on a referral. It carries the case's version when the triage page
    was read (``VersionedFormMixin``): a decision on a case someone else changed since is refused."""

    # Required in some branch (clean() demands them): never labelled "(optional)".
    conditionally_required = ("reason_code", "reason")
    location_checked = {"reason": "The words you added for the referring agency"}
    decision = radios_field(
        "Your decision",
        [("accept", "Accept: ready for an agenda"), ("not_accept", "Do not accept")],
        required_message="Select accept or do not accept",
    )
    reason_code = forms.ChoiceField(
        label="Reason (needed if you do not accept)",
        required=False,
        choices=NotAcceptedReason.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Words to add for the referring agency",
        required=False,
        max_length=2000,
        help_text="Needed only for another reason. The referring agency will read them.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == "not_accept":
            if not cleaned.get("reason_code"):
                self.add_error("reason_code", "Choose the reason the referring agency will see")
            elif cleaned["reason_code"] == NotAcceptedReason.OTHER and not cleaned.get("reason", "").strip():
                self.add_error("reason", "Say what the other reason is")
        return cleaned

    def reread_at(self, version: int) -> None:
        """After a refusal because someone else changed the case: the decision as chosen, shown on
        the page as the case is now and read at its version now, so that saving it again (having
        looked) is a decision on the case as it is."""
        self.data = self.data.copy()
        self.data[VERSION_FIELD] = str(version)


class DismissForm(forms.Form):
    reason = forms.CharField(
        label="Why no repeat referral is needed",
        max_length=2000,
        help_text="For example: already on the next agenda. Do not include names or addresses.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Explain why this alert needs no repeat referral"},
    )
