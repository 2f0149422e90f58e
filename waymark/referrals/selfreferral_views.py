"""The public self-referral form: no sign-in, nothing cached, nothing revealed afterwards."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction, AuditOutcome
from waymark.core.access import public
from waymark.referrals.actions import PersonDetails, SafeContact, WhatHappened, self_referral_create
from waymark.referrals.forms import SelfReferralForm


def no_store(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Marks the response uncacheable (NoStoreMiddleware): a shared computer keeps no copy."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.waymark_no_store = True  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapped


def _context(**extra: Any) -> dict[str, Any]:
    return {"exit_url": settings.SELFREFERRAL_EXIT_URL, **extra}


@public
@no_store
@csrf_protect
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = SelfReferralForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if data.get("website"):
                # Automated spam: save nothing, but answer exactly as for a real referral.
                with transaction.atomic():
                    audit_record(
                        actor=None,
                        action=AuditAction.BLOCKED,
                        object_type="referrals.referral",
                        outcome=AuditOutcome.DENIED,
                        actor_label="Self-referral (not signed in)",
                        omit_client_ip=True,
                        detail={"reason": "anti-spam field filled in"},
                    )
                return redirect("selfreferral:thanks")
            self_referral_create(
                subject=PersonDetails(given_name=data["name"], date_of_birth=data.get("date_of_birth")),
                what=WhatHappened(
                    abuse_types=list(data.get("abuse_types") or []),
                    latest_incident_summary=data["in_your_own_words"],
                ),
                contact=SafeContact(
                    safe_to_call=data["safe_to_call"],
                    safe_to_text=data["safe_to_text"],
                    safe_to_voicemail=data["safe_to_voicemail"],
                    safe_to_write=data["safe_to_write"],
                    phone=data.get("phone", ""),
                    email=data.get("email", ""),
                    instructions=data.get("instructions", ""),
                ),
            )
            return redirect("selfreferral:thanks")
    else:
        form = SelfReferralForm()
    return render(request, "selfreferral/start.html", _context(form=form))


@public
@no_store
@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    """The same page for everyone: it says nothing about what anyone sent."""
    from django.utils import timezone

    from waymark.core.dates import add_working_days

    # The service standard's first-contact target (settings.CASES_FIRST_CONTACT_WORKING_DAYS).
    contact_by = add_working_days(timezone.localdate(), settings.CASES_FIRST_CONTACT_WORKING_DAYS)
    return render(request, "selfreferral/thanks.html", _context(contact_by=contact_by))
