"""Survivor feedback pages: the worker's "give a feedback link" (on a case at or after closure, and on
a fitted sanctuary), and the survivor's public survey (no sign-in, "Exit this page", nothing cached,
the same page for an unknown, used or expired link).

The survivor's pages are read on her phone, perhaps by someone else: they name no service, no
provider, no partnership and no kind of support (no "abuse", "refuge", "sanctuary"), and look the
same whatever the link was given for. Which service the answers are about is known only from the
token, server-side (``templates/feedback/base.html``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from waymark.commissioning.feedback import (
    QUESTIONS,
    LinkUnavailable,
    feedback_link_give,
    feedback_submit,
    link_days,
    open_link,
    services_of,
)
from waymark.commissioning.models import FeedbackKind
from waymark.core.access import public, signed_in
from waymark.core.roles import Role
from waymark.web.actions import run_action
from waymark.web.forms import ButtonForm

if TYPE_CHECKING:
    from waymark.accounts.models import User

CASE_ROLES = (Role.CASEWORKER, Role.TEAM_MANAGER)
SANCTUARY_ROLES = (Role.SANCTUARY_COORDINATOR, Role.HOUSING_OFFICER, Role.CASEWORKER)


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


def _no_store(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Uncacheable (NoStoreMiddleware): neither the link nor the answers stay on a shared computer."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.waymark_no_store = True  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapped


# --- The worker's side ----------------------------------------------------------------------------


def case_may_give(user: User, case: Any) -> bool:
    """At or after closure, by the case's own agency's caseworkers and team managers."""
    from waymark.cases.states import CaseStatus

    agencies = set(user.agencies_with_role(Role.CASEWORKER)) | set(user.agencies_with_role(Role.TEAM_MANAGER))
    return case.agency_id in agencies and case.status in (CaseStatus.CLOSURE_REQUESTED, CaseStatus.CLOSED)


def sanctuary_may_give(user: User, sanctuary: Any) -> bool:
    """Once the measures are fitted, by the scheme's coordinators or the survivor's own workers."""
    from waymark.refuge import access

    if not sanctuary.fitted_on:
        return False
    return access.can_coordinate(user, sanctuary) or access.can_see_sanctuary_address(user, sanctuary)


def _give(
    request: HttpRequest, *, about: Any, kind: str, provider: Any, back: str, back_label: str, allowed: bool
) -> HttpResponse:
    user = _user(request)
    services = list(services_of(provider.pk)) if provider is not None else []
    context: dict[str, Any] = {
        "about": about,
        "kind": kind,
        "kind_label": FeedbackKind(kind).label.lower(),
        "provider": provider,
        "services": services,
        "back": back,
        "back_label": back_label,
        "allowed": allowed,
        "days": link_days(),
        "questions": QUESTIONS,
    }
    if request.method == "POST":
        if not allowed:
            context["error"] = (
                "A feedback link can be given once the sanctuary measures are fitted, by the scheme's coordinators "
                "or the survivor's own workers."
                if kind == FeedbackKind.SANCTUARY
                else "A feedback link can be given at or after the end of support, by the case's own agency."
            )
            return render(request, "commissioning/feedback_give.html", context, status=400)
        chosen = request.POST.get("service", "")
        service = next((s for s in services if str(s.pk) == chosen), None)
        if services and service is None:
            context["error"] = "Choose which service the feedback is about"
            return render(request, "commissioning/feedback_give.html", context, status=400)
        button = ButtonForm(request.POST)
        given = run_action(
            button,
            lambda _: feedback_link_give(
                actor=user, kind=kind, about=about, provider_id=provider.pk if provider else None, service=service
            ),
        )
        if given is None:
            context["error"] = "; ".join(str(problem) for problem in button.non_field_errors())
            return render(request, "commissioning/feedback_give.html", context, status=400)
        token, expires_on = given
        context.update(
            {
                "link": request.build_absolute_uri(reverse("feedback:survey", args=[token])),
                "expires_on": expires_on,
                "service": service,
            }
        )
    return render(request, "commissioning/feedback_give.html", context)


@signed_in(*CASE_ROLES)
@_no_store
@require_http_methods(["GET", "POST"])
def case_link(request: HttpRequest, case_id: Any) -> HttpResponse:
    from waymark.cases.access import get_case_for_user

    case = get_case_for_user(_user(request), case_id, page="feedback link")
    return _give(
        request,
        about=case,
        kind=FeedbackKind.END_OF_SUPPORT,
        provider=case.agency,
        back=reverse("cases:detail", args=[case.pk]),
        back_label=f"Back to case {case.number}",
        allowed=case_may_give(_user(request), case),
    )


@signed_in(*SANCTUARY_ROLES)
@_no_store
@require_http_methods(["GET", "POST"])
def sanctuary_link(request: HttpRequest, sanctuary_id: Any) -> HttpResponse:
    from waymark.refuge.access import get_sanctuary_for_user

    sanctuary = get_sanctuary_for_user(_user(request), sanctuary_id, detail={"page": "feedback link"})
    return _give(
        request,
        about=sanctuary,
        kind=FeedbackKind.SANCTUARY,
        provider=sanctuary.scheme_agency,
        back=reverse("refuge:sanctuary", args=[sanctuary.pk]),
        back_label=f"Back to sanctuary {sanctuary.number}",
        allowed=sanctuary_may_give(_user(request), sanctuary),
    )


# --- The survivor's side --------------------------------------------------------------------------


def _public_context(**extra: Any) -> dict[str, Any]:
    # The header names the partnership ("... Domestic Abuse Partnership") and the title the product
    # on every other page: here, neither (the view's context is read before the context processor's).
    return {"exit_url": settings.SELFREFERRAL_EXIT_URL, "partnership_name": "", "service_name": "", **extra}


def _unavailable(request: HttpRequest) -> HttpResponse:
    """One page, one status, for a link that never existed, was used or has lapsed: no oracle."""
    return render(request, "feedback/unavailable.html", _public_context(), status=404)


@public
@_no_store
@csrf_protect
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    if open_link(token) is None:
        return _unavailable(request)
    questions = [
        {
            "key": q.key,
            "text": q.text,
            "choices": q.choices,
            "value": request.POST.get(q.key, "") if request.method == "POST" else "",
        }
        for q in QUESTIONS
    ]
    error = ""
    if request.method == "POST":
        button = ButtonForm(request.POST)
        answers = {q.key: request.POST.get(q.key, "") for q in QUESTIONS}
        try:
            if run_action(button, lambda _: feedback_submit(token=token, answers=answers)) is not None:
                return redirect("feedback:thanks")
        except LinkUnavailable:  # used or lapsed since the page was shown
            return _unavailable(request)
        error = "; ".join(str(problem) for problem in button.non_field_errors())
    return render(
        request,
        "feedback/survey.html",
        _public_context(questions=questions, error=error),
        status=400 if error else 200,
    )


@public
@_no_store
@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "feedback/thanks.html", _public_context())
