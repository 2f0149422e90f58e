"""The journey's filter: which kinds of record to show (GET, so a filtered view can be linked)."""

from __future__ import annotations

from django import forms

from waymark.journey.sources import SOURCES, EntryKind


def _offered() -> list[tuple[str, str]]:
    """The kinds that have a source, in EntryKind's order (nothing to filter on otherwise)."""
    return [(kind.value, kind.label) for kind in EntryKind if kind in SOURCES]


class JourneyFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(
        label="Show only",
        choices=_offered,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to see everything.",
    )

    def kinds(self) -> list[EntryKind] | None:
        """The kinds asked for, or None for every kind (also when the query string is not valid)."""
        if not self.is_valid() or not self.cleaned_data["kind"]:
            return None
        return [EntryKind(value) for value in self.cleaned_data["kind"]]
