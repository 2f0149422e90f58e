"""Writes to the provision map: each validated before anything is saved, atomic, and audited in
the same transaction. Locations are never written to the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from waymark.accounts.models import User
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.commissioning.models import Contract, ContractFunding, ProvidedService
from waymark.core import locationscan


@dataclass(frozen=True)
class Funding:
    funder_agency: Any = None
    funder_name: str = ""
    amount: Decimal | None = None
    pooled: bool = False


# What the directory publishes of a service whose location is confidential (a refuge): its
# name, description and area go to the public and to every partner, so none of them may say where
# it is. Refused, never warned about: nothing in these fields needs an address.
PUBLISHED_TEXT = {"name": "The service's name", "description": "The description", "area": "The area it serves"}


def _refuse_locating_text(values: dict[str, str]) -> None:
    errors = {}
    for field_name, value in values.items():
        kinds = sorted({finding.kind for finding in locationscan.located(value)})
        if kinds:
            errors[field_name] = (
                f"{PUBLISHED_TEXT[field_name]} must not include a {' or a '.join(kinds)}: the service's "
                "location is confidential, and the directory publishes this text"
            )
    if errors:
        raise ValidationError(errors)


def service_record(
    *, actor: User | None, code: str, name: str, actor_label: str = "", **fields: Any
) -> ProvidedService:
    """Create or update the service ``code``; catalogue services given as ``catalogue_services``."""
    catalogue = fields.pop("catalogue_services", None)
    if not name.strip():
        raise ValidationError({"name": "Enter the service's name"})
    if not fields.get("provider_agency") and not fields.get("provider_name", "").strip():
        raise ValidationError({"provider_name": "Say who provides the service"})
    confidential = fields.get(
        "confidential_location",
        ProvidedService.objects.filter(code=code).values_list("confidential_location", flat=True).first() or False,
    )
    if confidential:
        _refuse_locating_text(
            {"name": name, "description": fields.get("description", ""), "area": fields.get("area", "")}
        )
    with transaction.atomic():
        service, created = ProvidedService.objects.update_or_create(code=code, defaults={"name": name, **fields})
        if catalogue is not None:
            service.catalogue_services.set(catalogue)
        audit_record(
            actor=actor,
            actor_label=actor_label,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=service,
            detail={"page": "provision", "confidential_location": service.confidential_location},
        )
    return service


def contract_record(
    *,
    actor: User | None,
    reference: str,
    title: str,
    services: list[ProvidedService],
    funding: list[Funding],
    starts_on: date | None = None,
    ends_on: date | None = None,
    actor_label: str = "",
    **fields: Any,
) -> Contract:
    """Create or update the contract ``reference`` with its services and funders (replaced)."""
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Enter the contract's title"
    if not fields.get("provider_agency") and not fields.get("provider_name", "").strip():
        errors["provider_name"] = "Say who delivers the contract"
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = "The end date must be the same as or after the start date"
    extendable = fields.get("extendable_until")
    if extendable and ends_on and extendable < ends_on:
        errors["extendable_until"] = "An extension must end after the contract's end date"
    if fields.get("value") is not None and fields["value"] < 0:
        errors["value"] = "The value cannot be negative"
    for item in funding:
        if not item.funder_agency and not item.funder_name.strip():
            errors["funding"] = "Name every funder"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        contract, created = Contract.objects.update_or_create(
            reference=reference, defaults={"title": title, "starts_on": starts_on, "ends_on": ends_on, **fields}
        )
        contract.services.set(services)
        contract.funding.all().delete()
        ContractFunding.objects.bulk_create(
            ContractFunding(
                contract=contract,
                funder_agency=item.funder_agency,
                funder_name=item.funder_name,
                amount=item.amount,
                pooled=item.pooled,
            )
            for item in funding
        )
        audit_record(
            actor=actor,
            actor_label=actor_label,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=contract,
            detail={"page": "provision", "services": len(services), "funders": len(funding)},
        )
    return contract
