"""Forms for outcomes: the measures on a case, and the dashboard's choice of period. They check the
shape of input; the rules live in ``waymark/outcomes/actions.py``, whose errors are shown here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from waymark.core.dates import financial_year_start
from waymark.core.disclosure import whole_quarters
from waymark.outcomes.models import AbuseKind, Frequency, Scale, Stage
from waymark.web.forms import GovukDateField

NOT_ASKED = ""
NO_ASSESSMENT = ""

SCALE_QUESTIONS = {
    "feeling_safe": ("How safe do they feel?", "1 is not at all safe, 5 is completely safe."),
    "wellbeing": (
        "How are they feeling in themselves?",
        "Their wellbeing: 1 is not at all well, 5 is completely well.",
    ),
    "quality_of_life": (
        "How good is their day-to-day life?",
        "Their quality of life: 1 is not at all good, 5 is completely good.",
    ),
}


LATEST_CHECKLISTS = 6  # how many of the client's latest checklists the form offers (the page says so)


class OutcomeMeasureForm(forms.Form):
    """Whose measures, which stage, the date, how often each kind of abuse happens, the three
    scales, and optionally the risk reassessment made the same day."""

    subject = forms.ChoiceField(
        label="Whose outcomes are these?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whose outcomes these are"},
    )
    stage = forms.ChoiceField(
        label="Stage",
        choices=Stage.choices,
        widget=forms.RadioSelect,
        help_text="Intake when support starts, a review every few months, exit when support ends.",
        error_messages={"required": "Choose intake, review or exit"},
    )
    measured_on = GovukDateField(
        label="Date of the measures", help_text="The day you went through them, for example 27 3 2026."
    )

    def __init__(self, *args: Any, subjects: list[tuple[str, str]], assessments: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        subject_field = self.fields["subject"]
        assert isinstance(subject_field, forms.ChoiceField)
        subject_field.choices = subjects
        if len(subjects) == 1:
            self.fields["subject"].initial = subjects[0][0]
        for kind in AbuseKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=f"{kind.label}: how often is it happening now?",
                choices=[*Frequency.choices, (NOT_ASKED, "Not asked, or they did not want to say")],
                widget=forms.RadioSelect,
                required=False,
            )
        for name, (label, help_text) in SCALE_QUESTIONS.items():
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                help_text=help_text,
                choices=[*Scale.choices, (NOT_ASKED, "Not asked, or they did not want to say")],
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect,
                required=False,
            )
        self.assessments = {str(a.pk): a for a in assessments}
        self.fields["risk_assessment"] = forms.ChoiceField(
            label="Risk reassessment made the same day",
            help_text=(
                "Link the client's risk checklist completed on the same day, if there was one. "
                f"The {LATEST_CHECKLISTS} most recent checklists are listed; a measure follows a recent one."
            ),
            choices=[
                *[
                    (pk, f"{a.assessed_on:%-d %B %Y}: {a.get_final_level_display()} risk")
                    for pk, a in self.assessments.items()
                ],
                (NO_ASSESSMENT, "None"),
            ],
            widget=forms.RadioSelect,
            required=False,
            initial=NO_ASSESSMENT,
        )

    def frequency_fields(self) -> list[forms.BoundField]:
        return [self[kind.value] for kind in AbuseKind]

    def scale_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in SCALE_QUESTIONS]

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        answers: dict[str, Any] = {kind.value: data.get(kind.value) or "" for kind in AbuseKind}
        answers.update({name: data.get(name) for name in SCALE_QUESTIONS})
        answers["risk_assessment"] = self.assessments.get(data.get("risk_assessment") or "")
        return answers


# --- the dashboard's period ------------------------------------------------------------------

FIRST_YEAR = 2013  # the borough's records start in 2013/14 (the seed's "since 2013")


@dataclass(frozen=True)
class ReportPeriod:
    start: date
    end: date
    label: str
    code: str


def _fy(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def financial_year(year: int) -> ReportPeriod:
    return ReportPeriod(date(year, 4, 1), date(year + 1, 3, 31), f"Financial year {_fy(year)}", f"fy-{year}")


def quarter(year: int, number: int) -> ReportPeriod:
    first_month = 4 + (number - 1) * 3
    start = date(year + (first_month > 12), (first_month - 1) % 12 + 1, 1)
    after = date(start.year + (start.month + 3 > 12), (start.month + 2) % 12 + 1, 1)
    return ReportPeriod(start, after - timedelta(days=1), f"{_fy(year)} quarter {number}", f"q-{year}-{number}")


def since_start(today: date) -> ReportPeriod:
    """Since April 2013, to the end of this quarter: whole quarters, as every period is
    (``whole_quarters``), so that a year earlier is whole quarters too."""
    return ReportPeriod(date(FIRST_YEAR, 4, 1), whole_quarters(today, today)[1], f"Since April {FIRST_YEAR}", "all")


def period_choices(today: date) -> list[tuple[str, list[tuple[str, str]]]]:
    """The options of the period menu, grouped: years, recent quarters, everything."""
    this_year = financial_year_start(today)
    years = [(financial_year(y).code, financial_year(y).label) for y in range(this_year, FIRST_YEAR - 1, -1)]
    quarters = [
        (quarter(y, n).code, quarter(y, n).label)
        for y in range(this_year, this_year - 3, -1)
        for n in (4, 3, 2, 1)
        if quarter(y, n).start <= today
    ]
    return [
        ("Financial years", years),
        ("Quarters", quarters),
        ("Other", [("all", f"Since April {FIRST_YEAR}"), ("custom", "Dates I choose (below)")]),
    ]


def period_from_code(code: str, today: date) -> ReportPeriod | None:
    try:
        if code == "all":
            return since_start(today)
        if code.startswith("fy-"):
            year = int(code[3:])
            return financial_year(year) if FIRST_YEAR <= year <= today.year + 1 else None
        if code.startswith("q-"):
            year_text, number_text = code[2:].split("-")
            year, number = int(year_text), int(number_text)
            return quarter(year, number) if FIRST_YEAR <= year <= today.year + 1 and 1 <= number <= 4 else None
    except ValueError:
        return None
    return None


class PeriodForm(forms.Form):
    """A financial year, a quarter, everything since 2013, or dates of one's own (GET)."""

    # Required in some branch (clean() demands them): never labelled "(optional)".
    conditionally_required = (
        "start",
        "end",
    )

    period = forms.ChoiceField(label="Period", error_messages={"required": "Choose a period"})
    start = GovukDateField(label="From", required=False, help_text="For example, 1 4 2025.")
    end = GovukDateField(label="To", required=False, help_text="For example, 31 3 2026.")

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        period_field = self.fields["period"]
        assert isinstance(period_field, forms.ChoiceField)
        period_field.choices = period_choices(self.today)
        self.fields["period"].initial = financial_year(financial_year_start(self.today)).code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code = data.get("period") or financial_year(financial_year_start(self.today)).code
        data["period"] = code
        if code == "custom":
            start, end = data.get("start"), data.get("end")
            if start is None and "start" not in self.errors:
                self.add_error("start", "Enter the first day of the period")
            if end is None and "end" not in self.errors:
                self.add_error("end", "Enter the last day of the period")
            if start and end and end < start:
                self.add_error("end", "The last day must be the same as or after the first day")
        return data

    def chosen(self) -> ReportPeriod:
        """The period asked for (call after is_valid)."""
        code = self.cleaned_data["period"]
        if code == "custom":
            # Counted over the whole quarters holding the dates, so that no withheld figure comes
            # back by comparing two periods (waymark/core/disclosure.py); the label says so.
            asked = self.cleaned_data["start"], self.cleaned_data["end"]
            start, end = whole_quarters(*asked)
            label = f"{start:%-d %B %Y} to {end:%-d %B %Y}"
            if (start, end) != asked:
                label += " (the whole quarters holding the dates you chose)"
            return ReportPeriod(start, end, label, "custom")
        period = period_from_code(code, self.today)
        if period is None:  # pragma: no cover - ChoiceField refuses unknown codes first
            raise ValidationError("Choose a period")
        return period

    def query(self) -> str:
        """The chosen period as a query string, for links to records and downloads."""
        from urllib.parse import urlencode

        period = self.chosen()
        params = {"period": period.code}
        if period.code == "custom":
            params.update(
                {
                    "start_0": str(period.start.day),
                    "start_1": str(period.start.month),
                    "start_2": str(period.start.year),
                    "end_0": str(period.end.day),
                    "end_1": str(period.end.month),
                    "end_2": str(period.end.year),
                }
            )
        return urlencode(params)
