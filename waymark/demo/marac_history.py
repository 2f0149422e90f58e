"""Demo MARAC history: fortnightly meetings from April 2013, about 16 cases a meeting.

Built so that the MARAC performance report for 2014/15 to 2017/18 under the borough's local rule
(victim discussed at any earlier meeting) reproduces the seed's Table 1 exactly: cases 387, 458,
517, 480 and repeats 128, 124, 187, 146 (so 2015/16, at 27.1%, is below the recommended 28-40%).
Nothing is stored as a number: each financial year's cases are spread over its meetings, and
exactly that many of them re-list a victim already heard at an earlier meeting (most often with
the same person causing harm, so the national 12-month rule finds repeats too); every other case
is a victim never heard before. The report then counts them by the real rules.

Victims and perpetrators are the demo volumes' people when they are there (in reference order);
otherwise (``seed_demo --no-volumes``, tests) the people it needs are created. Deterministic
(fixed seed), loaded in bulk through the interchange importer, and idempotent: nothing is done
when the demo MARAC history is already there.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from waymark.core.dates import financial_year_start
from waymark.interchange.actions import ImportReport, interchange_import_files
from waymark.interchange.registry import handlers
from waymark.marac.models import MaracMeeting
from waymark.organisations.models import Agency
from waymark.people.choices import PersonRole
from waymark.people.models import Person

SEED = 20140387
REF_PREFIX = "SD-M"
FIRST_MEETING = date(2013, 4, 4)  # a Thursday; then every fortnight
HOLDER_REF = "SASS"

# (cases heard, of which repeats under the local rule) by the financial year's first year.
TABLE_1: dict[int, tuple[int, int]] = {
    2014: (387, 128),
    2015: (458, 124),
    2016: (517, 187),
    2017: (480, 146),
}
FIRST_YEAR = (364, 70)  # 2013/14: the history starts here, so its repeats come later in the year
SAME_PERPETRATOR = 0.8
RECENT_POOL = 450  # repeats re-list one of the most recently heard victims

REFERRERS: list[tuple[float, str]] = [
    (0.62, "SMP"),
    (0.08, "SHS"),
    (0.08, "SCSC"),
    (0.06, "SASS"),
    (0.05, "KCH"),
    (0.04, "NPS"),
    (0.04, "SASC"),
    (0.03, "GPB"),
]


@dataclass
class _Rows:
    people: list[list[str]] = field(default_factory=list)
    meetings: list[list[str]] = field(default_factory=list)
    cases: list[list[str]] = field(default_factory=list)


def meeting_dates(until: date) -> list[date]:
    days: list[date] = []
    day = FIRST_MEETING
    while day <= until:
        days.append(day)
        day += timedelta(days=14)
    return days


def targets(fy: int, meetings: int, rng: random.Random) -> tuple[int, int]:
    """Cases and local-rule repeats for a financial year: the seed's, or plausible after it."""
    if fy == 2013:
        return FIRST_YEAR
    if fy in TABLE_1:
        return TABLE_1[fy]
    cases = round(meetings * rng.uniform(16.5, 19.0))
    return cases, round(cases * rng.uniform(0.29, 0.36))


class _People:
    """Hands out victims and perpetrators never used before: demo people first, then new ones."""

    def __init__(self, rows: _Rows, columns: Sequence[str]):
        self.rows = rows
        self.columns = list(columns)
        self.made = 0
        self.holder = HOLDER_REF if Agency.objects.filter(ref=HOLDER_REF).exists() else ""
        self.pools: dict[str, Iterator[str]] = {}
        for role in (PersonRole.SURVIVOR, PersonRole.PERSON_CAUSING_HARM):
            existing = Person.objects.filter(ref__startswith="SD-P", primary_role=role, archived_at__isnull=True)
            refs = [ref for ref in existing.order_by("ref").values_list("ref", flat=True) if ref]
            self.pools[role] = iter(refs)

    def take(self, role: str) -> str:
        ref = next(self.pools[role], None)
        return ref or self._make(role)

    def _make(self, role: str) -> str:
        self.made += 1
        ref = f"{REF_PREFIX}P{self.made:06d}"
        victim = role == PersonRole.SURVIVOR
        values = {
            "person_ref": ref,
            "given_name": "MARAC demo",
            "family_name": f"{'Victim' if victim else 'Perpetrator'} {self.made}",
            "sex": "female" if victim else "male",
            "held_by_ref": self.holder,
            "role": role,
        }
        self.rows.people.append([values.get(column, "") for column in self.columns])
        return ref


