"""The demo partnership: a fictional London borough, Southmere, modelled on the seed briefing's.

Everything is deterministic so that screenshots, tests and the printed logins are the same on
every machine. Names of people are invented; email addresses use the reserved .example domain.
"""

from __future__ import annotations

import base64
import hashlib
import random
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction

from waymark.accounts.models import User
from waymark.core.roles import Role
from waymark.organisations.models import Agency, AgencyKind, Membership, Team

DEMO_SEED = 20131

# (ref, name, kind, [teams])
AGENCIES: list[tuple[str, str, AgencyKind, list[str]]] = [
    (
        "SMP",
        "Southmere Police Community Safety Unit",
        AgencyKind.POLICE,
        ["Community Safety Unit", "Response"],
    ),
    (
        "SHS",
        "Southmere Council Housing Solutions",
        AgencyKind.HOUSING,
        ["Housing Solutions", "Tenancy Panel"],
    ),
    (
        "SCSC",
        "Southmere Children's Social Care (MASH)",
        AgencyKind.CHILDRENS_SOCIAL_CARE,
        ["MASH", "Child Protection"],
    ),
    (
        "SASC",
        "Southmere Adults' Social Care",
        AgencyKind.ADULTS_SOCIAL_CARE,
        ["Safeguarding Adults"],
    ),
    (
        "SASS",
        "Southmere Advocacy and Support Service (Harbour Women's Aid)",
        AgencyKind.DA_SPECIALIST,
        ["IDVA Team", "Advocacy Team", "Perpetrator Programme", "Children and Young People", "Sanctuary Scheme"],
    ),
    (
        "KCH",
        "King's Cross Hospital NHS Foundation Trust",
        AgencyKind.HEALTH_ACUTE,
        ["Hospital IDVA", "Emergency Department"],
    ),
    (
        "GST",
        "Guy's and St Thomas' Style Maternity Services",
        AgencyKind.HEALTH_ACUTE,
        ["Maternity Safeguarding"],
    ),
    ("GPB", "Bermondsey Road GP Practice", AgencyKind.HEALTH_PRIMARY, ["Practice Team"]),
    ("GPP", "Peckham Rye Medical Centre", AgencyKind.HEALTH_PRIMARY, ["Practice Team"]),
    ("NPS", "Probation Service (Southmere)", AgencyKind.PROBATION, ["Offender Management"]),
    ("YUVA", "Southmere Young People's Service", AgencyKind.VOLUNTARY, ["Young People's Service"]),
    ("REF", "Harbour Refuge", AgencyKind.DA_SPECIALIST, ["Refuge Workers"]),
    ("CGL", "Southmere Substance Misuse Service", AgencyKind.SUBSTANCE_MISUSE, ["Recovery Team"]),
    ("VSS", "Victim Support Southmere", AgencyKind.IDVA_SERVICE, ["IDVA and ISVA Service"]),
    (
        "SLAM",
        "South London Mental Health Trust",
        AgencyKind.MENTAL_HEALTH,
        ["Community Mental Health"],
    ),
    (
        "SCS",
        "Southmere Council Community Safety and Partnerships",
        AgencyKind.OTHER,
        [
            "Community Safety",
            "MARAC Coordination",
            "Commissioning",
            "Information Governance",
            "Digital Services",
        ],
    ),
]


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    job_title: str
    memberships: tuple[tuple[str, str, Role], ...]  # (agency ref, team name, role)


