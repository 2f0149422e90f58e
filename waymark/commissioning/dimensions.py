"""The ways a commissioner can split the outcome figures: by provider, contract, service and
referral source, and the equality breakdowns recorded on the person (sex, age band, ethnicity by
the census's five groups or its 19 categories, disability, LGBT+, gender identity and sexual orientation). Each is a
``Dimension`` of the query form (``waymark.outcomes.kpis``), so the split is computed in the
database with the same rules as the totals, and every record falls in exactly one group (the
groups add up to the total, which the disclosure rule's secondary suppression relies on).

- **Contract**: the provider's contract in force on the day the referral was received (the case's
  agency and ``referred_on``; a referral's receiving agency and ``received_on``); "No contract
  recorded" otherwise.
- **Service**: the catalogue service of the client's first intervention on the case (by the day it
  was offered); "No service recorded" when there is none (and for a referral with no case yet).
- **Age band**: age on the day of referral, from the date of birth, in the census's bands.
- **Gender identity** and **sexual orientation** are recorded in the person's own words: they are
  grouped into the 2021 Census's answers by plain word matching, and anything else is "Another
  identity" or "Another orientation" (never the words themselves: free text would pick a person out).

A path naming two fields joins them with ``|`` (the first is the agency or date of birth, the
second the day of referral)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Case, CharField, F, Func, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.db.models.lookups import Exact, GreaterThan, LessThan

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


def _ethnic_category(path: str) -> Any:
    """The census's 19 categories as recorded; "not known", "prefers not to say" and blank are one
    group, as in the five groups."""
    return Case(
        When(**{f"{path}__in": ["", Ethnicity.NOT_KNOWN, Ethnicity.NOT_SAID]}, then=Value(NOT_RECORDED)),
        When(**{f"{path}__isnull": True}, then=Value(NOT_RECORDED)),
        default=F(path),
        output_field=CharField(),
    )


ETHNIC_CATEGORIES = {
    **{value: label for value, label in Ethnicity.choices if value not in (Ethnicity.NOT_KNOWN, Ethnicity.NOT_SAID)},
    NOT_RECORDED: "Not known or not said",
}


def _or_not_recorded(path: str) -> Any:
    return Case(
        When(**{f"{path}__in": ["", YesNoUnknown.UNKNOWN, Sex.UNKNOWN]}, then=Value(NOT_RECORDED)),
        When(**{f"{path}__isnull": True}, then=Value(NOT_RECORDED)),
        default=F(path),
        output_field=CharField(),
    )


def _contract(path: str) -> Any:
    """The reference of the provider's contract in force on the day of referral (the latest to start).

    A CASE over the contracts, in the order the database sorts them (latest start first, then by
    reference), read when the query is built: a council holds tens of contracts, a partnership's
    figures tens of thousands of referrals, and a lookup for every row (a correlated subquery)
    took most of the split's time."""
    from waymark.commissioning.models import Contract

    agency, day = path.split("|")
    contracts = (
        Contract.objects.filter(provider_agency__isnull=False)
        .order_by("-starts_on", "reference")
        .values_list("provider_agency_id", "starts_on", "ends_on", "reference")
    )
    whens = []
    for provider, starts_on, ends_on, reference in contracts:
        in_force = Q(**{agency: provider})
        if starts_on is not None:
            in_force &= Q(**{f"{day}__gte": starts_on})
        if ends_on is not None:
            in_force &= Q(**{f"{day}__lte": ends_on})
        whens.append(When(in_force, then=Value(reference)))
    if not whens:
        return Value(None, output_field=CharField())
    return Case(*whens, default=Value(None), output_field=CharField())


def _service(path: str) -> Any:
    """The catalogue service of the client's first intervention on the case at ``path``."""
    from waymark.support.models import Intervention

    clients = Intervention.objects.filter(child__isnull=True)
    first = clients.filter(case_id=OuterRef(path)).order_by("offered_on", "created_at", "pk")
    # Most cases have no intervention for the client: the cases that have one are found once (an
    # uncorrelated IN, a hash or an index the database builds once a query), and only those look
    # their first one up. Looked up for every row, the lookup was most of each of the split's
    # queries (a search of the interventions' case index for each referral, case and exit).
    return Case(
        When(**{f"{path}__in": clients.values("case_id")}, then=Subquery(first.values("service__code")[:1])),
        default=Value(None),
        output_field=CharField(),
    )


AGE_BANDS = (
    ("under_16", "Under 16", None, 16),
    ("16_24", "16 to 24", 16, 25),
    ("25_34", "25 to 34", 25, 35),
    ("35_44", "35 to 44", 35, 45),
    ("45_54", "45 to 54", 45, 55),
    ("55_64", "55 to 64", 55, 65),
    ("65_plus", "65 and over", 65, None),
)


