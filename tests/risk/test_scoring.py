import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from waymark.risk.choices import Answer, RiskLevel
from waymark.risk.scoring import DEFAULT_THRESHOLDS, Thresholds, count_yes, level_for, meets_marac_threshold, score


def test_only_yes_answers_count():
    assert count_yes([Answer.YES, Answer.NO, Answer.NOT_KNOWN, "yes"]) == 2


@pytest.mark.parametrize(
    ("yes_count", "level"),
    [
        (0, RiskLevel.STANDARD),
        (9, RiskLevel.STANDARD),
        (10, RiskLevel.MEDIUM),
        (13, RiskLevel.MEDIUM),
        (14, RiskLevel.HIGH),
        (24, RiskLevel.HIGH),
    ],
)
def test_default_levels_at_the_boundaries(yes_count, level):
    assert level_for(yes_count, DEFAULT_THRESHOLDS) is level


def test_custom_thresholds_a_partnership_sending_to_marac_at_17():
    thresholds = Thresholds(medium_from=10, high_from=17)
    assert level_for(16, thresholds) is RiskLevel.MEDIUM
    assert level_for(17, thresholds) is RiskLevel.HIGH
    assert not meets_marac_threshold(16, thresholds)
    assert meets_marac_threshold(17, thresholds)


def test_marac_threshold_can_differ_from_high():
    thresholds = Thresholds(medium_from=10, high_from=14, marac_from=17)
    assert level_for(14, thresholds) is RiskLevel.HIGH
    assert not meets_marac_threshold(14, thresholds)
    assert meets_marac_threshold(17, thresholds)


def test_thresholds_must_be_ordered():
    with pytest.raises(ValueError):
        Thresholds(medium_from=14, high_from=10)
    with pytest.raises(ValueError):
        Thresholds(medium_from=0, high_from=10)


def test_judgement_raises_with_a_reason():
    result = score(yes_count=9, judgement_level=RiskLevel.HIGH, judgement_reason="Recent threats with a knife")
    assert result.scored_level is RiskLevel.STANDARD
    assert result.final_level is RiskLevel.HIGH
    assert result.raised_by_judgement


def test_judgement_raise_without_a_reason_is_refused():
    with pytest.raises(ValidationError) as error:
        score(yes_count=9, judgement_level=RiskLevel.MEDIUM, judgement_reason="   ")
    assert "Explain why" in error.value.message_dict["judgement_reason"][0]


def test_judgement_lower_than_the_score_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as error:
        score(yes_count=14, judgement_level=RiskLevel.MEDIUM, judgement_reason="Seems calmer")
    message = error.value.message_dict["judgement_level"][0]
    assert "never lower" in message
    assert "high (14 'yes' answers)" in message


def test_judgement_equal_to_the_score_needs_no_reason():
    result = score(yes_count=10, judgement_level=RiskLevel.MEDIUM)
    assert result.final_level is RiskLevel.MEDIUM
    assert not result.raised_by_judgement


def test_imported_lower_judgement_is_kept_but_the_result_is_the_higher():
    result = score(yes_count=15, judgement_level="standard", allow_lower_judgement=True)
    assert result.judgement_level is RiskLevel.STANDARD
    assert result.final_level is RiskLevel.HIGH


def test_count_above_the_number_of_questions_is_refused():
    with pytest.raises(ValidationError) as error:
        score(yes_count=25, item_count=24)
    assert "24 questions" in error.value.message_dict["yes_count"][0]


def test_unknown_judgement_level_is_refused():
    with pytest.raises(ValidationError) as error:
        score(yes_count=3, judgement_level="extreme")
    assert "judgement_level" in error.value.message_dict


levels = st.sampled_from(list(RiskLevel))
thresholds = st.integers(min_value=1, max_value=30).flatmap(
    lambda medium: st.builds(Thresholds, medium_from=st.just(medium), high_from=st.integers(medium + 1, 40))
)


@given(
    yes_count=st.integers(min_value=0, max_value=40),
    judgement=st.one_of(st.none(), levels),
    thresholds=thresholds,
    imported=st.booleans(),
)
def test_property_judgement_never_lowers_the_level(yes_count, judgement, thresholds, imported):
    try:
        result = score(
            yes_count=yes_count,
            thresholds=thresholds,
            judgement_level=judgement,
            judgement_reason="reason given",
            allow_lower_judgement=imported,
        )
    except ValidationError:
        # Only a lower judgement outside an import is refused.
        assert not imported
        assert judgement is not None and judgement.rank < level_for(yes_count, thresholds).rank
        return
    assert result.final_level.rank >= result.scored_level.rank
    assert result.scored_level is level_for(yes_count, thresholds)
    if judgement is not None:
        assert result.final_level.rank >= judgement.rank
        assert result.final_level is RiskLevel.highest(result.scored_level, judgement)
