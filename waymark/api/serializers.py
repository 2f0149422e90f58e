"""What the API reads and writes. Names and free text are JSON strings: never markup."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from waymark.api.fields import SaneDateField
from waymark.core.numbers import is_whole_number
from waymark.people.choices import Sex
from waymark.referrals.choices import AbuseType, Consent, HarmRelationship, LawfulBasis, VawgCategory, YesNoUnknown
from waymark.risk.choices import RiskLevel

NAME_MAX = 100


class PersonSearchQuerySerializer(serializers.Serializer):
    given_name = serializers.CharField(required=False, allow_blank=True, max_length=NAME_MAX)
    family_name = serializers.CharField(required=False, allow_blank=True, max_length=NAME_MAX)
    date_of_birth = SaneDateField(required=False, allow_null=True)
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=16)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=50, default=10)


class CandidateSerializer(serializers.Serializer):
    """A possible match. Details only where the user may see the person; never a location."""

    held_by_kind = serializers.CharField()
    band = serializers.CharField()
    band_label = serializers.CharField()
    visible = serializers.BooleanField()
    person_id = serializers.UUIDField(allow_null=True)
    name = serializers.CharField(allow_blank=True)
    year_of_birth = serializers.IntegerField(allow_null=True)
    reasons = serializers.CharField(allow_blank=True)
    percent = serializers.IntegerField(allow_null=True)


class PersonRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField(source="full_name")


class ReferralSerializer(serializers.Serializer):
    """``access`` is "full" for the receiving service and "status_only" for the referring
    agency, whose rows carry only the number, dates, status and decision reason."""

    id = serializers.UUIDField()
    number = serializers.CharField()
    received_on = serializers.DateField()
    status = serializers.CharField()
    decision_reason = serializers.CharField(allow_blank=True)
    access = serializers.ChoiceField(choices=["full", "status_only"])
    subject = PersonRefSerializer(allow_null=True)
    person_causing_harm = PersonRefSerializer(allow_null=True)
    referring_agency = serializers.CharField(allow_null=True)
    vawg_category = serializers.CharField(allow_null=True)
    abuse_types = serializers.ListField(child=serializers.CharField(), allow_null=True)
    consent = serializers.CharField(allow_null=True)
    children_in_household = serializers.IntegerField(allow_null=True)


def referral_data(referral: Any, *, full: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": referral.pk,
        "number": referral.number,
        "received_on": referral.received_on,
        "status": referral.status,
        # The receiving service reads the reason it recorded; the referrer, what is shared with them.
        "decision_reason": referral.recorded_decision_reason if full else referral.decision_reason,
        "access": "full" if full else "status_only",
        "subject": None,
        "person_causing_harm": None,
        "referring_agency": None,
        "vawg_category": None,
        "abuse_types": None,
        "consent": None,
        "children_in_household": None,
    }
    if full:
        data.update(
            subject=referral.subject,
            person_causing_harm=referral.person_causing_harm,
            referring_agency=referral.referring_agency.name if referral.referring_agency else None,
            vawg_category=referral.vawg_category,
            abuse_types=list(referral.abuse_types),
            consent=referral.consent,
            children_in_household=referral.children_in_household,
        )
    return ReferralSerializer(data).data


class PersonDetailsSerializer(serializers.Serializer):
    given_name = serializers.CharField(required=False, allow_blank=True, max_length=NAME_MAX, default="")
    family_name = serializers.CharField(required=False, allow_blank=True, max_length=NAME_MAX, default="")
    date_of_birth = SaneDateField(required=False, allow_null=True, default=None)
    approximate_age = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=120, default=None
    )
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, default=Sex.UNKNOWN)


class ReferralCreateSerializer(serializers.Serializer):
    referring_agency = serializers.UUIDField(
        required=False, allow_null=True, help_text="Defaults to the one agency where the account may refer."
    )
    subject = PersonDetailsSerializer()
    subject_postcode = serializers.CharField(required=False, allow_blank=True, max_length=16, default="")
    person_causing_harm = PersonDetailsSerializer(required=False, allow_null=True, default=None)
    harm_relationship = serializers.ChoiceField(
        choices=HarmRelationship.choices, required=False, allow_blank=True, default=""
    )
    children_in_household = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=30, default=None
    )
    vawg_category = serializers.ChoiceField(choices=VawgCategory.choices)
    abuse_types = serializers.ListField(
        child=serializers.ChoiceField(choices=AbuseType.choices), required=False, default=list, max_length=20
    )
    latest_incident_on = SaneDateField(required=False, allow_null=True, default=None)
    latest_incident_summary = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    consent = serializers.ChoiceField(choices=Consent.choices)
    lawful_basis = serializers.ChoiceField(choices=LawfulBasis.choices, required=False, allow_blank=True, default="")
    sharing_authorised_by = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    sharing_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    safe_to_call = serializers.ChoiceField(choices=YesNoUnknown.choices, required=False, default=YesNoUnknown.UNKNOWN)
    safe_to_text = serializers.ChoiceField(choices=YesNoUnknown.choices, required=False, default=YesNoUnknown.UNKNOWN)
    safe_to_voicemail = serializers.ChoiceField(
        choices=YesNoUnknown.choices, required=False, default=YesNoUnknown.UNKNOWN
    )
    safe_to_write = serializers.ChoiceField(choices=YesNoUnknown.choices, required=False, default=YesNoUnknown.UNKNOWN)
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=32, default="")
    contact_email = serializers.CharField(required=False, allow_blank=True, max_length=254, default="")
    contact_instructions = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class RiskAssessmentSerializer(serializers.Serializer):
    """Give ``context={"judgement_reasons": judgement_reasons_shown(user, assessments)}``: the reason
    is free text that can locate her, shown masked to whoever may not see where she is
    (``waymark.risk.access``). Without it the serializer fails rather than show the stored text."""

    id = serializers.UUIDField()
    ref = serializers.CharField(allow_null=True)
    person = PersonRefSerializer()
    instrument = serializers.CharField(source="instrument.code")
    instrument_version = serializers.IntegerField(source="instrument.version")
    assessed_on = SaneDateField()
    yes_count = serializers.IntegerField()
    scored_level = serializers.CharField()
    judgement_level = serializers.CharField(allow_blank=True)
    judgement_reason = serializers.CharField(allow_blank=True)
    final_level = serializers.CharField()
    referral_ref = serializers.CharField(allow_blank=True)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        data["judgement_reason"] = self.context["judgement_reasons"][instance.pk]
        return data


class RiskAssessmentCreateSerializer(serializers.Serializer):
    person = serializers.UUIDField()
    instrument = serializers.CharField(required=False, max_length=32, help_text="Instrument code; default dash24.")
    assessed_on = SaneDateField()
    yes_count = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100)
    answers = serializers.DictField(
        child=serializers.ChoiceField(choices=["yes", "no", "not_known"]), required=False, allow_null=True
    )
    judgement_level = serializers.ChoiceField(choices=RiskLevel.choices, required=False, allow_blank=True, default="")
    judgement_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")

    def validate_answers(self, value: dict[str, str] | None) -> dict[int, str] | None:
        if value is None:
            return None
        if len(value) > 100:
            raise serializers.ValidationError("Too many answers.")
        cleaned: dict[int, str] = {}
        for key, answer in value.items():
            if not is_whole_number(str(key)) or not 1 <= int(key) <= 100:
                raise serializers.ValidationError("Answer keys are question numbers from 1.")
            cleaned[int(key)] = answer
        return cleaned

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs.get("answers") is None) == (attrs.get("yes_count") is None):
            raise serializers.ValidationError("Give either answers or yes_count, not both.")
        return attrs
