"""Pages about people. Who sees what is decided in ``waymark/people/access.py``; changes go
through ``waymark/people/actions.py``. Every page showing a person, and separately every page
showing where they are, writes an audit VIEW event (ids only)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from waymark.audit import justifications
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction, AuditOutcome
from waymark.audit.scoping import get_for_user
from waymark.core.access import signed_in
from waymark.core.versioning import StaleEdit, conflict_response
from waymark.organisations.models import Agency
from waymark.people import access, actions, forms
from waymark.people.choices import RelationshipKind
from waymark.people.models import Address, ContactChannel, Person, Relationship
from waymark.people.pages import person_page_flags
from waymark.web.actions import run_action

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedHttpRequest


def _person(request: AuthenticatedHttpRequest, person_id: uuid.UUID, *, section: str) -> Person:
    """The person through the one object check (which writes the VIEW row for ``section``), or a
    refusal that is itself audited (so probing leaves a trace)."""
    try:
        return access.get_person_for_user(request.user, person_id, detail={"section": section})
    except (Http404, PermissionDenied):
        audit_record(
            actor=request.user,
            action=AuditAction.ACCESS_DENIED,
            object_type="people.person",
            object_id=str(person_id),
            outcome=AuditOutcome.DENIED,
        )
        raise


def _located_person(
    request: AuthenticatedHttpRequest, person_id: uuid.UUID, *, section: str, edit: bool = False
) -> Person:
    """The person, only if the user may see (and, with ``edit``, change) where they are: the object
    check runs in the location scope, so a VIEW row means where they are was shown."""
    user = request.user
    scope = Person.objects.with_location_visible_to(user).select_related("held_by")
    try:
        person = get_for_user(scope, person_id, actor=user, detail={"section": section})
    except Http404:
        # Not locatable by this user: a person they may not see at all gets the person check's own
        # (audited) refusal; one they may see, the location refusal below.
        person = Person.objects.visible_to(user).filter(pk=person_id).first() or _person(
            request, person_id, section=section
        )
        allowed = False
    else:
        allowed = access.can_edit_location(user, person) if edit else True
    if not allowed:
        audit_record(
            actor=request.user,
            action=AuditAction.ACCESS_DENIED,
            obj=person,
            outcome=AuditOutcome.DENIED,
            detail={"section": "location"},
        )
        raise PermissionDenied("Your role does not give access to where this person is.")
    return person


def _editable_person(request: AuthenticatedHttpRequest, person_id: uuid.UUID, *, section: str) -> Person:
    person = _person(request, person_id, section=section)
    if not access.can_edit_person(request.user, person):
        raise PermissionDenied("Your role does not allow changing this record.")
    return person


@signed_in(*access.PERSON_RECORD_ROLES)
@require_GET
def person_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """People the user may see, optionally filtered by part of any name they use."""
    form = forms.PeopleFilterForm(request.GET or None)
    mine = request.GET.get("show") == "mine"
    if mine:
        # "People you work with": her own clients and their children (the home panel links here).
        people = access.people_worked_with(request.user)
    else:
        people = Person.objects.visible_to(request.user).filter(archived_at__isnull=True)
    name = form.cleaned_data["name"].strip() if form.is_valid() else ""
    if name:
        people = people.filter(
            Q(given_name__icontains=name)
            | Q(family_name__icontains=name)
            | Q(other_names__given_name__icontains=name)
            | Q(other_names__family_name__icontains=name)
        ).distinct()
    page = Paginator(people.select_related("held_by"), 50).get_page(request.GET.get("page"))
    audit_record(
        actor=request.user,
        action=AuditAction.SEARCH,
        object_type="people.person",
        detail={"criteria": ["name"] if name else [], "results": page.paginator.count},
    )
    can_add = bool(access.agencies_user_may_record_for(request.user))
    return render(
        request, "people/list.html", {"form": form, "page": page, "name": name, "can_add": can_add, "mine": mine}
    )


@signed_in(*access.EDITOR_ROLES)
@require_http_methods(["GET", "POST"])
def person_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    agencies = list(Agency.objects.filter(pk__in=access.agencies_user_may_record_for(request.user)))
    form = forms.PersonCreateForm(request.POST or None, agencies=agencies)
    if request.method == "POST":
        person = run_action(
            form,
            lambda data: actions.person_create(
                actor=request.user,
                held_by=form.agencies[data["held_by"]],
                fields=form.person_fields(),
            ),
        )
        if person is not None:
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/person_form.html", {"form": form, "title": "Add a person"})


@signed_in()
@require_GET
def person_detail(request: AuthenticatedHttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """Identity, names and relationships; contact safety warnings only for those who may locate."""
    person = _person(request, person_id, section="summary")
    user = request.user
    if person.merged_into_id is not None and Person.objects.visible_to(user).filter(pk=person.merged_into_id).exists():
        # An archived alias left by a merge (waymark/matching/merge.py) opens the surviving record.
        messages.info(request, "That record was merged into this one: everything it held is here.")
        return redirect("people:detail", person_id=person.merged_into_id)
    related = list(Relationship.objects.visible_to(user).involving(person).select_related("person_a", "person_b"))
    # The other person is named only if this user may see them too.
    others = {rel.other(person).pk for rel in related}
    visible_ids = set(Person.objects.visible_to(user).filter(pk__in=others).values_list("pk", flat=True))
    relationships = [
        {
            "description": rel.describe_for(person),
            "other": rel.other(person) if rel.other(person).pk in visible_ids else None,
            "relationship": rel,
        }
        for rel in related
    ]
    sees_location = access.can_see_location(user, person)
    context: dict[str, Any] = {
        "person": person,
        "other_names": person.other_names.all(),
        "relationships": relationships,
        "sees_location": sees_location,
        "can_edit": access.can_edit_person(user, person),
        # Links the apps above add (risk's sees_risk): waymark/people/pages.py.
        **person_page_flags(user),
        "can_archive": person.archived_at is None and access.can_archive_person(user, person),
        # The reason given is free text kept out of the audit trail: shown here, by this page's rules.
        "archive_reasons": justifications.given_for(person) if person.archived_at else [],
        # The record's holders may read who has viewed it (waymark/dataprotection).
        "holder_agency_ids": getattr(user, "agencies_with_role", lambda *roles: frozenset())(
            *access.AGENCY_WIDE_PERSON_ROLES
        ),
        # Merges into this record (waymark/matching/merge.py), each with an undo for its editors.
        "merges": person.merges_as_survivor.filter(unmerged_at__isnull=True).select_related("absorbed", "merged_by"),
    }
    if sees_location:
        # Warnings from flags only: the values themselves are on the separately audited contact page.
        context["contact_warnings"] = person.contact_warnings
        context["channel_warnings"] = [
            (channel.get_kind_display(), channel.safety_warnings)
            for channel in person.contact_channels.filter(is_current=True)
        ]
    return render(request, "people/detail.html", context)


@signed_in()
@require_GET
def person_contact(request: AuthenticatedHttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """Addresses and contact channels with their safety flags: a distinct, audited read."""
    person = _located_person(request, person_id, section="location")
    addresses = list(Address.objects.visible_to(request.user).filter(person=person))
    channels = list(ContactChannel.objects.visible_to(request.user).filter(person=person).select_related("address"))
    return render(
        request,
        "people/contact.html",
        {
            "person": person,
            "current_addresses": [a for a in addresses if a.is_current],
            "previous_addresses": [a for a in addresses if not a.is_current],
            "current_channels": [c for c in channels if c.is_current],
            "previous_channels": [c for c in channels if not c.is_current],
            "can_edit": access.can_edit_location(request.user, person),
        },
    )


@signed_in()
@require_http_methods(["GET", "POST"])
def person_edit(request: AuthenticatedHttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = _editable_person(request, person_id, section="edit")
    form = forms.PersonEditForm.for_person(person, request.POST or None)
    if request.method == "POST":
        try:
            updated = run_action(
                form,
                lambda _: actions.person_update(
                    actor=request.user, person=person, fields=form.edit_data(), read_version=form.read_version
                ),
            )
        except StaleEdit:
            fresh = _editable_person(request, person_id, section="edit")
            return conflict_response(
                request,
                form=form,
                current=forms.PersonForm.initial_from(fresh),
                current_version=fresh.version,
                make_form=lambda merged: forms.PersonEditForm(initial=merged),
                context={"person": fresh},
            )
        if updated is not None:
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/person_form.html", {"form": form, "title": "Change details", "person": person})


@signed_in()
@require_http_methods(["GET", "POST"])
def name_add(request: AuthenticatedHttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = _editable_person(request, person_id, section="add a name")
    form = forms.PersonNameForm(request.POST or None)
    if request.method == "POST":
        done = run_action(form, lambda data: actions.person_name_add(actor=request.user, person=person, **data))
        if done is not None:
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/simple_form.html", {"form": form, "title": "Add another name", "person": person})


def _relationship_add(request: AuthenticatedHttpRequest, person: Person, data: dict[str, Any]) -> Any:
    # "Child of" is stored as the other person being the parent.
    child_of = data["kind"] == forms.CHILD_OF
    return actions.relationship_add(
        actor=request.user,
        person_a=data["other_person"] if child_of else person,
        person_b=person if child_of else data["other_person"],
        kind=RelationshipKind.PARENT_OF if child_of else RelationshipKind(data["kind"]),
        started_on=data["started_on"],
        ended_on=data["ended_on"],
    )


@signed_in()
@require_http_methods(["GET", "POST"])
def relationship_add(request: AuthenticatedHttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = _editable_person(request, person_id, section="add a relationship")
    others = Person.objects.visible_to(request.user).exclude(pk=person.pk).filter(archived_at__isnull=True)
    form = forms.RelationshipForm(request.POST or None, people=others)
    if request.method == "POST":
        added = run_action(form, lambda data: _relationship_add(request, person, data))
        if added is not None:
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/simple_form.html", {"form": form, "title": "Add a relationship", "person": person})


@signed_in()
@require_http_methods(["GET", "POST"])
def address_add(request: AuthenticatedHttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = _located_person(request, person_id, section="add an address", edit=True)
    form = forms.AddressForm(request.POST or None)
    if request.method == "POST":
        done = run_action(form, lambda data: actions.address_add(actor=request.user, person=person, **data))
        if done is not None:
            return redirect("people:contact", person_id=person.pk)
    return render(request, "people/simple_form.html", {"form": form, "title": "Add an address", "person": person})


@signed_in()
@require_http_methods(["GET", "POST"])
def address_end(request: AuthenticatedHttpRequest, person_id: uuid.UUID, address_id: uuid.UUID) -> HttpResponse:
    person = _located_person(request, person_id, section="end an address", edit=True)
    # Through the person's scope and the address's own (where they are), never by its id alone.
    address = Address.objects.visible_to(request.user).filter(person=person, pk=address_id).first()
    if address is None:
        raise Http404("No such address")
    form = forms.AddressEndForm(request.POST or None)
    if request.method == "POST":
        done = run_action(
            form, lambda data: actions.address_end(actor=request.user, address=address, lived_to=data["lived_to"])
        )
        if done is not None:
            return redirect("people:contact", person_id=person.pk)
    return render(
        request,
        "people/simple_form.html",
        {
            "form": form,
            "title": "End this address",
            "person": person,
            "hint": "Letters will no longer go to this address. The address stays in the person's history.",
        },
    )


@signed_in()
@require_http_methods(["GET", "POST"])
def channel_add(request: AuthenticatedHttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = _located_person(request, person_id, section="add a contact channel", edit=True)
    form = forms.ContactChannelForm(request.POST or None, addresses=person.addresses.filter(is_current=True))
    if request.method == "POST":
        done = run_action(
            form,
            lambda data: actions.contact_channel_add(
                actor=request.user,
                person=person,
                kind=data["kind"],
                value=data["value"],
                address=data["address"],
                flags=form.flags(),
            ),
        )
        if done is not None:
            return redirect("people:contact", person_id=person.pk)
    return render(
        request, "people/simple_form.html", {"form": form, "title": "Add a way to contact them", "person": person}
    )


def _channel(request: AuthenticatedHttpRequest, person: Person, channel_id: uuid.UUID) -> ContactChannel:
    """A contact channel through the person's scope and its own (where they are), never by id alone."""
    channel = ContactChannel.objects.visible_to(request.user).filter(person=person, pk=channel_id).first()
    if channel is None:
        raise Http404("No such contact channel")
    return channel


