"""The professional intake as a sequence of steps, with its draft kept in the session.

Nothing is saved to the database until the referrer submits on "Check your answers"; the draft
is encrypted in the session (AES-256-GCM, bound to the user) and dropped after submitting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict

from waymark.core import session_drafts
from waymark.organisations.models import Agency
from waymark.referrals import forms as intake_forms
from waymark.referrals.actions import PersonDetails, RiskAnswers, SafeContact, Sharing, WhatHappened
from waymark.referrals.choices import REFERRING_ROLES

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedHttpRequest
    from waymark.accounts.models import User

DRAFT_KEY = "referral_intake_draft"
SENT_KEY = "referral_intake_sent"


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form_class: type[forms.Form]
    caption: str = ""


STEPS: list[Step] = [
    Step("person", "Who is at risk?", intake_forms.PersonAtRiskForm),
    Step("harm", "Who is causing harm?", intake_forms.PersonCausingHarmForm),
    Step("children", "Children in the household", intake_forms.ChildrenForm),
    Step("what", "What happened?", intake_forms.WhatHappenedForm),
    Step("risk", "Risk identification checklist", intake_forms.RiskChecklistForm),
    Step("consent", "Consent to share", intake_forms.ConsentForm),
    Step("contact", "How to make contact safely", intake_forms.SafeContactForm),
    Step("agency", "Your agency", intake_forms.ReferringAgencyForm),
]
STEPS_BY_SLUG = {step.slug: step for step in STEPS}


def referring_agencies(user: User) -> list[Agency]:
    return list(Agency.objects.filter(pk__in=user.agencies_with_role(*REFERRING_ROLES), is_active=True))


def steps_for(user: User) -> list[Step]:
    """The agency question is asked only of someone who refers for more than one agency."""
    if len(referring_agencies(user)) > 1:
        return STEPS
    return [step for step in STEPS if step.slug != "agency"]


DRAFT_PURPOSE = "referral-intake"


def load_draft(request: HttpRequest) -> dict[str, dict[str, list[str]]]:
    return session_drafts.load(request, DRAFT_KEY, DRAFT_PURPOSE)


def save_draft(request: HttpRequest, draft: dict[str, dict[str, list[str]]]) -> None:
    session_drafts.save(request, DRAFT_KEY, DRAFT_PURPOSE, draft)


def clear_draft(request: HttpRequest) -> None:
    request.session.pop(DRAFT_KEY, None)


def posted_answers(post: QueryDict) -> dict[str, list[str]]:
    return {key: post.getlist(key) for key in post if key != "csrfmiddlewaretoken"}


def make_form(request: AuthenticatedHttpRequest, step: Step, data: dict[str, list[str]] | None) -> forms.Form:
    kwargs: dict[str, Any] = {}
    if step.slug == "agency":
        kwargs["agencies"] = [(str(a.pk), a.name) for a in referring_agencies(request.user)]
    bound = MultiValueDict(data) if data is not None else None
    return step.form_class(bound, **kwargs)


def answered_forms(request: AuthenticatedHttpRequest) -> tuple[dict[str, forms.Form], Step | None]:
    """Every step's form bound to its saved answers, and the first step still to do (or None)."""
    draft = load_draft(request)
    result: dict[str, forms.Form] = {}
    for step in steps_for(request.user):
        if step.slug not in draft:
            return result, step
        form = make_form(request, step, draft[step.slug])
        if not form.is_valid():
            return result, step
        result[step.slug] = form
    return result, None


def _person(data: dict[str, Any]) -> PersonDetails:
    return PersonDetails(
        given_name=data.get("given_name", ""),
        family_name=data.get("family_name", ""),
        date_of_birth=data.get("date_of_birth"),
        approximate_age=data.get("approximate_age"),
        sex=data.get("sex") or "unknown",
    )


def action_arguments(request: AuthenticatedHttpRequest, answered: dict[str, forms.Form]) -> dict[str, Any]:
    """Turns the answered steps into the keyword arguments of ``referral_create``."""
    data = {slug: form.cleaned_data for slug, form in answered.items()}
    harm = data["harm"]
    risk = data["risk"]
    if "agency" in data:
        agency = Agency.objects.get(pk=data["agency"]["agency"])
    else:
        agency = referring_agencies(request.user)[0]
    assessed: date | None = risk.get("assessed_on")
    return {
        "referring_agency": agency,
        "subject": _person(data["person"]),
        "subject_postcode": data["person"].get("postcode", ""),
        "person_causing_harm": _person(harm) if harm.get("known") == "yes" else None,
        "harm_relationship": harm.get("relationship", "") if harm.get("known") == "yes" else "",
        "children_in_household": data["children"].get("children_in_household"),
        "by_trained_champion": data["what"].get("by_trained_champion") == "yes",
        "what": WhatHappened(
            vawg_category=data["what"]["vawg_category"],
            abuse_types=list(data["what"]["abuse_types"]),
            latest_incident_on=data["what"].get("latest_incident_on"),
            latest_incident_summary=data["what"]["latest_incident_summary"],
        ),
        "risk": RiskAnswers(
            assessed_on=assessed,
            yes_count=risk.get("yes_count"),
            judgement_level=risk.get("judgement_level", ""),
            judgement_reason=risk.get("judgement_reason", ""),
        )
        if risk.get("completed") == "yes"
        else None,
        "sharing": Sharing(
            consent=data["consent"]["consent"],
            lawful_basis=data["consent"].get("lawful_basis", ""),
            authorised_by=data["consent"].get("authorised_by", ""),
            reason=data["consent"].get("sharing_reason", ""),
        ),
        "contact": SafeContact(
            safe_to_call=data["contact"]["safe_to_call"],
            safe_to_text=data["contact"]["safe_to_text"],
            safe_to_voicemail=data["contact"]["safe_to_voicemail"],
            safe_to_write=data["contact"]["safe_to_write"],
            phone=data["contact"].get("phone", ""),
            email=data["contact"].get("email", ""),
            instructions=data["contact"].get("instructions", ""),
        ),
    }


def summary_rows(form: forms.Form) -> list[tuple[str, str]]:
    """(question, answer) for "Check your answers", answers as the user chose them."""
    rows = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if isinstance(field, forms.MultipleChoiceField):
            labels = dict(field.choices)  # type: ignore[arg-type]
            shown = ", ".join(str(labels.get(v, v)) for v in value or []) or "None selected"
        elif isinstance(field, forms.ChoiceField):
            shown = str(dict(field.choices).get(value, value)) if value else "Not given"  # type: ignore[arg-type]
        elif isinstance(value, date):
            shown = value.strftime("%-d %B %Y")
        elif value in (None, ""):
            shown = "Not given"
        else:
            shown = str(value)
        rows.append((str(field.label), shown))
    return rows
