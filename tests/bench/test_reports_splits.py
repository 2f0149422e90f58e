"""The reports bench's baseline for each split page: DuckDB's counts of that split, per quarter and
group, equal Waymark's on a varied partnership (every group rule DuckDB states again: contracts
starting and ending inside a quarter, a client's first service by the day offered, every referral
source, the 19 ethnic categories and their five groups, the equality characteristics in people's
own words), and each rule stated wrongly is caught."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
import time_machine

from bench import reports_bench, reports_splits
from tests.factories import AgencyFactory, make_member
from tests.outcomes.factories import make_assessment, make_case, make_measure, make_person
from waymark.commissioning.models import Contract
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind
from waymark.outcomes.forms import period_from_code
from waymark.people.choices import Ethnicity
from waymark.referrals.models import Referral
from waymark.support.models import Intervention, Service

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 2)
FIRST = date(2024, 1, 1)  # the records' first day: the calendar exported from here (quicker than 2012)
SOURCES = ["professional", "professional", "professional", "self_referral", "champion", "import"]
LEVELS = ["standard", "medium", "high"]
FREQUENCIES = ["none", "less_than_monthly", "monthly", "weekly", "daily", ""]
# In people's own words: grouped by word matching, in any case.
GENDERS = ["", "Woman", "female", "F", "MALE", "Non-Binary", "trans woman", "Prefers not to say", "agender"]
ORIENTATIONS = ["", "Straight", "heterosexual", "Gay", "lesbian", "Bisexual", "I prefer not to say", "queer"]


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(TODAY, tick=False):
        yield


def _world(seed: int) -> None:
    """Sixty clients over three years, in two providers, with every kind of record the splits read."""
    rng = random.Random(seed)
    harbour = AgencyFactory(name="Harbour Advocacy", kind=AgencyKind.DA_SPECIALIST)
    bridge = AgencyFactory(name="Bridge Project", kind=AgencyKind.DA_SPECIALIST)
    referrers = [
        AgencyFactory(name=f"Referrer {kind}", kind=kind)
        for kind in (
            AgencyKind.POLICE,
            AgencyKind.HOUSING,
            AgencyKind.HEALTH_PRIMARY,
            AgencyKind.HEALTH_ACUTE,
            AgencyKind.CHILDRENS_SOCIAL_CARE,
            AgencyKind.ADULTS_SOCIAL_CARE,
            AgencyKind.PROBATION,
        )
    ]
    # Harbour's contracts change in the middle of a quarter; Bridge has one open-ended contract
    # and no contract before it.
    Contract.objects.create(
        reference="H-1", title="H 1", provider_agency=harbour, starts_on=date(2023, 4, 1), ends_on=date(2025, 8, 14)
    )
    Contract.objects.create(reference="H-2", title="H 2", provider_agency=harbour, starts_on=date(2025, 8, 15))
    Contract.objects.create(reference="B-1", title="B 1", provider_agency=bridge, starts_on=date(2025, 1, 1))
    # A pilot inside H-1: the latest to start is the one in force.
    Contract.objects.create(
        reference="H-P",
        title="H pilot",
        provider_agency=harbour,
        starts_on=date(2024, 6, 1),
        ends_on=date(2024, 11, 30),
    )
    worker = make_member(Role.CASEWORKER, agency=harbour)
    services = [
        Service.objects.create(code=f"bench-{name}", name=name, category="health", provider_agency=harbour)
        for name in ("counselling", "legal", "group")
    ]
    ethnicities = [*Ethnicity.values, ""]
    for n in range(60):
        provider = rng.choice([harbour, bridge])
        referred_on = FIRST + timedelta(days=rng.randrange(0, (TODAY - FIRST).days))
        born = rng.choice([None, date(1960, 1, 1) + timedelta(days=rng.randrange(0, 20000))])
        if n < 6:  # referred in the pack's quarter (below) on the day before, of or after her 25th birthday
            referred_on = date(2025, 11, 10) + timedelta(days=n)
            born = date(2000, 11, 10 + n) + timedelta(days=n % 3 - 1)
        person = make_person(
            provider,
            ethnicity=rng.choice(ethnicities),
            sex=rng.choice(["female", "male", "other", "unknown"]),
            date_of_birth=born,
            disability=rng.choice(["yes", "no", "unknown"]),
            gender_identity=rng.choice(GENDERS),
            sexual_orientation=rng.choice(ORIENTATIONS),
        )
        referral = None
        if n % 7:  # every seventh an imported case with no referral
            source = rng.choice(SOURCES)
            referral = Referral.objects.create(
                number=f"R-{n}",
                received_on=referred_on,
                source=source,
                subject=person,
                receiving_agency=provider,
                referring_agency=rng.choice(referrers) if source == "professional" else None,
                consent="given",
            )
        if n % 5 == 4:  # a referral that never became a case
            continue
        engaged_on = referred_on + timedelta(days=rng.randrange(0, 30)) if rng.random() < 0.7 else None
        engaged_on = engaged_on if engaged_on and engaged_on <= TODAY else None
        contact = referred_on + timedelta(days=rng.randrange(0, 12))
        case = make_case(
            agency=provider,
            person=person,
            referral=referral,
            referred_on=referred_on,
            engaged_on=engaged_on,
            allocated_on=referred_on + timedelta(days=rng.randrange(0, 3)),
            first_contact_on=contact if rng.random() < 0.8 and contact <= TODAY else None,
            status=rng.choice(["active", "engaged", "allocated", "closed"]),
        )
        if rng.random() < 0.6:  # the first service offered decides the group; later ones do not
            # (two offered the same day, recorded at the same moment: the id decides, as in Waymark)
            for offered in sorted(rng.choices(range(0, 60), k=rng.randrange(1, 4))):
                Intervention.objects.create(
                    case=case,
                    service=rng.choice(services),
                    offered_on=referred_on + timedelta(days=offered),
                    recorded_by=worker,
                )
        for days in (-20, 10, 40, 100):
            if rng.random() < 0.5 and (engaged_on or referred_on) + timedelta(days=days) <= TODAY:
                make_assessment(person, (engaged_on or referred_on) + timedelta(days=days), rng.choice(LEVELS))
        if rng.random() < 0.6:  # an intake, and an exit if it has come
            exit_on = referred_on + timedelta(days=rng.randrange(30, 200))
            for stage, day in (("intake", referred_on), ("exit", exit_on)):
                if day <= TODAY:
                    make_measure(
                        case,
                        stage,
                        day,
                        feeling_safe=rng.randrange(1, 6),
                        physical=rng.choice(FREQUENCIES),
                        economic=rng.choice(FREQUENCIES),
                    )


def _periods():
    chosen = period_from_code("all", TODAY)
    return chosen, reports_splits.with_year_earlier(chosen.start, chosen.end)


@pytest.mark.parametrize("seed", [1, 2])
def test_duckdb_counts_every_split_as_waymark_does(tmp_path, seed):
    _world(seed)
    chosen, periods = _periods()
    paths = reports_bench.export_parquet(tmp_path, FIRST - timedelta(days=1), chosen.end, splits=True)
    for by in reports_splits.SPLITS:
        theirs = reports_bench.duckdb_split_counts(paths, by, periods, TODAY)()
        ours = reports_splits.waymark_split_counts(by, chosen.start, chosen.end, TODAY)
        assert reports_splits.differences(ours, theirs) == {}, by
        assert ours == theirs, by
        assert len({g for _, g in ours["quarters"]}) > 1, by  # more than one group: a split that splits
        assert len({q for q, _ in ours["quarters"]}) > 4, by


@pytest.mark.parametrize("seed", [4, 5])
def test_duckdb_counts_the_board_packs_outcome_figures_as_waymark_does(tmp_path, seed):
    """The pack's baseline: the year to date by quarter, and the quarter and a year earlier by every
    equality characteristic at once (the lists of groups unnested), equal to what the pack counts."""
    from waymark.commissioning.boardpack import EQUALITY, quarter_dates

    _world(seed)
    start, end = quarter_dates(2025, 3)  # October to December 2025: a year earlier holds records too
    periods = reports_splits.with_year_earlier(start, end)
    year = (date(2025, 4, 1), end)
    keys = reports_splits.pack_keys(EQUALITY)
    assert "ethnicity_category" in keys and "ethnicity" not in keys  # the linked splits counted by the finer
    paths = reports_bench.export_parquet(tmp_path, FIRST - timedelta(days=1), TODAY, splits=True)
    theirs = reports_bench.duckdb_pack_counts(paths, year, periods, TODAY, keys)()
    ours = reports_splits.waymark_pack_counts(year, start, end, TODAY, tuple(keys))
    for mine, duck in zip(ours, theirs, strict=True):
        assert reports_splits.differences(mine, duck) == {}
        assert mine == duck
    year_counts, equality = ours
    assert len({q for q, _ in year_counts["quarters"]}) >= 2  # the year to date: April to December
    for key in keys:  # every characteristic counted, in more than one group
        assert len({g for _, g in equality["quarters"] if g.startswith(f"{key}|")}) > 1, key
    assert any(kind == "coarse" for kind, _, _ in equality["people"])


@pytest.mark.parametrize(
    ("key", "right", "wrong"),
    [
        ("gender_identity", "THEN 'woman'", "THEN 'man'"),
        ("sexual_orientation", "'bisexual'", "'gay'"),
        ("age", "- CASE WHEN", "- 0 * CASE WHEN"),  # the birthday to come forgotten
    ],
)
def test_an_equality_rule_stated_wrongly_is_caught(tmp_path, monkeypatch, key, right, wrong):
    """Equal as stated; one rule changed in DuckDB, the pack's split by that characteristic differs."""
    from waymark.commissioning.boardpack import quarter_dates

    _world(6)
    start, end = quarter_dates(2025, 3)
    periods = reports_splits.with_year_earlier(start, end)
    year = (date(2025, 4, 1), end)
    paths = reports_bench.export_parquet(tmp_path, FIRST - timedelta(days=1), TODAY, splits=True)
    ours = reports_splits.waymark_pack_counts(year, start, end, TODAY, (key,))
    assert reports_bench.duckdb_pack_counts(paths, year, periods, TODAY, [key])() == ours
    stated = reports_splits.equality_group

    def misstated(k, day):
        sql = stated(k, day)
        assert right in sql or k != key
        return sql.replace(right, wrong) if k == key else sql

    monkeypatch.setattr(reports_splits, "equality_group", misstated)
    theirs = reports_bench.duckdb_pack_counts(paths, year, periods, TODAY, [key])()
    assert ours[0] == theirs[0]  # the year by quarter is not split
    assert any(
        name.startswith("quarters") and f"'{key}|" in name for name in reports_splits.differences(ours[1], theirs[1])
    )


