"""The per-record access log page."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, cast

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.core.access import signed_in
from waymark.dataprotection.access import ACCESS_LOG_ROLES, person_for_access_log
from waymark.dataprotection.selectors import agency_names, viewers_of_person

if TYPE_CHECKING:
    from waymark.accounts.models import User

PAGE_SIZE = 50


@signed_in(*ACCESS_LOG_ROLES)
def access_log(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    user = cast("User", request.user)
    person = person_for_access_log(user, person_id)
    page = Paginator(viewers_of_person(person_id), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    names = agency_names(rows)
    for row in rows:
        row["agency"] = names.get(row["actor_agency_id"], "")
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="people.person",
        object_id=str(person_id),
        detail={"section": "access log", "page": page.number},
    )
    return render(
        request,
        "dataprotection/access_log.html",
        {"person": person, "person_id": person_id, "page": page, "rows": rows},
    )
