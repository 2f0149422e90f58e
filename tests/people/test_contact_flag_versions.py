"""A contact channel's safety flags lose no update (issue 11, deliverable 4): "not safe to leave a
voicemail", set by one worker, is never overwritten by a form another opened before it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from waymark.core.versioning import StaleEdit
from waymark.people import actions
from waymark.people.choices import ChannelKind
from waymark.people.models import ContactChannel

pytestmark = pytest.mark.django_db

FLAGS = ("safe_to_call", "safe_to_leave_voicemail", "safe_to_text", "safe_to_write", "perpetrator_knows")


def _flags(channel, **changes):
    return {name: getattr(channel, name) for name in FLAGS} | changes


def test_a_stale_flag_change_is_refused_and_the_first_kept(idva, survivor):
    channel = actions.contact_channel_add(actor=idva, person=survivor, kind=ChannelKind.MOBILE, value="07700 900123")
    read_at = channel.version
    first, second = ContactChannel.objects.get(pk=channel.pk), ContactChannel.objects.get(pk=channel.pk)
    assert actions.contact_channel_update_flags(
        actor=idva, channel=first, flags=_flags(first, safe_to_leave_voicemail="no"), read_version=read_at
    ) == ["safe_to_leave_voicemail"]
    with pytest.raises(StaleEdit):
        actions.contact_channel_update_flags(
            actor=idva, channel=second, flags=_flags(second, safe_to_leave_voicemail="yes"), read_version=read_at
        )
    channel.refresh_from_db()
    assert channel.safe_to_leave_voicemail == "no" and channel.version == read_at + 1


def test_the_flags_page_carries_the_version_and_a_stale_save_gets_the_conflict_page(idva, survivor, client_for):
    channel = actions.contact_channel_add(actor=idva, person=survivor, kind=ChannelKind.MOBILE, value="07700 900123")
    url = reverse("people:channel_flags", args=[survivor.pk, channel.pk])
    client = client_for(idva)
    page = client.get(url).content.decode()
    assert 'name="version"' in page and 'name="read_state"' in page
    actions.contact_channel_update_flags(
        actor=idva, channel=channel, flags=_flags(channel, safe_to_leave_voicemail="no")
    )
    stale = client.post(url, _flags(channel, safe_to_leave_voicemail="yes", safe_to_text="no") | {"version": 1})
    assert stale.status_code == 409
    channel.refresh_from_db()
    assert channel.safe_to_leave_voicemail == "no"
