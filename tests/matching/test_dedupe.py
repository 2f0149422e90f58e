"""The batch dedupe command: trains, stores clusters for review, reuses its model."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from faker import Faker

from tests.factories import AgencyFactory
from waymark.audit.models import AuditAction, AuditEvent
from waymark.matching.engine import refresh_search_keys
from waymark.matching.models import DedupeCluster, DedupeRun
from waymark.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def population():
    """300 distinct people and 30 second records of some of them, with small differences."""
    fake, rng = Faker("en_GB"), random.Random(7)
    Faker.seed(7)
    agency = AgencyFactory()
    people = [
        Person(
            given_name=fake.first_name(),
            family_name=fake.last_name(),
            date_of_birth=date(1950, 1, 1) + timedelta(days=rng.randrange(20000)),
            held_by=agency,
        )
        for _ in range(300)
    ]
    duplicates = []
    for original in people[:30]:
        given = original.given_name
        given = given[:-1] + given[-1] * 2 if rng.random() < 0.5 else given
        duplicates.append(
            Person(
                given_name=given, family_name=original.family_name, date_of_birth=original.date_of_birth, held_by=agency
            )
        )
    Person.objects.bulk_create(people + duplicates)
    refresh_search_keys([p.pk for p in people + duplicates])
    return list(zip(people[:30], duplicates, strict=True))


def test_reuse_without_a_trained_model_is_a_clear_error(population):
    with pytest.raises(CommandError, match="--train"):
        call_command("dedupe_people")


def test_train_then_reuse(population, tmp_path):
    output = tmp_path / "clusters.csv"
    call_command("dedupe_people", "--train", "--threshold", "0.9", "--output", str(output))
    run = DedupeRun.objects.get()
    assert run.trained and run.model_json["comparisons"]
    assert run.people_count == 330
    clustered = {frozenset(str(p) for p in c.people.values_list("pk", flat=True)) for c in run.clusters.all()}
    found = sum(1 for original, dup in population if frozenset({str(original.pk), str(dup.pk)}) in clustered)
    assert found >= 27  # at least 90% of the planted duplicates
    assert all(c.size >= 2 for c in run.clusters.all())
    with output.open() as handle:
        rows = list(csv.DictReader(handle))
    assert rows and set(rows[0]) == {"cluster_id", "person_id", "max_probability"}
    assert AuditEvent.objects.filter(action=AuditAction.SEARCH, object_id=str(run.pk)).exists()

    call_command("dedupe_people")
    second = DedupeRun.objects.order_by("-created_at").first()
    assert not second.trained
    assert second.model_json == run.model_json or second.model_json["comparisons"]
    assert DedupeCluster.objects.filter(run=second).count() == run.cluster_count


def test_threshold_must_be_a_probability(population):
    with pytest.raises(CommandError, match="between 0 and 1"):
        call_command("dedupe_people", "--train", "--threshold", "9")
