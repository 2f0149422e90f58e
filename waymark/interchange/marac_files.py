"""The interchange files for MARAC history: ``marac_meetings.csv`` and ``marac_cases.csv``.

Kept with the interchange (above MARAC in the layers, docs/architecture.md) rather than in
``waymark/marac``, which imports nothing of the interchange. Plugged into
``waymark.interchange.registry`` like every other file: validated whole, rejected
whole with row and column errors, idempotent on ``meeting_ref`` and ``marac_case_ref``, written in
bulk. Meetings come before cases (a case names the meeting that heard it).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from waymark.interchange import cells
from waymark.interchange.base import (
    CHUNK,
    Column,
    FileHandler,
    FilePlan,
    ImportContext,
    ParsedRow,
    RowError,
)
from waymark.marac.models import Criterion, MaracCase, MaracCaseStatus, MaracMeeting, MeetingKind, MeetingStatus
from waymark.organisations.models import Agency
from waymark.people.models import Person

MAX_CHILDREN = 30


def _ref_of(obj: object | None) -> str:
    if obj is None:
        return ""
    return getattr(obj, "ref", None) or str(getattr(obj, "pk", ""))


class MaracMeetingsFile(FileHandler):
    name = "marac_meetings.csv"
    kind = "marac_meeting"
    key = "meeting_ref"
    model = MaracMeeting

    def columns(self, ctx: ImportContext) -> list[Column]:
        return [
            Column("meeting_ref", cells.ref(required=True)),
            Column("held_on", cells.iso_date(required=True, today=ctx.today, allow_future=True)),
        ]

    def plan(self, rows: list[ParsedRow], ctx: ImportContext) -> FilePlan:
        plan = FilePlan()
        existing = self.existing([r.values["meeting_ref"] for r in rows])
        ids = ctx.ids.setdefault(self.kind, {})
        fields: set[str] = set()
        for row in rows:
            v = row.values
            meeting = existing.get(v["meeting_ref"])
            if meeting is None:
                # A historic list's meetings have been held; a future one is still to come.
                status = MeetingStatus.HELD if v["held_on"] <= ctx.today else MeetingStatus.SCHEDULED
                meeting = MaracMeeting(
                    id=uuid.uuid4(), ref=v["meeting_ref"], held_on=v["held_on"], kind=MeetingKind.REGULAR, status=status
                )
                plan.create.append(meeting)
            else:
                self.compare_stored(plan, meeting, {"held_on": v["held_on"]}, fields)
            ids[v["meeting_ref"]] = meeting.pk
        plan.update_fields = sorted(fields)
        return plan

    def export_rows(self) -> Iterator[list[str]]:
        rows = [[_ref_of(m), cells.iso(m.held_on)] for m in MaracMeeting.objects.iterator(chunk_size=CHUNK)]
        yield from sorted(rows)


class MaracCasesFile(FileHandler):
    name = "marac_cases.csv"
    kind = "marac_case"
    key = "marac_case_ref"
    model = MaracCase
    # The meeting's representatives see its cases, the referring agency follows the referral.
    access_columns = {
        "meeting_ref": ("meeting_id", "marac_meeting", MaracMeeting, "the meeting that hears the case"),
        "victim_ref": ("victim_id", "person", Person, "whom the case is about"),
        "perpetrator_ref": ("perpetrator_id", "person", Person, "whom the case is about"),
        "agency_ref": ("referring_agency_id", "agency", Agency, "the agency that made the referral"),
    }

    def columns(self, ctx: ImportContext) -> list[Column]:
        return [
            Column("marac_case_ref", cells.ref(required=True)),
            Column("meeting_ref", cells.ref(required=False)),
            Column("victim_ref", cells.ref(required=True)),
            Column("perpetrator_ref", cells.ref(required=False)),
            Column("referred_on", cells.iso_date(required=True, today=ctx.today)),
            Column("agency_ref", cells.ref(required=False)),
            Column("criteria", cells.choice_list(Criterion)),
            Column("children_in_household", cells.count(maximum=MAX_CHILDREN)),
        ]

    def check(self, rows: list[ParsedRow], ctx: ImportContext, errors: list[RowError]) -> None:
        self.require_ref(
            rows, ctx, errors, column="meeting_ref", kind="marac_meeting", model=MaracMeeting, file="marac_meetings.csv"
        )
        self.require_ref(rows, ctx, errors, column="victim_ref", kind="person", model=Person, file="people.csv")
        self.require_ref(rows, ctx, errors, column="perpetrator_ref", kind="person", model=Person, file="people.csv")
        self.require_ref(rows, ctx, errors, column="agency_ref", kind="agency", model=Agency, file="agencies.csv")
        for row in rows:
            v = row.values
            if v.get("perpetrator_ref") and v.get("perpetrator_ref") == v.get("victim_ref"):
                message = "perpetrator_ref is the same person as victim_ref"
                errors.append(RowError(self.name, row.number, "perpetrator_ref", message))

    def plan(self, rows: list[ParsedRow], ctx: ImportContext) -> FilePlan:
        plan = FilePlan()
        existing = self.existing([r.values["marac_case_ref"] for r in rows])
        ids = ctx.ids.setdefault(self.kind, {})
        fields: set[str] = set()
        for row in rows:
            v = row.values
            values = {
                "meeting_id": ctx.ids["marac_meeting"][v["meeting_ref"]] if v.get("meeting_ref") else None,
                "victim_id": ctx.ids["person"][v["victim_ref"]],
                "perpetrator_id": ctx.ids["person"][v["perpetrator_ref"]] if v.get("perpetrator_ref") else None,
                "referred_on": v["referred_on"],
                "referring_agency_id": ctx.ids["agency"][v["agency_ref"]] if v.get("agency_ref") else None,
                "criteria": v.get("criteria") or [],
                "children_in_household": v.get("children_in_household") or 0,
                # A historic list records cases already heard; one with no meeting awaits the coordinator.
                "status": MaracCaseStatus.HEARD if v.get("meeting_ref") else MaracCaseStatus.REFERRED,
            }
            case = existing.get(v["marac_case_ref"])
            if case is None:
                case = MaracCase(id=uuid.uuid4(), ref=v["marac_case_ref"], **values)
                plan.create.append(case)
            else:
                self.compare_stored(plan, case, values, fields)
            ids[v["marac_case_ref"]] = case.pk
        plan.update_fields = sorted(fields)
        return plan

    def export_rows(self) -> Iterator[list[str]]:
        query = MaracCase.objects.select_related("meeting", "victim", "perpetrator", "referring_agency")
        rows = [
            [
                _ref_of(c),
                _ref_of(c.meeting),
                _ref_of(c.victim),
                _ref_of(c.perpetrator),
                cells.iso(c.referred_on),
                _ref_of(c.referring_agency),
                cells.join_list(c.criteria),
                str(c.children_in_household),
            ]
            for c in query.iterator(chunk_size=CHUNK)
        ]
        yield from sorted(rows)
