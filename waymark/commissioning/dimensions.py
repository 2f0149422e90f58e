"""The ways a commissioner can split the outcome figures: by provider, by referral source, and
the equality breakdowns recorded on the person (sex, ethnicity by the census's five groups,
disability, LGBT+). Each is a ``Dimension`` of the query form (``waymark.outcomes.kpis``), so the
split is computed in the database with the same rules as the totals.

Age bands, gender identity (free text) and services are not splits yet (docs/commissioning.md)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Case, CharField, F, Value, When

from waymark.organisations.models import Agency, AgencyKind
from waymark.outcomes.kpis import Dimension
from waymark.people.choices import Ethnicity, Sex, YesNoUnknown
from waymark.referrals.choices import ReferralSource

NOT_RECORDED = "not_recorded"

SOURCE_LABELS = {
    "police": "Police",
    "housing": "Housing",
    "gp": "GP practice (IRIS)",
    "hospital": "Hospital",
    "social_care": "Social care",
    "self": "Self-referral",
    "champion": "Community champion",
    "other": "Other agency",
    "imported": "Imported history (source not recorded)",
    NOT_RECORDED: "Not recorded",
}


def _source(base: str) -> Any:
    """The referral source as commissioners ask for it, from a referral at ``base``."""
    kind = f"{base}referring_agency__kind"
    return Case(
        When(**{f"{base}source": ReferralSource.SELF_REFERRAL}, then=Value("self")),
        When(**{f"{base}source": ReferralSource.CHAMPION}, then=Value("champion")),
        When(**{f"{base}source": ReferralSource.IMPORT}, then=Value("imported")),
        When(**{kind: AgencyKind.POLICE}, then=Value("police")),
        When(**{kind: AgencyKind.HOUSING}, then=Value("housing")),
        When(**{kind: AgencyKind.HEALTH_PRIMARY}, then=Value("gp")),
        When(**{kind: AgencyKind.HEALTH_ACUTE}, then=Value("hospital")),
        When(
            **{f"{kind}__in": [AgencyKind.CHILDRENS_SOCIAL_CARE, AgencyKind.ADULTS_SOCIAL_CARE]},
            then=Value("social_care"),
        ),
        When(**{f"{base}source__isnull": True}, then=Value("imported")),
        default=Value("other"),
        output_field=CharField(),
    )


ETHNIC_GROUPS = {
    "asian": "Asian or Asian British",
    "black": "Black, Black British, Caribbean or African",
    "mixed": "Mixed or multiple ethnic groups",
    "white": "White",
    "other": "Other ethnic group",
    NOT_RECORDED: "Not known or not said",
}


def _ethnic_group(path: str) -> Any:
    return Case(
        *[
            When(**{f"{path}__startswith": f"{group}_"}, then=Value(group))
            for group in ETHNIC_GROUPS
            if group != NOT_RECORDED
        ],
        default=Value(NOT_RECORDED),
        output_field=CharField(),
    )


def _or_not_recorded(path: str) -> Any:
    return Case(
        When(**{f"{path}__in": ["", YesNoUnknown.UNKNOWN, Sex.UNKNOWN]}, then=Value(NOT_RECORDED)),
        When(**{f"{path}__isnull": True}, then=Value(NOT_RECORDED)),
        default=F(path),
        output_field=CharField(),
    )


DIMENSIONS: dict[str, Dimension] = {
    d.key: d
    for d in (
        Dimension("provider", "Provider", "agency_id", "receiving_agency_id"),
        Dimension("source", "Referral source", "referral__", "", expression=_source),
        Dimension("sex", "Sex", "person__sex", "subject__sex", expression=_or_not_recorded),
        Dimension("ethnicity", "Ethnic group", "person__ethnicity", "subject__ethnicity", expression=_ethnic_group),
        Dimension("disability", "Disability", "person__disability", "subject__disability", expression=_or_not_recorded),
        Dimension("lgbt", "LGBT+", "person__lgbt", "subject__lgbt", expression=_or_not_recorded),
    )
}


def labels_for(dimension: Dimension, values: Iterable[Any]) -> dict[Any, str]:
    """What each value of the split is called on the page."""
    values = list(values)
    if dimension.key == "provider":
        names = dict(Agency.objects.filter(pk__in=[v for v in values if v]).values_list("pk", "name"))
        return {v: names.get(v, "Not recorded") for v in values}
    table: dict[str, str] = {
        "source": SOURCE_LABELS,
        "ethnicity": ETHNIC_GROUPS,
        "sex": {**dict(Sex.choices), NOT_RECORDED: "Not recorded"},
        "disability": {"yes": "Disabled", "no": "Not disabled", NOT_RECORDED: "Not recorded"},
        "lgbt": {"yes": "LGBT+", "no": "Not LGBT+", NOT_RECORDED: "Not recorded"},
    }.get(dimension.key, {})
    return {v: table.get(v, str(v) if v else "Not recorded") for v in values}


__all__ = ["DIMENSIONS", "Ethnicity", "labels_for"]
