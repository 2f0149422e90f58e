"""The provision map (providers, their services and contracts, who pays), a contract, and the
public service directory export. Commissioners and the partnership lead only; every page audits
a VIEW and the export an EXPORT."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.commissioning.access import PROVISION_ROLES, get_contract_for_user
from waymark.commissioning.directory import directory
from waymark.commissioning.hooks import alert_days, contracts_ending_soon
from waymark.commissioning.models import Contract, ProvidedService
from waymark.core.access import signed_in


@signed_in(*PROVISION_ROLES)
@require_GET
def provision(request: HttpRequest) -> HttpResponse:
    services = list(
        ProvidedService.objects.visible_to(request.user)
        .select_related("provider_agency")
        .prefetch_related("contracts__funding__funder_agency", "catalogue_services")
    )
    by_provider: dict[str, list[ProvidedService]] = defaultdict(list)
    for service in services:
        by_provider[service.provider].append(service)
    providers = sorted(by_provider.items())
    page = Paginator(providers, 25).get_page(request.GET.get("page"))
    contracts = Paginator(
        Contract.objects.visible_to(request.user)
        .select_related("provider_agency")
        .prefetch_related("funding__funder_agency", "services"),
        50,
    ).get_page(request.GET.get("contracts_page"))
    audit_record(actor=request.user, action=AuditAction.VIEW, object_type="commissioning:provision", detail={})
    return render(
        request,
        "commissioning/provision.html",
        {
            "page": page,
            "contracts": contracts,
            "ending": list(contracts_ending_soon(request.user)),
            "alert_days": alert_days(),
            "today": timezone.localdate(),
        },
    )


@signed_in(*PROVISION_ROLES)
@require_GET
def contract(request: HttpRequest, pk: Any) -> HttpResponse:
    item = get_contract_for_user(request.user, pk)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=item, detail={"page": "contract"})
    return render(
        request,
        "commissioning/contract.html",
        {
            "contract": item,
            "services": item.services.select_related("provider_agency"),
            "funding": item.funding.select_related("funder_agency"),
            "today": timezone.localdate(),
            "alert_days": alert_days(),
        },
    )


def _directory_json(services: Any) -> str:
    return json.dumps({"services": directory(services)}, indent=2, ensure_ascii=False)


@signed_in(*PROVISION_ROLES)
@require_GET
def directory_export(request: HttpRequest) -> HttpResponse:
    """The public directory (Open Referral UK JSON): published services, never a confidential location."""
    services = ProvidedService.objects.visible_to(request.user).filter(published=True)
    body = _directory_json(services)
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="commissioning:directory",
        detail={"format": "open-referral-uk-json", "services": services.count()},
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="service-directory-open-referral-uk.json"'
    return response
