"""Demo provision map: the seed briefing's council-commissioned DA service and the other VAWG
provision it names, with who delivers and who pays (seed 000, sections 3.3, 4 and 5).

Contract values are not in the briefing, so none is invented: they show as "Not recorded". The
main DA contract ran July 2015 to October 2019 (re-procured in 2018/19); the re-procured
contract's dates are illustrative (the briefing gives none), set so the contract-ending alert
shows in the demo. Idempotent: records are keyed by code and reference.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from waymark.commissioning.actions import Funding, contract_record, service_record
from waymark.organisations.models import Agency

LABEL = "seed_demo"
MOPAC = "Mayor's Office for Policing and Crime (MOPAC)"
HOME_OFFICE = "Home Office"

# (code, name, provider agency ref or "", provider name, flags, catalogue codes, description)
SERVICES: list[tuple[str, str, str, str, dict[str, bool], list[str], str]] = [
    (
        "sass-advocacy",
        "Advocacy and IDVA service",
        "SASS",
        "",
        {},
        ["advocacy", "idva", "police_mash_idva"],
        "Emotional and practical support, risk assessment, safety planning and advocacy, with IDVAs co-located "
        "with the police and the MASH.",
    ),
    (
        "sass-sanctuary",
        "Sanctuary scheme",
        "SASS",
        "",
        {},
        ["sanctuary"],
        "Safety measures so people can stay safely in their own home.",
    ),
    (
        "sass-recovery",
        "Counselling, awareness and peer support",
        "SASS",
        "",
        {},
        ["awareness_resilience", "counselling", "peer_support", "survivors_voice"],
        "Specialist counselling, awareness and resilience programmes, peer supporters and the Women's Voices group.",
    ),
    (
        "sass-legal",
        "Legal surgery",
        "SASS",
        "",
        {},
        ["legal_support"],
        "Qualified solicitors: non-molestation, occupation and child arrangements orders.",
    ),
    (
        "sass-children",
        "Children's therapeutic service",
        "SASS",
        "",
        {"children": True},
        [],
        "One-to-one play and arts based therapeutic support for children.",
    ),
    (
        "sass-perpetrator",
        "Perpetrator programme",
        "SASS",
        "",
        {"perpetrators": True},
        [],
        "A 26-week programme for people who want to address their behaviour.",
    ),
    ("sass-iris", "IRIS (GP-based)", "SASS", "", {}, ["iris"], "Training and referral support for GP practices."),
    (
        "sass-housing-idva",
        "Housing co-located IDVA",
        "SASS",
        "",
        {},
        ["housing_idva"],
        "An IDVA in Housing Solutions five days a week: housing advice and advocacy for people fleeing abuse.",
    ),
    (
        "sass-youth-idva",
        "Youth IDVAs in major trauma centres",
        "SASS",
        "",
        {"children": True},
        ["youth_idva"],
        "Four youth IDVAs seconded to Redthread in London's major trauma centres.",
    ),
    (
        "refuge",
        "Refuge",
        "REF",
        "",
        {"confidential_location": True, "children": True},
        ["refuge"],
        "24 units for women and their children across four safe houses on three sites.",
    ),
    (
        "yuva",
        "YUVA",
        "YUVA",
        "",
        {"children": True, "perpetrators": True},
        [],
        "For young people using or experiencing violence in close relationships.",
    ),
    (
        "sher",
        "SHER (Safe, Healthy and Equal Relationships)",
        "",
        "Bede House",
        {"children": True},
        [],
        "A healthy relationships programme in schools.",
    ),
    (
        "starfish",
        "Starfish project",
        "",
        "Bede House",
        {},
        ["starfish"],
        "Two IDVAs and a support worker for people experiencing domestic abuse.",
    ),
    (
        "project-mia",
        "Project Mia",
        "",
        "Project Mia",
        {},
        ["project_mia"],
        "Work with hard to engage, high-risk survivors whose children are on a child protection plan.",
    ),
    (
        "dauntless",
        "Operation Dauntless perpetrator work",
        "",
        "Operation Dauntless partnership",
        {"perpetrators": True},
        [],
        "A systematic approach to the most prolific perpetrators of domestic abuse.",
    ),
    (
        "vs-idva-isva",
        "Victim Support IDVA and ISVA service",
        "VSS",
        "",
        {},
        ["victim_support_idva"],
        "IDVAs and independent sexual violence advocates for the borough.",
    ),
    (
        "hospital-idva",
        "Hospital IDVAs (King's)",
        "VSS",
        "",
        {},
        ["hospital_idva"],
        "Two IDVAs co-located five days a week at the hospital.",
    ),
    (
        "reach-ed-idva",
        "Emergency department IDVA (REACH)",
        "",
        "REACH",
        {},
        ["emergency_department_idva"],
        "IDVA provision in the St Thomas' emergency department.",
    ),
    (
        "mozaic",
        "Maternity IDVA service (MOZAIC)",
        "",
        "MOZAIC",
        {},
        ["maternity_idva"],
        "Support, advice and risk assessment for maternity service users, and training for staff.",
    ),
]

# (reference, title, provider ref, provider name, services, funders, start, end, extension, notes)
CONTRACTS = [
    (
        "DA-2015-01",
        "Southmere Advocacy and Support Service (main DA contract)",
        "SASS",
        "",
        [
            "sass-advocacy",
            "sass-sanctuary",
            "sass-recovery",
            "sass-legal",
            "sass-children",
            "sass-perpetrator",
            "sass-iris",
            "sass-youth-idva",
        ],
        [Funding(funder_name="Southmere Council (pooled VAWG budget)", pooled=True)],
        date(2015, 7, 1),
        date(2019, 10, 31),
        "",
        "Outcomes-based contract awarded July 2015; re-procured during 2018/19 (seed briefing 3.3 and 4.6).",
    ),
    (
        "HSG-2018-01",
        "Housing co-located IDVA",
        "SASS",
        "",
        ["sass-housing-idva"],
        [Funding(funder_agency="SHS")],
        date(2018, 2, 1),
        None,
        "",
        "Funded by Housing since February 2018.",
    ),
    (
        "VAWG-REF",
        "Refuge provision",
        "REF",
        "",
        ["refuge"],
        [Funding(funder_name="Southmere Council")],
        None,
        None,
        "",
        "",
    ),
    (
        "VAWG-YUVA",
        "YUVA young people's service",
        "YUVA",
        "",
        ["yuva"],
        [Funding(funder_name="Southmere Council")],
        None,
        None,
        "",
        "",
    ),
    (
        "VAWG-SHER",
        "SHER schools programme",
        "",
        "Bede House",
        ["sher"],
        [Funding(funder_name="Southmere Council")],
        None,
        None,
        "",
        "",
    ),
    (
        "HO-MIA",
        "Project Mia",
        "",
        "Project Mia",
        ["project-mia"],
        [Funding(funder_name=HOME_OFFICE)],
        None,
        None,
        "",
        "",
    ),
    (
        "HO-DAUNTLESS",
        "Perpetrator programme (Operation Dauntless)",
        "",
        "Operation Dauntless partnership",
        ["dauntless"],
        [Funding(funder_name=HOME_OFFICE)],
        None,
        None,
        "",
        "",
    ),
    (
        "MOPAC-VS",
        "Victim Support IDVA and ISVA service",
        "VSS",
        "",
        ["vs-idva-isva"],
        [Funding(funder_name=MOPAC)],
        None,
        None,
        "",
        "Commissioned outside the council.",
    ),
]


def build_provision() -> int:
    """Loads the demo provision map; returns the number of contracts."""
    from waymark.support.catalogue import SPECIALIST_SERVICE
    from waymark.support.models import Service

    agencies = {a.ref: a for a in Agency.objects.all()}
    if "SASS" in agencies:  # the catalogue's "specialist service" is the SASS agency in the demo
        Service.objects.filter(provider_agency__isnull=True, provider_name=SPECIALIST_SERVICE).update(
            provider_agency=agencies["SASS"]
        )
    catalogue = {s.code: s for s in Service.objects.all()}
    services = {}
    for code, name, ref, provider_name, flags, catalogue_codes, description in SERVICES:
        agency = agencies.get(ref) if ref else None
        extra = {}
        if flags.get("confidential_location"):
            extra = {"address_line1": "Demo safe house (never shown)", "town": "Southmere", "postcode": "SE0 0RF"}
        services[code] = service_record(
            actor=None,
            actor_label=LABEL,
            code=code,
            name=name,
            description=description,
            provider_agency=agency,
            provider_name="" if agency else (provider_name or ref),
            area="Southmere borough",
            catalogue_services=[catalogue[c] for c in catalogue_codes if c in catalogue],
            **{flag: True for flag in flags},
            **extra,
        )
    today = timezone.localdate()
    contracts = [*CONTRACTS]
    contracts.append(
        (
            "DA-2019-01",
            "Domestic abuse service (re-procured)",
            "SASS",
            "",
            [
                "sass-advocacy",
                "sass-sanctuary",
                "sass-recovery",
                "sass-legal",
                "sass-children",
                "sass-perpetrator",
                "sass-iris",
                "sass-youth-idva",
            ],
            [Funding(funder_name="Southmere Council (pooled VAWG budget)", pooled=True)],
            date(2019, 11, 1),
            today + timedelta(days=200),
            "One year, once",
            "Demo: the briefing says the service was re-procured in 2018/19; these dates are illustrative.",
        )
    )
    for reference, title, ref, provider_name, codes, funding, starts, ends, extension, notes in contracts:
        agency = agencies.get(ref) if ref else None
        contract_record(
            actor=None,
            actor_label=LABEL,
            reference=reference,
            title=title,
            provider_agency=agency,
            provider_name="" if agency else (provider_name or ref),
            services=[services[c] for c in codes],
            funding=[
                Funding(
                    funder_agency=agencies.get(f.funder_agency) if isinstance(f.funder_agency, str) else None,
                    funder_name=f.funder_name
                    or ("" if agencies.get(str(f.funder_agency)) else str(f.funder_agency or "")),
                    pooled=f.pooled,
                )
                for f in funding
            ],
            starts_on=starts,
            ends_on=ends,
            extension_options=extension,
            notes=notes,
        )
    return len(contracts)
