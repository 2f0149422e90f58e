"""Forms for the action plan. They check the shape of input; the rules are in ``actions.py``."""

from __future__ import annotations

from typing import Any

from django import forms

from waymark.referrals.fields import GovukDateField
from waymark.strategy.choices import IssueLevel, Rag

TEXT_MAX = 5000


def _text(label: str, help_text: str = "", rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "class": "govuk-textarea"}),
        error_messages={"max_length": f"{label} must be {TEXT_MAX:,} characters or fewer"},
    )


class ActionUpdateForm(forms.Form):
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