DEMO_USERS: list[DemoUser] = [
    DemoUser(
        "amara.okafor@sass.example",
        "Amara Okafor",
        "IDVA",
        (("SASS", "IDVA Team", Role.CASEWORKER),),
    ),
    DemoUser(
        "hannah.price@sass.example",
        "Hannah Price",
        "Advocacy caseworker",
        (("SASS", "Advocacy Team", Role.CASEWORKER),),
    ),
    DemoUser(
        "grace.mensah@sass.example",
        "Grace Mensah",
        "IDVA team manager",
        (("SASS", "IDVA Team", Role.TEAM_MANAGER), ("SASS", "Advocacy Team", Role.TEAM_MANAGER)),
    ),
    DemoUser(
        "daniel.hughes@police.example",
        "PC Daniel Hughes",
        "Police constable",
        (("SMP", "Response", Role.REFERRER),),
    ),
    DemoUser(
        "priya.shah@childrens.example",
        "Priya Shah",
        "Social worker",
        (("SCSC", "MASH", Role.REFERRER),),
    ),
    DemoUser(
        "sarah.collins@gp.example",
        "Dr Sarah Collins",
        "GP (IRIS champion)",
        (("GPB", "Practice Team", Role.REFERRER),),
    ),
    DemoUser(
        "lucy.barnes@council.example",
        "Lucy Barnes",
        "MARAC coordinator",
        (("SCS", "MARAC Coordination", Role.MARAC_COORDINATOR),),
    ),
    DemoUser(
        "mark.turner@police.example",
        "DS Mark Turner",
        "Detective sergeant, MARAC representative",
        (
            ("SMP", "Community Safety Unit", Role.MARAC_REPRESENTATIVE),
            ("SMP", "Community Safety Unit", Role.REFERRER),
        ),
    ),
    DemoUser(
        "nadia.rahman@housing.example",
        "Nadia Rahman",
        "Tenancy services manager (chairs the DA tenancy panel)",
        (("SHS", "Tenancy Panel", Role.TENANCY_PANEL_MEMBER),),
    ),
    DemoUser(
        "helen.ward@housing.example",
        "Helen Ward",
        "Housing officer and MARAC representative",
        (
            ("SHS", "Housing Solutions", Role.HOUSING_OFFICER),
            ("SHS", "Housing Solutions", Role.MARAC_REPRESENTATIVE),
        ),
    ),
    DemoUser(
        "tom.reid@sass.example",
        "Tom Reid",
        "Perpetrator programme facilitator",
        (("SASS", "Perpetrator Programme", Role.PERPETRATOR_WORKER),),
    ),
    DemoUser(
        "eva.morales@council.example",
        "Eva Morales",
        "Community safety commissioner",
        (("SCS", "Commissioning", Role.COMMISSIONER),),
    ),
    DemoUser(
        "lisa.nunes@council.example",
        "Lisa Nunes",
        "VAWG partnership lead",
        (("SCS", "Community Safety", Role.PARTNERSHIP_LEAD),),
    ),
    # The partnership's training, peer support and VAWG action plan (waymark/training, waymark/strategy).
    DemoUser(
        "ruth.okonjo@council.example",
        "Ruth Okonjo",
        "DA training coordinator",
        (("SCS", "Community Safety", Role.TRAINING_COORDINATOR),),
    ),
    DemoUser(
        "maya.lindqvist@sass.example",
        "Maya Lindqvist",
        "Peer-support coordinator",
        (("SASS", "Advocacy Team", Role.PEER_SUPPORT_COORDINATOR),),
    ),
    DemoUser(
        "claire.dawson@police.example",
        "Inspector Claire Dawson",
        "Police inspector, VAWG action owner",
        (("SMP", "Community Safety Unit", Role.REFERRER),),
    ),
    DemoUser(
        "sam.patel@council.example",
        "Sam Patel",
        "System administrator",
        (("SCS", "Digital Services", Role.SYSTEM_ADMINISTRATOR),),
    ),
    # A second administrator: privileged grants and exports that locate people need two keys.
    DemoUser(
        "lena.morris@council.example",
        "Lena Morris",
        "System administrator (the second key)",
        (("SCS", "Digital Services", Role.SYSTEM_ADMINISTRATOR),),
    ),
    DemoUser(
        "joan.fletcher@council.example",
        "Joan Fletcher",
        "Information governance auditor",
        (("SCS", "Information Governance", Role.AUDITOR),),
    ),
    DemoUser(
        "nadia.brooks@refuge.example",
        "Nadia Brooks",
        "Refuge worker",
        (("REF", "Refuge Workers", Role.REFUGE_WORKER),),
    ),
    DemoUser(
        "omar.haddad@sass.example",
        "Omar Haddad",
        "Sanctuary scheme coordinator",
        (("SASS", "Sanctuary Scheme", Role.SANCTUARY_COORDINATOR),),
    ),
    DemoUser(
        "kofi.asante@council.example",
        "Kofi Asante",
        "Data protection officer (subject access requests, retention)",
        (("SCS", "Information Governance", Role.DATA_PROTECTION_OFFICER),),
    ),
]

_WORDS = [
    "harbour",
    "lantern",
    "meadow",
    "orchard",
    "compass",
    "beacon",
    "willow",
    "granite",
    "saffron",
    "kestrel",
    "thistle",
    "juniper",
    "copper",
    "marble",
    "heather",
    "falcon",
]


def demo_password(email: str) -> str:
    """A memorable, deterministic password for a demo user (demo data only)."""
    rng = random.Random(f"{DEMO_SEED}:{email}")  # noqa: S311 (demo data, not security)
    return f"{rng.choice(_WORDS)}-{rng.choice(_WORDS)}-{rng.randint(1000, 9999)}"


def demo_totp_secret(email: str) -> str:
    """A deterministic TOTP secret, so `make totp USER=...` can print the current code."""
    digest = hashlib.sha256(f"waymark-demo-totp:{email}".encode()).digest()[:20]
    return base64.b32encode(digest).decode("ascii")


@transaction.atomic
def build_partnership() -> list[tuple[DemoUser, str]]:
    """Creates (or brings up to date) the demo agencies, teams and users; returns logins."""
    agencies: dict[str, Agency] = {}
    teams: dict[tuple[str, str], Team] = {}
    for ref, name, kind, team_names in AGENCIES:
        agency, _ = Agency.objects.update_or_create(ref=ref, defaults={"name": name, "kind": kind})
        agencies[ref] = agency
        for team_name in team_names:
            teams[(ref, team_name)], _ = Team.objects.get_or_create(agency=agency, name=team_name)

    logins = []
    for demo in DEMO_USERS:
        password = demo_password(demo.email)
        user, created = User.objects.get_or_create(
            email=demo.email, defaults={"full_name": demo.full_name, "job_title": demo.job_title}
        )
        if created:
            user.set_password(password)
            user.save()
        for agency_ref, team_name, role in demo.memberships:
            Membership.objects.get_or_create(
                user=user,
                agency=agencies[agency_ref],
                team=teams[(agency_ref, team_name)],
                role=role,
            )
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, demo_totp_secret(demo.email))
            RecoveryCodes.activate(user)
        logins.append((demo, password))
    return logins
