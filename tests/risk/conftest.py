"""Fixtures for risk identification: a person held by the IDVA's agency and the shipped checklist."""

from __future__ import annotations

import pytest

from waymark.people.models import Person
from waymark.risk.choices import Answer
from waymark.risk.loading import ensure_shipped_instrument
from waymark.risk.models import RiskInstrument, RiskItem
from waymark.routing.defaults import ensure_default_rules
from waymark.routing.models import RoutingRule


def make_person(agency, **fields) -> Person:
    fields.setdefault("given_name", "Test")
    fields.setdefault("family_name", "Person")
    return Person.objects.create(held_by=agency, **fields)


@pytest.fixture
def person(specialist_agency):
    return make_person(specialist_agency, given_name="Rosa", family_name="Lindqvist")


@pytest.fixture
def dash24(db):
    """The checklist the data migration ships (loaded again if a transactional test flushed it)."""
    return ensure_shipped_instrument(RiskInstrument, RiskItem)


@pytest.fixture
def routing_rules(db):
    """The shipped routing rules (loaded again if a transactional test flushed them)."""
    ensure_default_rules(RoutingRule)


def answers_with_yes(count: int, total: int = 24, *, rest: Answer = Answer.NO) -> dict[int, Answer]:
    """Answers to every item: the first ``count`` are yes, the rest ``rest``."""
    return {number: (Answer.YES if number <= count else rest) for number in range(1, total + 1)}