class _AgeInYears(Func):
    """Age in whole years on a day: the difference of the years, less one when the birthday has
    not come yet that year (``waymark.people.choices.age_in_years``). On SQLite in its own date
    functions: Django's year, month and day extracts call back into Python for every row, seven
    times a band, and the age band's query took about ten times as long."""

    output_field = IntegerField()

    def __init__(self, born: str, day: str) -> None:
        birthday_to_come = Case(
            When(GreaterThan(ExtractMonth(born), ExtractMonth(day)), then=Value(1)),
            When(
                Q(Exact(ExtractMonth(born), ExtractMonth(day))) & Q(GreaterThan(ExtractDay(born), ExtractDay(day))),
                then=Value(1),
            ),
            default=Value(0),
            output_field=IntegerField(),
        )
        extracted = ExtractYear(day) - ExtractYear(born) - birthday_to_come
        super().__init__(F(born), F(day), extracted)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        born, born_params = compiler.compile(self.source_expressions[0])
        day, day_params = compiler.compile(self.source_expressions[1])
        sql = (
            f"(CAST(strftime('%%Y', {day}) AS INTEGER) - CAST(strftime('%%Y', {born}) AS INTEGER)"
            f" - (strftime('%%m-%%d', {born}) > strftime('%%m-%%d', {day})))"
        )
        return sql, [*day_params, *born_params, *born_params, *day_params]

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        return compiler.compile(self.source_expressions[2])


def _age_band(path: str) -> Any:
    """Age in whole years on the day of referral (``_AgeInYears``), in the census's bands."""
    born, day = path.split("|")
    age = _AgeInYears(born, day)
    return Case(
        When(**{f"{born}__isnull": True}, then=Value(NOT_RECORDED)),
        *[When(LessThan(age, high), then=Value(key)) for key, _label, _low, high in AGE_BANDS if high is not None],
        default=Value(AGE_BANDS[-1][0]),
        output_field=CharField(),
    )


def _words(path: str, groups: tuple[tuple[str, Q], ...], other: str) -> Any:
    return Case(
        When(Q(**{f"{path}__isnull": True}) | Q(**{path: ""}), then=Value(NOT_RECORDED)),
        *[When(condition, then=Value(key)) for key, condition in groups],
        default=Value(other),
        output_field=CharField(),
    )


def _gender_identity(path: str) -> Any:
    def exact(*words: str) -> Q:
        q = Q()
        for word in words:
            q |= Q(**{f"{path}__iexact": word})
        return q

    return _words(
        path,
        (
            ("prefer_not", exact("prefer not to say", "prefers not to say", "not said")),
            ("woman", exact("woman", "female", "cis woman", "f")),
            ("man", exact("man", "male", "cis man", "m")),
            ("non_binary", Q(**{f"{path}__icontains": "non-binary"}) | Q(**{f"{path}__icontains": "nonbinary"})),
            ("trans", Q(**{f"{path}__icontains": "trans"})),
        ),
        "other",
    )


def _sexual_orientation(path: str) -> Any:
    def has(*words: str) -> Q:
        q = Q()
        for word in words:
            q |= Q(**{f"{path}__icontains": word})
        return q

    return _words(
        path,
        (
            ("prefer_not", has("prefer not")),
            ("bisexual", has("bisexual")),
            ("gay_lesbian", has("gay", "lesbian")),
            ("straight", has("straight", "heterosexual")),
        ),
        "other",
    )


GENDER_IDENTITIES = {
    "woman": "Woman",
    "man": "Man",
    "non_binary": "Non-binary",
    "trans": "Trans (in own words)",
    "other": "Another identity",
    "prefer_not": "Prefers not to say",
    NOT_RECORDED: "Not recorded",
}
SEXUAL_ORIENTATIONS = {
    "straight": "Straight or heterosexual",
    "gay_lesbian": "Gay or lesbian",
    "bisexual": "Bisexual",
    "other": "Another orientation",
    "prefer_not": "Prefers not to say",
    NOT_RECORDED: "Not recorded",
}


DIMENSIONS: dict[str, Dimension] = {
    d.key: d
    for d in (
        Dimension("provider", "Provider", "agency_id", "receiving_agency_id"),
        Dimension(
            "contract", "Contract", "agency_id|referred_on", "receiving_agency_id|received_on", expression=_contract
        ),
        Dimension("service", "Service", "pk", "case__pk", expression=_service),
        Dimension("source", "Referral source", "referral__", "", expression=_source),
        Dimension("sex", "Sex", "person__sex", "subject__sex", expression=_or_not_recorded),
        Dimension(
            "age",
            "Age band",
            "person__date_of_birth|referred_on",
            "subject__date_of_birth|received_on",
            expression=_age_band,
        ),
        Dimension("ethnicity", "Ethnic group", "person__ethnicity", "subject__ethnicity", expression=_ethnic_group),
        Dimension(
            "ethnicity_category",
            "Ethnic group (19 categories)",
            "person__ethnicity",
            "subject__ethnicity",
            expression=_ethnic_category,
        ),
        Dimension("disability", "Disability", "person__disability", "subject__disability", expression=_or_not_recorded),
        Dimension("lgbt", "LGBT+", "person__lgbt", "subject__lgbt", expression=_or_not_recorded),
        Dimension(
            "gender_identity",
            "Gender identity",
            "person__gender_identity",
            "subject__gender_identity",
            expression=_gender_identity,
        ),
        Dimension(
            "sexual_orientation",
            "Sexual orientation",
            "person__sexual_orientation",
            "subject__sexual_orientation",
            expression=_sexual_orientation,
        ),
    )
}


