"""Scoring a risk checklist: the only place a count becomes a level.

- The score is the number of "yes" answers ("no" and "not known" count nothing).
- The level comes from the thresholds in force (suggested: 0-9 standard, 10-13 medium, 14+ high;
  partnerships set their own, see ``RiskThresholds``).
- Professional judgement can raise the level, never lower it. Raising needs a written reason.
  A judgement equal to the scored level changes nothing and needs no reason.
- Imports carry only a count and perhaps a judgement level; the interchange format says the
  result is the higher of the two, so ``allow_lower_judgement=True`` keeps a lower imported
  judgement on the record without letting it lower the level. The final level is never below
  the scored level, whatever the inputs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from waymark.risk.choices import Answer, RiskLevel


@dataclass(frozen=True)
class Thresholds:
    """Fewest "yes" answers for each level. ``marac_from`` None means "the high threshold"."""

    medium_from: int = 10
    high_from: int = 14
    marac_from: int | None = None

    def __post_init__(self) -> None:
        if self.medium_from < 1 or self.high_from <= self.medium_from:
            raise ValueError("Thresholds must satisfy 1 <= medium_from < high_from.")

    @property
    def marac_threshold(self) -> int:
        return self.marac_from if self.marac_from is not None else self.high_from


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Score:
    yes_count: int
    scored_level: RiskLevel
    judgement_level: RiskLevel | None
    judgement_reason: str
    final_level: RiskLevel
    thresholds: Thresholds

    @property
    def raised_by_judgement(self) -> bool:
        return self.final_level != self.scored_level


def count_yes(answers: Iterable[Answer | str]) -> int:
    """The score: how many answers are "yes"."""
    return sum(1 for answer in answers if answer == Answer.YES)


def level_for(yes_count: int, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> RiskLevel:
    """The level a count of "yes" answers scores under ``thresholds``."""
    if yes_count < 0:
        raise ValueError("A count of 'yes' answers cannot be negative.")
    if yes_count >= thresholds.high_from:
        return RiskLevel.HIGH
    if yes_count >= thresholds.medium_from:
        return RiskLevel.MEDIUM
    return RiskLevel.STANDARD


def meets_marac_threshold(yes_count: int, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> bool:
    """MARAC's "visible high risk" criterion: the count is at or above the MARAC threshold."""
    return yes_count >= thresholds.marac_threshold


def score(
    *,
    yes_count: int,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    item_count: int | None = None,
    judgement_level: RiskLevel | str | None = None,
    judgement_reason: str = "",
    allow_lower_judgement: bool = False,
) -> Score:
    """Scores a checklist and applies professional judgement. ValidationError says what is wrong."""
    errors: dict[str, str] = {}
    if yes_count < 0:
        errors["yes_count"] = "The number of 'yes' answers cannot be negative."
    elif item_count is not None and yes_count > item_count:
        errors["yes_count"] = f"The number of 'yes' answers cannot be more than the {item_count} questions asked."
    judgement: RiskLevel | None = None
    if judgement_level:
        try:
            judgement = RiskLevel(judgement_level)
        except ValueError:
            errors["judgement_level"] = "Choose standard, medium or high for professional judgement."
    if errors:
        raise ValidationError(errors)

    scored = level_for(yes_count, thresholds)
    reason = (judgement_reason or "").strip()
    if judgement is not None and judgement.rank < scored.rank and not allow_lower_judgement:
        raise ValidationError(
            {
                "judgement_level": (
                    f"Professional judgement can raise the level but never lower it: the checklist scores "
                    f"{scored.label.lower()} ({yes_count} 'yes' answers). Choose {scored.label.lower()} or higher, "
                    f"or leave judgement empty."
                )
            }
        )
    if judgement is not None and judgement.rank > scored.rank and not reason:
        raise ValidationError(
            {"judgement_reason": "Explain why your professional judgement raises the level above the score."}
        )
    final = RiskLevel.highest(scored, judgement) if judgement is not None else scored
    return Score(
        yes_count=yes_count,
        scored_level=scored,
        judgement_level=judgement,
        judgement_reason=reason,
        final_level=final,
        thresholds=thresholds,
    )
