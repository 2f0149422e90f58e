import pytest

from waymark.routing.defaults import ensure_default_rules
from waymark.routing.models import RoutingRule


@pytest.fixture(autouse=True)
def routing_rules(db):
    """The shipped rules (loaded again if a transactional test elsewhere flushed them)."""
    ensure_default_rules(RoutingRule)
