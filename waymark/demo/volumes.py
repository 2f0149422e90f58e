"""Demo volumes: years of realistic people, referrals, risk assessments and incidents.

Generated deterministically (Faker en_GB with a fixed seed, plus a long tail of surnames and the
spelling variants that real records carry: Smith/Smyth, Mohammed/Muhammad, O'Brien/OBrien) as
interchange rows in memory, then loaded through the importer, so that the demo exercises the
same bulk path as a real migration. Referrals per financial year follow the seed briefing:
exactly 1,453 in 2013/14 rising to exactly 2,351 in 2017/18, interpolated in between, and
continuing plausibly (with the lockdown rise in 2020/21) up to today.

Re-running is fast: if the demo volumes are already there, nothing is done.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone
from faker import Faker

from waymark.core.dates import financial_year_start
from waymark.interchange.actions import ImportReport, interchange_import_files
from waymark.interchange.registry import handlers

SEED = 20131453
REF_PREFIX = "SD-"
HOLDER_REF = "SASS"  # the specialist service holds the demo case records

# Referrals received per financial year (April to March), by the year it starts.
FIXED_REFERRALS_PER_FY: dict[int, int] = {
    2013: 1453,  # seed
    2014: 1678,
    2015: 1902,
    2016: 2127,
    2017: 2351,  # seed: +62% on 2013/14
    2018: 2420,
    2019: 2489,
    2020: 2702,  # lockdown: calls and referrals rose
    2021: 2644,
    2022: 2598,
    2023: 2671,
    2024: 2743,
    2025: 2810,
}
GROWTH_AFTER = 1.025

# (share, agency_ref or "" for self-referral) — police refer most, as in the seed.
REFERRERS: list[tuple[float, str]] = [
    (0.46, "SMP"),
    (0.10, "SHS"),
    (0.09, "SCSC"),
    (0.04, "SASC"),
    (0.06, "KCH"),
    (0.03, "GST"),
    (0.03, "GPB"),
    (0.03, "GPP"),
    (0.03, "NPS"),
    (0.02, "CGL"),
    (0.03, "SLAM"),
    (0.03, "VSS"),
    (0.05, ""),
]

# A long tail of surnames with the spellings the same family ends up recorded under.
SURNAME_VARIANTS: list[tuple[str, ...]] = [
    ("Smith", "Smyth", "Smithe"),
    ("Mohammed", "Muhammad", "Mohamed", "Mohammad"),
    ("O'Brien", "OBrien", "O Brien", "O'Bryan"),
    ("McDonald", "MacDonald", "Mcdonald"),
    ("Thompson", "Thomson", "Tomson"),
    ("Phillips", "Philips"),
    ("Reid", "Reed", "Read"),
    ("Clarke", "Clark"),
    ("Ahmed", "Ahmad", "Ahmet"),
    ("Khan",),
    ("Begum", "Begom"),
    ("Hussain", "Hussein", "Husain"),
    ("Patel",),
    ("Shah",),
    ("Ali",),
    ("Okafor", "Okafur"),
    ("Mensah",),
    ("Adeyemi", "Adeyemy"),
    ("Owusu",),
    ("Nguyen", "Nguyễn"),
    ("Kowalski", "Kowalska"),
    ("Da Silva", "DaSilva", "Silva"),
    ("Murphy", "Murphey"),
    ("Gallagher", "Gallager"),
    ("Jones",),
    ("Williams", "Williamson"),
    ("Nowak",),
    ("Popescu",),
    ("Yilmaz",),
    ("Abdi", "Abdy"),
]
GIVEN_VARIANTS_FEMALE: list[tuple[str, ...]] = [
    ("Catherine", "Katherine", "Kathryn", "Cathryn"),
    ("Aisha", "Ayesha", "Aysha"),
    ("Zoe", "Zoë", "Zoey"),
    ("Fatima", "Fatimah"),
    ("Siobhan", "Shivaun"),
    ("Leanne", "Lianne"),
    ("Nicola", "Nikola"),
    ("Amara",),
    ("Grace",),
    ("Agnieszka",),
    ("Shanice", "Shaniece"),
]
GIVEN_VARIANTS_MALE: list[tuple[str, ...]] = [
    ("Mohammed", "Muhammad", "Mohamed"),
    ("Sean", "Shaun", "Shawn"),
    ("Jon", "John"),
    ("Stephen", "Steven"),
    ("Kwame",),
    ("Tomasz", "Tomas"),
    ("Connor", "Conor"),
    ("Jamal", "Jamaal"),
]
# London-like mix of ONS 2021 categories (weights in per cent).
ETHNICITIES: list[tuple[str, float]] = [
    ("white_british", 40),
    ("white_other", 12),
    ("white_irish", 2),
    ("black_african", 10),
    ("black_caribbean", 6),
    ("black_other", 2),
    ("asian_bangladeshi", 4),
    ("asian_indian", 4),
    ("asian_pakistani", 3),
    ("asian_other", 3),
    ("mixed_white_black_caribbean", 2),
    ("mixed_other", 2),
    ("other_arab", 1),
    ("other_any", 2),
    ("not_known", 7),
]
_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
ABUSE_TYPES = [
    "physical",
    "psychological",
    "emotional",
    "economic",
    "coercive_control",
    "harassment_stalking",
    "sexual",
    "online",
]
VAWG: list[tuple[str, float]] = [
    ("domestic_abuse", 78),
    ("coercive_control", 6),
    ("stalking", 4),
    ("sexual_violence", 4),
    ("honour_based_abuse", 1.5),
    ("forced_marriage", 1),
    ("fgm", 0.5),
    ("image_based_sexual_abuse", 1),
    ("sexual_harassment", 1),
    ("trafficking", 0.5),
    ("child_sexual_exploitation", 1),
    ("other", 1.5),
]


def referrals_per_fy(today: date) -> dict[int, int]:
    """Target referrals for every financial year from 2013/14 up to the one containing today
    (that one prorated to the days elapsed)."""
    current = financial_year_start(today)
    targets: dict[int, int] = {}
    last = FIXED_REFERRALS_PER_FY[max(FIXED_REFERRALS_PER_FY)]
    for year in range(2013, current + 1):
        if year in FIXED_REFERRALS_PER_FY:
            full = FIXED_REFERRALS_PER_FY[year]
        else:
            last = round(last * GROWTH_AFTER)
            full = last
        if year == current:
            start, end = date(year, 4, 1), date(year + 1, 3, 31)
            full = round(full * ((today - start).days + 1) / ((end - start).days + 1))
        targets[year] = full
    return targets


@dataclass
class _Rows:
    people: list[list[str]] = field(default_factory=list)
    referrals: list[list[str]] = field(default_factory=list)
    assessments: list[list[str]] = field(default_factory=list)
    incidents: list[list[str]] = field(default_factory=list)


class _Generator:
    def __init__(self, today: date):
        self.today = today
        self.rng = random.Random(SEED)  # noqa: S311 - demo data, deterministic on purpose
        self.faker = Faker("en_GB")
        self.faker.seed_instance(SEED)
        self.rows = _Rows()
        self.people = 0
        self.phones = 0
        self.ethnicities, self.ethnicity_weights = zip(*ETHNICITIES, strict=True)
        self.vawg, self.vawg_weights = zip(*VAWG, strict=True)
        # Faker's weighted name lists, drawn once into pools (Faker per name is slow at this volume).
        self.pools = {
            "female": [self.faker.first_name_female() for _ in range(3000)],
            "male": [self.faker.first_name_male() for _ in range(3000)],
            "family": [self.faker.last_name() for _ in range(6000)],
        }

    def _name(self, sex: str) -> tuple[str, str]:
        rng = self.rng
        long_tail = rng.random() < 0.3
        family = rng.choice(rng.choice(SURNAME_VARIANTS)) if long_tail else rng.choice(self.pools["family"])
        if rng.random() < 0.2:
            pool = GIVEN_VARIANTS_FEMALE if sex == "female" else GIVEN_VARIANTS_MALE
            given = rng.choice(rng.choice(pool))
        else:
            given = rng.choice(self.pools["female" if sex == "female" else "male"])
        return given, family

    def _postcode(self) -> str:
        rng = self.rng
        letters = rng.choice(_POSTCODE_LETTERS) + rng.choice(_POSTCODE_LETTERS)
        return f"SE{rng.randint(1, 28)} {rng.randint(0, 9)}{letters}"

    def _phone(self) -> str:
        """Numbers from Ofcom's ranges reserved for drama, each used once (2,000 of them)."""
        if self.phones >= 2000:
            return ""
        number = self.phones
        self.phones += 1
        return f"07700 900{number:03d}" if number < 1000 else f"020 7946 {number - 1000:04d}"

    def person(self, *, sex: str, born_between: tuple[int, int], on: date, victim: bool) -> tuple[str, date]:
        rng = self.rng
        self.people += 1
        ref = f"{REF_PREFIX}P{self.people:06d}"
        given, family = self._name(sex)
        age = rng.randint(*born_between)
        born = on - timedelta(days=age * 365 + rng.randint(0, 364))
        dob = born.isoformat() if rng.random() < 0.93 else ""
        ethnicity = rng.choices(self.ethnicities, self.ethnicity_weights)[0]
        disability = rng.choices(["yes", "no", "unknown"], [16, 70, 14])[0]
        lgbt = rng.choices(["yes", "no", "unknown"], [5, 70, 25])[0]
        postcode = self._postcode() if rng.random() < 0.8 else ""
        phone = self._phone() if victim and rng.random() < 0.12 else ""
        role = "survivor" if victim else "person_causing_harm"
        self.rows.people.append(
            [ref, given, family, dob, sex, ethnicity, disability, lgbt, postcode, phone, HOLDER_REF, role]
        )
        # Now and then the same person is recorded again under a variant spelling.
        if victim and rng.random() < 0.02:
            self.people += 1
            variant = next((v for group in SURNAME_VARIANTS if family in group for v in group if v != family), family)
            self.rows.people.append(
                [
                    f"{REF_PREFIX}P{self.people:06d}",
                    given,
                    variant,
                    dob,
                    sex,
                    ethnicity,
                    disability,
                    lgbt,
                    "",
                    "",
                    HOLDER_REF,
                    role,
                ]
            )
        return ref, born

    def referral(self, number: int, received: date, victim: tuple[str, date], perpetrator: str) -> str:
        rng = self.rng
        ref = f"{REF_PREFIX}R{number:06d}"
        shares, agencies = zip(*REFERRERS, strict=True)
        agency = rng.choices(agencies, shares)[0]
        types = sorted(rng.sample(ABUSE_TYPES, rng.choices([1, 2, 3, 4], [30, 35, 25, 10])[0]))
        consent = rng.choices(["given", "refused", "not_sought"], [82, 8, 10])[0]
        children = rng.choices(["", "0", "1", "2", "3", "4"], [10, 35, 25, 18, 8, 4])[0]
        status = (
            "accepted"
            if received < self.today - timedelta(days=60)
            else rng.choice(["received", "triaged", "accepted"])
        )
        vawg = rng.choices(self.vawg, self.vawg_weights)[0]
        self.rows.referrals.append(
            [
                ref,
                received.isoformat(),
                victim[0],
                perpetrator,
                agency,
                vawg,
                ";".join(types),
                consent,
                children,
                status,
            ]
        )
        if rng.random() < 0.62:
            self._assessment(ref, victim[0], received)
        if agency == "SMP" and perpetrator:
            occurred = received - timedelta(days=rng.randint(0, 20))
            self.rows.incidents.append(
                [
                    f"{REF_PREFIX}I{len(self.rows.incidents) + 1:06d}",
                    occurred.isoformat(),
                    victim[0],
                    perpetrator,
                    "SMP",
                    "",
                ]
            )
        return ref

    def _assessment(self, referral_ref: str, person_ref: str, received: date) -> None:
        rng = self.rng
        assessed = min(received + timedelta(days=rng.randint(0, 14)), self.today)
        yes = min(24, max(0, int(rng.gauss(9, 4.5))))
        judgement, reason = "", ""
        if yes < 14 and rng.random() < 0.04:
            judgement, reason = "high", "Escalating threats and recent separation: professional judgement"
        self.rows.assessments.append(
            [
                f"{REF_PREFIX}A{len(self.rows.assessments) + 1:06d}",
                person_ref,
                referral_ref,
                assessed.isoformat(),
                "dash24",
                str(yes),
                judgement,
                reason,
            ]
        )

    def generate(self, *, last_fy: int | None = None) -> _Rows:
        rng = self.rng
        victims: list[tuple[str, date, str]] = []  # (ref, born, perpetrator_ref) for repeats
        number = 0
        for year, count in sorted(referrals_per_fy(self.today).items()):
            if last_fy is not None and year > last_fy:
                break
            start = date(year, 4, 1)
            days = min((date(year + 1, 3, 31) - start).days, (self.today - start).days)
            dates = sorted(start + timedelta(days=rng.randint(0, days)) for _ in range(count))
            for received in dates:
                number += 1
                if victims and rng.random() < 0.24:  # a repeat referral of someone already known
                    # Everyone known was born before their own earlier referral, so before this one.
                    ref, born, perpetrator = rng.choice(victims[-3000:])
                else:
                    sex = "female" if rng.random() < 0.9 else "male"
                    ref, born = self.person(sex=sex, born_between=(16, 72), on=received, victim=True)
                    perpetrator = ""
                    if rng.random() < 0.85:
                        harm_sex = "male" if sex == "female" and rng.random() < 0.95 else "female"
                        perpetrator, _ = self.person(sex=harm_sex, born_between=(17, 70), on=received, victim=False)
                    victims.append((ref, born, perpetrator))
                self.referral(number, received, (ref, born), perpetrator)
        return self.rows


def _csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def already_seeded() -> bool:
    from waymark.referrals.models import Referral

    return Referral.objects.filter(ref__startswith=f"{REF_PREFIX}R").exists()


def build_volumes(*, today: date | None = None, last_fy: int | None = None) -> ImportReport | None:
    """Generates and imports the demo volumes; None when they are already there.

    ``last_fy`` stops after that financial year (tests use it to stay quick)."""
    if already_seeded():
        return None
    rows = _Generator(today or timezone.localdate()).generate(last_fy=last_fy)
    columns = {h.name: h.column_names for h in handlers()}
    files = {
        "people.csv": _csv(columns["people.csv"], rows.people),
        "referrals.csv": _csv(columns["referrals.csv"], rows.referrals),
        "risk_assessments.csv": _csv(columns["risk_assessments.csv"], rows.assessments),
        "incidents.csv": _csv(columns["incidents.csv"], rows.incidents),
    }
    report = interchange_import_files(actor=None, raw_files=files, held_by_ref=HOLDER_REF, today=today)
    if not report.ok:
        raise RuntimeError("Demo volumes failed validation:\n" + "\n".join(report.lines()[:40]))
    return report
