"""Shared fixtures: named personas of the partnership, as the conventions ask."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client, override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.browser.fixtures import browser, page, partnership  # noqa: F401 (one browser for the whole run)
from tests.clock import clock_setting, parse_clock
from tests.factories import AgencyFactory, TeamFactory, make_member
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind

# How long Hypothesis takes to draw or run an example is not a property of the code under test: on
# a loaded machine (CI, or several runs sharing two cores) the per-example deadline and the
# too-slow health check fail at random. Every example, and the shrinking of a failing one, stays.
hypothesis_settings.register_profile("waymark", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("waymark")


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        default=None,
        help="run the suite with the clock pinned to this Europe/London time (HH:MM or ISO); "
        "same as WAYMARK_TEST_CLOCK (tests/clock.py)",
    )


def pytest_report_header(config):
    setting = clock_setting(config.getoption("--clock"))
    if setting:
        return f"clock pinned to {parse_clock(setting).isoformat()} (Europe/London), ticking"
    return None


@pytest.fixture(autouse=True, scope="session")
def pinned_clock(request):
    """With --clock / WAYMARK_TEST_CLOCK set, the whole run starts at that instant (tests/clock.py)."""
    setting = clock_setting(request.config.getoption("--clock"))
    if not setting:
        yield None
        return
    with time_machine.travel(parse_clock(setting), tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing():
    """Argon2 at its cheapest for the whole suite (tests/hashers.py): same format, a fraction of the time."""
    with override_settings(PASSWORD_HASHERS=["tests.hashers.CheapArgon2PasswordHasher"]):
        yield


def _flushes_the_database(request) -> bool:
    """A transactional test (a browser test's live server, ``transaction=True``) empties every
    table when it ends, the data that migrations ship with it."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


def _uses_the_database(request) -> bool:
    return bool(request.node.get_closest_marker("django_db")) or bool(
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    )


_flushed = {"since_restore": False}


@pytest.fixture(autouse=True)
def shipped_data_after_a_flush(request, django_db_blocker):
    """Puts back what the data migrations ship (the DASH checklist, the routing rules, the service
    catalogue), and clears the marks the emptying left, before the next test that uses the
    database, once a transactional test has emptied the tables. In one process pytest-django runs transactional tests last; with several workers
    (pytest-xdist) a worker may run one before tests that rely on that data."""
    if _flushed["since_restore"] and _uses_the_database(request):
        from django.db import connection

        from waymark.outcomes.models import OutcomeFactStale
        from waymark.risk.loading import ensure_shipped_instrument
        from waymark.risk.models import RiskInstrument, RiskItem
        from waymark.routing.defaults import ensure_default_rules
        from waymark.routing.models import RoutingRule
        from waymark.support.catalogue import ensure_default_services
        from waymark.support.models import Service

        with django_db_blocker.unblock():
            ensure_shipped_instrument(RiskInstrument, RiskItem)
            ensure_default_rules(RoutingRule)
            ensure_default_services(Service)
            # SQLite's flush deletes table by table, in no fixed order, and the database's triggers
            # mark the person of each case, assessment and measure deleted after the marks' own
            # table was emptied (PostgreSQL's TRUNCATE fires no row triggers): marks of people no
            # test made (tests/outcomes/test_marks_after_a_flush.py).
            OutcomeFactStale.objects.all().delete()
            # Inside this test's transaction the rows go when it rolls back: restore again next time.
            _flushed["since_restore"] = connection.in_atomic_block
    yield
    if _flushes_the_database(request):
        _flushed["since_restore"] = True
        # Outside a transaction a report reads on the pool's connections, kept open between
        # reports (waymark.core.parallel_reads): closed, so none is open when the test database is
        # dropped at the end.
        from waymark.core.parallel_reads import close_connections

        close_connections()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: search rate limits and enumeration patterns
    (waymark/matching/throttle.py, enumeration.py) count there and must not carry over."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=False):  # the figures cache too
        cache.clear()
    yield


@pytest.fixture
def specialist_agency():
    return AgencyFactory(name="Harbour Advocacy", kind=AgencyKind.DA_SPECIALIST)


@pytest.fixture
def police_agency():
    return AgencyFactory(name="Southmere Police", kind=AgencyKind.POLICE)


@pytest.fixture
def idva_team(specialist_agency):
    return TeamFactory(agency=specialist_agency, name="IDVA Team")


@pytest.fixture
def idva(idva_team):
    return make_member(Role.CASEWORKER, team=idva_team, full_name="Amara Okafor")


@pytest.fixture
def manager(idva_team):
    return make_member(Role.TEAM_MANAGER, team=idva_team, full_name="Grace Mensah")


@pytest.fixture
def police_referrer(police_agency):
    return make_member(Role.REFERRER, agency=police_agency, full_name="Daniel Hughes")


@pytest.fixture
def auditor():
    return make_member(Role.AUDITOR, full_name="Joan Fletcher")


@pytest.fixture
def administrator():
    return make_member(Role.SYSTEM_ADMINISTRATOR, full_name="Sam Patel")


@pytest.fixture
def outsider():
    """Signed in with MFA but holding no role anywhere."""
    from tests.factories import UserFactory

    return UserFactory(full_name="Olly Outsider")


def signed_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_for():
    return signed_in_client
