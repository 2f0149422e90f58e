"""The public service directory in Open Referral UK shape (the government-recommended standard
for directories of services: HSDS with the UK profile), as JSON.

One object per published service: ``id``, ``name``, ``description``, ``url``, ``email``,
``status``, ``organization``, ``contacts`` (with ``phones``), ``service_areas``,
``eligibilitys``, ``service_taxonomys`` (the domestic abuse flags, vocabulary ``waymark-da``) and
``service_at_locations``.

A service with a **confidential location** (a refuge, a safe house) never has a location in the
directory: no address, no postcode, no town; it says only the area it serves. Its address is
not read at all here: only the fields of ``_PUBLIC_FIELDS`` are loaded from the database.
"""

from __future__ import annotations

from typing import Any

from waymark.commissioning.models import ProvidedService

VOCABULARY = "waymark-da"
FLAGS = (
    ("by_and_for", "By and for"),
    ("nrpf", "No recourse to public funds"),
    ("children", "Children and young people"),
    ("perpetrators", "Work with people who cause harm"),
    ("confidential_location", "Confidential location"),
)
_PUBLIC_FIELDS = [
    "id",
    "code",
    "name",
    "description",
    "provider_agency__id",
    "provider_agency__name",
    "provider_name",
    "area",
    "public_phone",
    "public_email",
    "website",
    *[flag for flag, _ in FLAGS],
]


def _location(service: ProvidedService) -> list[dict[str, Any]]:
    if service.confidential_location or not (service.address_line1 or service.postcode):
        return []
    return [
        {
            "id": f"{service.code}-location",
            "location": {
                "id": f"{service.code}-location",
                "name": service.name,
                "physical_addresses": [
                    {
                        "address_1": service.address_line1,
                        "city": service.town,
                        "postal_code": service.postcode,
                        "country": "GB",
                    }
                ],
            },
        }
    ]


def directory(services: Any = None) -> list[dict[str, Any]]:
    """Every published service as an Open Referral UK service object."""
    queryset = ProvidedService.objects.filter(published=True) if services is None else services
    rows = list(queryset.order_by("name").values(*_PUBLIC_FIELDS))
    # Addresses only for the services that may show one: a confidential service's is never read.
    open_ids = [row["id"] for row in rows if not row["confidential_location"]]
    located = {s.pk: s for s in ProvidedService.objects.filter(pk__in=open_ids)}
    out = []
    for row in rows:
        organisation_name = row["provider_agency__name"] or row["provider_name"]
        organisation_id = f"agency-{row['provider_agency__id']}" if row["provider_agency__id"] else f"org-{row['code']}"
        item: dict[str, Any] = {
            "id": row["code"],
            "name": row["name"],
            "description": row["description"],
            "url": row["website"],
            "email": row["public_email"],
            "status": "active",
            "organization": {"id": organisation_id, "name": organisation_name},
            "contacts": [
                {"id": f"{row['code']}-contact", "name": row["name"], "phones": [{"number": row["public_phone"]}]}
            ]
            if row["public_phone"]
            else [],
            "service_areas": [{"id": f"{row['code']}-area", "service_area": row["area"]}] if row["area"] else [],
            "eligibilitys": [{"id": f"{row['code']}-eligibility", "eligibility": "Children and young people"}]
            if row["children"]
            else [],
            "service_taxonomys": [
                {"id": f"{row['code']}-{flag}", "taxonomy": {"id": flag, "name": label, "vocabulary": VOCABULARY}}
                for flag, label in FLAGS
                if row[flag]
            ],
            "service_at_locations": _location(located[row["id"]]) if row["id"] in located else [],
        }
        out.append(item)
    return out
