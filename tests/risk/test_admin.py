import pytest
from django.urls import reverse

from tests.reauth import reauthenticated_client
from waymark.audit.models import AuditAction, AuditEvent
from waymark.risk.config import thresholds_for
from waymark.risk.models import RiskThresholds
from waymark.risk.scoring import Thresholds

pytestmark = pytest.mark.django_db


def test_administrator_sets_thresholds_and_the_change_is_audited(administrator, dash24, client_for):
    # dash24: thresholds name a loaded instrument, and a transactional test run earlier in the same
    # process (any order under pytest-xdist) may have flushed the one the data migration ships.
    client = reauthenticated_client(administrator)
    response = client.post(
        reverse("admin:risk_riskthresholds_add"),
        {"instrument_code": "dash24", "medium_from": "10", "high_from": "17", "marac_from": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = RiskThresholds.objects.get()
    assert thresholds_for("dash24") == Thresholds(medium_from=10, high_from=17)
    assert AuditEvent.objects.filter(action=AuditAction.ADMIN_CHANGE, object_id=str(row.pk)).exists()


def test_thresholds_out_of_order_are_refused(administrator, client_for):
    response = reauthenticated_client(administrator).post(
        reverse("admin:risk_riskthresholds_add"), {"instrument_code": "", "medium_from": "12", "high_from": "11"}
    )
    assert response.status_code == 200
    assert "High must start above where medium starts." in response.content.decode()
    assert not RiskThresholds.objects.exists()


def test_instrument_texts_are_loaded_not_typed_in(administrator, dash24, client_for):
    client = reauthenticated_client(administrator)
    assert client.get(reverse("admin:risk_riskinstrument_add")).status_code == 403
    page = client.get(reverse("admin:risk_riskinstrument_change", args=[dash24.pk])).content.decode()
    assert 'name="name"' not in page and 'name="is_active"' in page


def test_routing_rules_and_policy_are_administered(administrator, idva, client_for):
    for name in ("admin:routing_routingrule_changelist", "admin:risk_riskpolicy_add"):
        assert reauthenticated_client(administrator).get(reverse(name)).status_code == 200
        assert client_for(idva).get(reverse(name)).status_code == 403
