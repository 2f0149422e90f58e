"""Case pages: the case itself, a caseworker's caseload and a team manager's caseload."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.cases.access import get_case_for_user
from waymark.cases.sections import sections_for
from waymark.core.access import signed_in
from waymark.organisations.roles import Role

CASE_ROLES = (Role.CASEWORKER, Role.TEAM_MANAGER)


def _rendered_sections(request: HttpRequest, case: object) -> list[str]:
    """Each registered section, rendered with its builder's context and the case."""
    return [
        render_to_string(template, {**context, "case": case}, request=request)
        for template, context in sections_for(request.user, case)
    ]


@signed_in(*CASE_ROLES)
@require_GET
def detail(request: HttpRequest, case_id: str) -> HttpResponse:
    case = get_case_for_user(request.user, case_id)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=case, detail={"page": "case"})
    return render(request, "cases/detail.html", {"case": case, "sections": _rendered_sections(request, case)})
