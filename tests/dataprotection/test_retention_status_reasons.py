"""A retention run leaves no free text that can locate someone: a case's and a referral's
status-change reasons (the words a worker typed when closing a case, or declining a referral,
often say where she went) are blanked with the rest of the record's text."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.dataprotection.test_retention import LONDON, dpo, records, today  # noqa: F401 (fixtures)
from tests.operations.conftest import run_worker
from waymark.cases.models import CaseStatusChange
from waymark.cases.states import CaseStatus
from waymark.dataprotection.actions import retention_run_request
from waymark.referrals.models import ReferralStatusChange
from waymark.referrals.states import ReferralStatus

pytestmark = pytest.mark.django_db

WHERE = "Moved in with her sister at 4 Elmcanary Road, CF9 7ZQ"


def test_a_run_blanks_the_disposed_records_status_change_reasons(records, dpo):  # noqa: F811
    at = dt.datetime(2019, 6, 3, 10, tzinfo=LONDON)
    due, kept = records["due_case"], records["kept_closed"]
    for case in (due, kept):
        CaseStatusChange.objects.create(
            case=case,
            from_status=CaseStatus.CLOSURE_REQUESTED,
            to_status=CaseStatus.CLOSED,
            reason=WHERE,
            changed_at=at,
        )
    for key in ("declined_old", "declined_recent"):
        ReferralStatusChange.objects.create(
            referral=records[key],
            from_status=ReferralStatus.RECEIVED,
            to_status=ReferralStatus.DECLINED,
            reason=WHERE,
            changed_at=at,
        )

    retention_run_request(actor=dpo)
    run_worker()

    assert [c.reason for c in CaseStatusChange.objects.filter(case=due)] == [""]
    assert [c.reason for c in ReferralStatusChange.objects.filter(referral=records["declined_old"])] == [""]
    # Records not yet due keep theirs.
    assert [c.reason for c in CaseStatusChange.objects.filter(case=kept)] == [WHERE]
    assert [c.reason for c in ReferralStatusChange.objects.filter(referral=records["declined_recent"])] == [WHERE]
