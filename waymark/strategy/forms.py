"""Forms for the action plan. They check the shape of input; the rules are in ``actions.py``."""

from __future__ import annotations

from typing import Any

from django import forms

from waymark.core.locationscan import LocationCheckMixin
from waymark.strategy.choices import IssueLevel, Rag
from waymark.web.forms import GovukDateField, text_field

TEXT_MAX = 5000


def _text(label: str, help_text: str = "", rows: int = 4) -> forms.CharField:
    return text_field(label, required=False, max_length=TEXT_MAX, help_text=help_text, rows=rows)


class ActionUpdateForm(LocationCheckMixin, forms.Form):
    # Reported to the partnership board (docs/security.md, "Free text").
    location_checked = {
        "progress": "The progress",
        "reason": "The reason",
        "corrective_action": "The corrective action",
    }
    version = forms.IntegerField(widget=forms.HiddenInput)
    rag = forms.ChoiceField(
        label="Status this quarter",
        choices=[(r.value, r.label) for r in Rag],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the status", "invalid_choice": "Choose the status"},
    )
    issue_level = forms.ChoiceField(
        label="Issues or risks",
        choices=IssueLevel.choices,
        initial=IssueLevel.NONE,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the level of issues"},
    )
    progress = _text("Progress this quarter")
    reason = _text("Reason", "Needed for amber, red, reprogrammed or paused.")
    corrective_action = _text("Corrective action", "Needed for amber and red: what is being done to bring it back.")
    revised_target_on = GovukDateField(
        label="Revised date",
        required=False,
        allow_future=True,
        earliest_year=2000,
        help_text="Needed for amber, red and reprogrammed. For example, 31 3 2021.",
    )
    escalate = forms.BooleanField(
        label="Escalate beyond the delivery group", required=False, help_text="Red actions always escalate."
    )


class ExceptionReportForm(forms.Form):
    financial_year = forms.TypedChoiceField(label="Financial year", coerce=int)
    quarter = forms.TypedChoiceField(
        label="Quarter",
        coerce=int,
        choices=[
            (1, "Q1 (April to June)"),
            (2, "Q2 (July to September)"),
            (3, "Q3 (October to December)"),
            (4, "Q4 (January to March)"),
        ],
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["financial_year"].choices = [(y, f"{y}/{(y + 1) % 100:02d}") for y in years]  # type: ignore[attr-defined]


class RagDefinitionForm(forms.Form):
    rag_definition = forms.ChoiceField(label="How actions are rated", widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from waymark.strategy.choices import RagDefinition

        super().__init__(*args, **kwargs)
        self.fields["rag_definition"].choices = RagDefinition.choices  # type: ignore[attr-defined]


class ActionForm(LocationCheckMixin, forms.Form):
    location_checked = {"aim": "The aim", "milestones": "The milestones", "evidence": "The evidence"}
    """The partnership lead's form for adding or changing an action in the plan."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    number = forms.CharField(label="Action number", max_length=12, help_text="As numbered in the plan, e.g. 3.2.")
    area = forms.ChoiceField(label="Area")
    priority = forms.ChoiceField(label="Priority", required=False)
    aim = forms.CharField(
        label="Aim or outcome", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"})
    )
    lead_agency = forms.ChoiceField(label="Lead agency")
    owner = forms.ChoiceField(
        label="Lead officer", help_text="A member of the lead agency: the one person who updates the action."
    )
    partners = _text("Partners", rows=2)
    milestones = _text("Milestones", "One a line.")
    target_on = GovukDateField(label="Target date", allow_future=True, earliest_year=2000)
    evidence = _text("Evidence", "What will show it is done.", rows=2)
    plan = forms.CharField(label="Plan", max_length=100, initial="Two-year action plan")
    measure = forms.ChoiceField(label="Live measure", required=False)
    measure_target = forms.FloatField(
        label="Measure target", required=False, help_text="The figure that counts as on track."
    )
    measure_direction = forms.ChoiceField(label="For the measure", widget=forms.RadioSelect)

    def __init__(self, *args: Any, strategy: Any, agencies: list[Any], owners: list[Any], **kwargs: Any) -> None:
        from waymark.strategy.choices import MeasureDirection
        from waymark.strategy.measures import measure_choices

        super().__init__(*args, **kwargs)
        self.areas = {str(a.pk): a for a in strategy.areas.all()}
        self.priorities = {str(p.pk): p for p in strategy.priorities.all()}
        self.agencies = {str(a.pk): a for a in agencies}
        self.owners = {str(u.pk): u for u in owners}
        self.fields["area"].choices = [("", "Choose an area"), *((k, str(a)) for k, a in self.areas.items())]  # type: ignore[attr-defined]
        self.fields["priority"].choices = [("", "None"), *((k, str(p)) for k, p in self.priorities.items())]  # type: ignore[attr-defined]
        agency_choices = [("", "Choose an agency"), *((k, a.name) for k, a in self.agencies.items())]
        owner_choices = [("", "Choose a person"), *((k, f"{u.full_name} ({u.email})") for k, u in self.owners.items())]
        self.fields["lead_agency"].choices = agency_choices  # type: ignore[attr-defined]
        self.fields["owner"].choices = owner_choices  # type: ignore[attr-defined]
        self.fields["measure"].choices = measure_choices()  # type: ignore[attr-defined]
        self.fields["measure_direction"].choices = MeasureDirection.choices  # type: ignore[attr-defined]
        self.fields["measure_direction"].initial = MeasureDirection.HIGHER