@signed_in()
@require_http_methods(["GET", "POST"])
def channel_flags(request: AuthenticatedHttpRequest, person_id: uuid.UUID, channel_id: uuid.UUID) -> HttpResponse:
    person = _located_person(request, person_id, section="contact channel safety", edit=True)
    channel = _channel(request, person, channel_id)
    form = forms.ContactFlagsEditForm.for_channel(channel, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.contact_channel_update_flags(
                actor=request.user, channel=channel, flags=form.flags(), read_version=form.read_version
            )
        except StaleEdit:
            channel.refresh_from_db()
            return conflict_response(
                request,
                form=form,
                current={name: getattr(channel, name) for name in forms.ContactFlagsForm.base_fields},
                current_version=channel.version,
                make_form=lambda merged: forms.ContactFlagsEditForm(initial=merged),
                context={"person": person},
            )
        return redirect("people:contact", person_id=person.pk)
    return render(
        request,
        "people/simple_form.html",
        {"form": form, "title": "Change how it is safe to contact them", "person": person},
    )


@signed_in()
@require_http_methods(["GET", "POST"])
def channel_end(request: AuthenticatedHttpRequest, person_id: uuid.UUID, channel_id: uuid.UUID) -> HttpResponse:
    person = _located_person(request, person_id, section="end a contact channel", edit=True)
    channel = _channel(request, person, channel_id)
    form = forms.EndDateForm(request.POST or None)
    if request.method == "POST":
        done = run_action(
            form,
            lambda data: actions.contact_channel_end(actor=request.user, channel=channel, ended_on=data["ended_on"]),
        )
        if done is not None:
            return redirect("people:contact", person_id=person.pk)
    return render(
        request, "people/simple_form.html", {"form": form, "title": "Stop using this contact method", "person": person}
    )


@signed_in()
@require_http_methods(["GET", "POST"])
def person_archive(request: AuthenticatedHttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = _person(request, person_id, section="archive")
    if not access.can_archive_person(request.user, person):
        raise PermissionDenied("Only a team manager of the holding agency can archive a record.")
    form = forms.ArchiveForm(request.POST or None)
    if request.method == "POST":
        done = run_action(
            form, lambda data: actions.person_archive(actor=request.user, person=person, reason=data["reason"])
        )
        if done is not None:
            return redirect("people:detail", person_id=person.pk)
    return render(
        request,
        "people/simple_form.html",
        {
            "form": form,
            "title": "Archive this record",
            "person": person,
            "hint": "The record will no longer appear in lists. Nothing is deleted and it stays in the history.",
        },
    )
