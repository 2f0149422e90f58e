"""Legal orders and interventions lose no update (issue 11, deliverable 4): an order's edit form
carries the version it was read at, and moving an intervention re-checks it under a row lock."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.support.conftest import days_ago
from tests.support.test_actions import _order
from waymark.core.versioning import StaleEdit
from waymark.support import actions
from waymark.support.models import Intervention, LegalOrder

pytestmark = pytest.mark.django_db


def _update(actor, order, read_version, **changes):
    values = {
        "status": order.status,
        "applied_on": order.applied_on,
        "granted_on": order.granted_on,
        "expires_on": order.expires_on,
        "protects": list(order.protects.all()),
        "against": order.against,
        "terms": order.terms,
    }
    values.update(changes)
    return actions.legal_order_update(actor=actor, order=order, read_version=read_version, **values)


def test_a_second_edit_read_before_the_first_saved_is_refused_and_the_first_kept(idva, case, harmer):
    order = _order(idva, case, against=harmer)
    read_at = order.version
    first = LegalOrder.objects.get(pk=order.pk)
    second = LegalOrder.objects.get(pk=order.pk)
    assert _update(idva, first, read_at, expires_on=days_ago(-400)) == ["expires_on"]
    with pytest.raises(StaleEdit):
        _update(idva, second, read_at, terms="Not to contact her by any means")
    order.refresh_from_db()
    assert order.expires_on == days_ago(-400), "the first edit stands"
    assert order.terms != "Not to contact her by any means", "nothing of the stale edit is saved"
    assert order.version == read_at + 1
    # Read again at the new version, the second edit saves on top of the first.
    assert _update(idva, order, order.version, terms="Not to contact her by any means") == ["terms"]
    order.refresh_from_db()
    assert (order.expires_on, order.terms) == (days_ago(-400), "Not to contact her by any means")


def test_the_order_edit_form_carries_its_version(idva, case, harmer, client_for):
    order = _order(idva, case, against=harmer)
    page = client_for(idva).get(reverse("support:order_edit", args=[case.pk, order.pk])).content.decode()
    assert 'name="version"' in page and f'value="{order.version}"' in page
    assert 'name="read_state"' in page


def test_two_moves_of_one_intervention_read_at_once_cannot_both_pass(idva, case, counselling):
    row = actions.intervention_record(actor=idva, case=case, service=counselling, offered_on=days_ago(20))
    first, second = Intervention.objects.get(pk=row.pk), Intervention.objects.get(pk=row.pk)
    actions.intervention_update(actor=idva, intervention=first, status="declined", on=days_ago(1))
    with pytest.raises(ValidationError) as error:  # read as offered, but it is declined now
        actions.intervention_update(actor=idva, intervention=second, status="started", on=days_ago(1))
    assert "cannot change any more" in error.value.message_dict["status"][0]
    assert Intervention.objects.get(pk=row.pk).status == "declined"


def test_a_stale_edit_of_a_childs_link_is_refused_and_the_first_kept(idva, case, child):
    link = actions.case_child_link(
        actor=idva, case=case, child=child, relationship_to_client="child", lives_in_household="yes"
    )
    read_at = link.version
    first, second = type(link).objects.get(pk=link.pk), type(link).objects.get(pk=link.pk)
    assert actions.case_child_update(
        actor=idva, link=first, relationship_to_client="child", lives_in_household="no", read_version=read_at
    ) == ["lives_in_household"]
    with pytest.raises(StaleEdit):
        actions.case_child_update(
            actor=idva, link=second, relationship_to_client="stepchild", lives_in_household="yes", read_version=read_at
        )
    link.refresh_from_db()
    assert (link.relationship_to_client, link.lives_in_household) == ("child", "no")


def test_the_child_edit_form_carries_its_version(idva, case, child, client_for):
    link = actions.case_child_link(
        actor=idva, case=case, child=child, relationship_to_client="child", lives_in_household="yes"
    )
    page = client_for(idva).get(reverse("support:child_edit", args=[case.pk, link.pk])).content.decode()
    assert 'name="version"' in page and 'name="read_state"' in page