@pytest.mark.parametrize(
    ("by", "right", "wrong"),
    [
        ("contract", "arg_min(k.reference, k.position)", "arg_max(k.reference, k.position)"),  # the earliest to start
        ("service", "arg_min(s.code, (i.offered_on", "arg_max(s.code, (i.offered_on"),  # the last service offered
        ("source", "THEN 'gp'", "THEN 'hospital'"),
        ("ethnicity", "'not_known', 'not_said'", "'not_known'"),  # "prefers not to say" as a category
    ],
)
def test_a_group_rule_stated_wrongly_is_caught(tmp_path, monkeypatch, by, right, wrong):
    _world(7)
    chosen, periods = _periods()
    paths = reports_bench.export_parquet(tmp_path, FIRST - timedelta(days=1), chosen.end, splits=True)
    ours = reports_splits.waymark_split_counts(by, chosen.start, chosen.end, TODAY)
    assert reports_bench.duckdb_split_counts(paths, by, periods, TODAY)() == ours
    stated = reports_splits.group_views

    def misstated(b):
        views = stated(b)
        assert right in views[0]
        return tuple(view.replace(right, wrong) if view else view for view in views)

    monkeypatch.setattr(reports_splits, "group_views", misstated)
    assert reports_splits.differences(ours, reports_bench.duckdb_split_counts(paths, by, periods, TODAY)())