def ethnic_group_of(category: Any) -> str:
    """The census group of one of the 19 categories as ``_ethnic_category`` gives it (the same
    rule as ``_ethnic_group``: the value's prefix; anything else is "not known or not said")."""
    for group in ETHNIC_GROUPS:
        if group != NOT_RECORDED and isinstance(category, str) and category.startswith(f"{group}_"):
            return group
    return NOT_RECORDED


@dataclass(frozen=True)
class LinkedSplits:
    """Two splits of the same records where each group of the coarser one is a union of the finer
    one's groups (each ethnic group is its census categories added up; "not known or not said" is
    one category and one group: the same row in both). Shown apart, a figure withheld in one could
    be worked out from the other, so wherever either is shown (the commissioning dashboard, its
    downloads and API, the board pack, needs by group) both are protected as one table
    (``waymark.outcomes.disclosure.linked_parts``; ``core.disclosure.protect_table``'s ``row_sums``),
    counted from the finer split."""

    fine: str
    coarse: str
    group_of: Callable[[Any], Any]


LINKED_SPLITS = (LinkedSplits("ethnicity_category", "ethnicity", ethnic_group_of),)


def linked_splits(key: str) -> LinkedSplits | None:
    """The pair of linked splits ``key`` is one of, if any."""
    return next((link for link in LINKED_SPLITS if key in (link.fine, link.coarse)), None)


def people_supported_by(dimension: Dimension, start: date, end: date) -> dict[Any, int]:
    """Different people supported from ``start`` to ``end`` (a case engaged then; a person counted
    once however many cases) per group of ``dimension``, counted distinct in the database in one
    query, partnership-wide as the dashboard's figures are. A coarser split's groups need this:
    distinct people are not, in general, a finer split's figures added up
    (``outcomes.disclosure.coarse_tallies`` leaves them at nothing)."""
    from django.db.models import Count

    from waymark.cases import models as cases
    from waymark.outcomes.kpis import engaged_cases

    rows = (
        engaged_cases(start, end, cases.Case.objects.all())
        .order_by()
        .values(g=dimension.value(dimension.case_path))
        .annotate(n=Count("person_id", distinct=True))
    )
    return {row["g"]: row["n"] for row in rows}


def labels_for(dimension: Dimension, values: Iterable[Any]) -> dict[Any, str]:
    """What each value of the split is called on the page."""
    values = list(values)
    if dimension.key == "provider":
        names = dict(Agency.objects.filter(pk__in=[v for v in values if v]).values_list("pk", "name"))
        return {v: names.get(v, "Not recorded") for v in values}
    if dimension.key == "contract":
        from waymark.commissioning.models import Contract

        titles = dict(Contract.objects.filter(reference__in=[v for v in values if v]).values_list("reference", "title"))
        return {v: f"{titles[v]} ({v})" if v in titles else "No contract recorded" for v in values}
    if dimension.key == "service":
        from waymark.support.models import Service

        service_names = dict(Service.objects.filter(code__in=[v for v in values if v]).values_list("code", "name"))
        return {v: service_names.get(v, "No service recorded") for v in values}
    table: dict[str, str] = {
        "source": SOURCE_LABELS,
        "ethnicity": ETHNIC_GROUPS,
        "ethnicity_category": ETHNIC_CATEGORIES,
        "sex": {**dict(Sex.choices), NOT_RECORDED: "Not recorded"},
        "disability": {"yes": "Disabled", "no": "Not disabled", NOT_RECORDED: "Not recorded"},
        "lgbt": {"yes": "LGBT+", "no": "Not LGBT+", NOT_RECORDED: "Not recorded"},
        "age": {**{key: label for key, label, _low, _high in AGE_BANDS}, NOT_RECORDED: "Not recorded"},
        "gender_identity": GENDER_IDENTITIES,
        "sexual_orientation": SEXUAL_ORIENTATIONS,
    }.get(dimension.key, {})
    return {v: table.get(v, str(v) if v else "Not recorded") for v in values}


__all__ = [
    "DIMENSIONS",
    "LINKED_SPLITS",
    "Ethnicity",
    "LinkedSplits",
    "ethnic_group_of",
    "labels_for",
    "linked_splits",
    "people_supported_by",
]
