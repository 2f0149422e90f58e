import pytest
from django.core.exceptions import ValidationError

from waymark.risk.config import current_policy, thresholds_for
from waymark.risk.models import RiskPolicy, RiskThresholds
from waymark.risk.scoring import DEFAULT_THRESHOLDS, Thresholds

pytestmark = pytest.mark.django_db


def test_no_rows_means_the_suggested_levels():
    assert thresholds_for("dash24") == DEFAULT_THRESHOLDS


def test_partnership_default_then_instrument_override():
    RiskThresholds.objects.create(instrument_code="", medium_from=11, high_from=17)
    assert thresholds_for("dash24") == Thresholds(medium_from=11, high_from=17)
    RiskThresholds.objects.create(instrument_code="dash24", medium_from=8, high_from=12, marac_from=14)
    assert thresholds_for("dash24") == Thresholds(medium_from=8, high_from=12, marac_from=14)
    assert thresholds_for("other") == Thresholds(medium_from=11, high_from=17)


def test_thresholds_row_validation(dash24):
    with pytest.raises(ValidationError) as error:
        RiskThresholds(instrument_code="nope", medium_from=12, high_from=12).full_clean()
    assert set(error.value.message_dict) == {"instrument_code", "high_from"}


def test_policy_defaults_and_override():
    assert current_policy().reassessment_months == 3
    assert current_policy().escalation_incident_count == 3
    RiskPolicy.objects.create(reassessment_months=6, escalation_incident_count=4, escalation_window_months=6)
    policy = current_policy()
    assert (policy.reassessment_months, policy.escalation_incident_count, policy.escalation_window_months) == (6, 4, 6)