def generate(*, today: date, last_fy: int | None = None) -> _Rows:
    rng = random.Random(SEED)  # noqa: S311 - demo data, deterministic on purpose
    columns = {h.name: h.column_names for h in handlers()}
    rows = _Rows()
    people = _People(rows, columns["people.csv"])
    agencies = set(Agency.objects.filter(ref__in=[r for _, r in REFERRERS]).values_list("ref", flat=True))
    referrers = [(w, r) for w, r in REFERRERS if r in agencies]

    by_fy: dict[int, list[date]] = {}
    for day in meeting_dates(today):
        fy = financial_year_start(day)
        if last_fy is None or fy <= last_fy:
            by_fy.setdefault(fy, []).append(day)

    heard: dict[str, str] = {}  # victim ref -> perpetrator ref of their latest case, oldest first
    number = 0
    for fy, days in sorted(by_fy.items()):
        cases, repeats = targets(fy, len(days), rng)
        if fy == max(by_fy) and last_fy is None and fy not in TABLE_1:
            full_year = len(meeting_dates(date(fy + 1, 3, 31))) - len(meeting_dates(date(fy, 3, 31)))
            cases = round(cases * len(days) / max(full_year, 1))
            repeats = round(repeats * len(days) / max(full_year, 1))
        per_meeting = [cases // len(days)] * len(days)
        for index in rng.sample(range(len(days)), cases % len(days)):
            per_meeting[index] += 1
        # Repeats can only re-list someone heard before: in the first year, not at its first meetings.
        eligible = [(i, s) for i, n in enumerate(per_meeting) for s in range(n) if fy > 2013 or i >= 4]
        repeat_slots = set(rng.sample(eligible, repeats))
        for i, held_on in enumerate(days):
            meeting_ref = f"{REF_PREFIX}M-{held_on.isoformat()}"
            rows.meetings.append([meeting_ref, held_on.isoformat()])
            at_this_meeting: dict[str, str] = {}
            recent = list(heard)[-RECENT_POOL:]
            for slot in range(per_meeting[i]):
                if (i, slot) in repeat_slots:
                    victim = rng.choice([v for v in recent if v not in at_this_meeting])
                    perpetrator = (
                        heard[victim]
                        if rng.random() < SAME_PERPETRATOR
                        else people.take(PersonRole.PERSON_CAUSING_HARM)
                    )
                    criteria = ["repeat"]
                else:
                    victim, perpetrator = people.take(PersonRole.SURVIVOR), people.take(PersonRole.PERSON_CAUSING_HARM)
                    criteria = []
                criteria += rng.choices(
                    [
                        ["visible_high_risk"],
                        ["professional_judgement"],
                        ["escalation"],
                        ["visible_high_risk", "escalation"],
                    ],
                    [60, 15, 10, 15],
                )[0]
                at_this_meeting[victim] = perpetrator
                number += 1
                agency = rng.choices([r for _, r in referrers], [w for w, _ in referrers])[0] if referrers else ""
                rows.cases.append(
                    [
                        f"{REF_PREFIX}C{number:06d}",
                        meeting_ref,
                        victim,
                        perpetrator,
                        (held_on - timedelta(days=rng.randint(6, 20))).isoformat(),
                        agency,
                        ";".join(sorted(criteria)),
                        str(rng.choices([0, 1, 2, 3, 4], [40, 25, 20, 10, 5])[0]),
                    ]
                )
            for victim, perpetrator in at_this_meeting.items():
                heard.pop(victim, None)
                heard[victim] = perpetrator
    return rows


def _csv(header: Sequence[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def already_built() -> bool:
    return MaracMeeting.objects.filter(ref__startswith=f"{REF_PREFIX}M-").exists()


def build_marac_history(*, today: date | None = None, last_fy: int | None = None) -> ImportReport | None:
    """Generates and imports the demo MARAC history; None when it is already there.

    ``last_fy`` stops after that financial year (tests use 2017 to stay quick)."""
    if already_built():
        return None
    today = today or timezone.localdate()
    rows = generate(today=today, last_fy=last_fy)
    columns = {h.name: h.column_names for h in handlers()}
    files = {
        "marac_meetings.csv": _csv(columns["marac_meetings.csv"], rows.meetings),
        "marac_cases.csv": _csv(columns["marac_cases.csv"], rows.cases),
    }
    if rows.people:
        files["people.csv"] = _csv(columns["people.csv"], rows.people)
    report = interchange_import_files(actor=None, raw_files=files, today=today)
    if not report.ok:
        raise RuntimeError("Demo MARAC history failed validation:\n" + "\n".join(report.lines()[:40]))
    return report
