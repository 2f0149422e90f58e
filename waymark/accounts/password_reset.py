"""Password reset requests: the same work for every address typed, the account looked up by the worker.

The request page must not tell an attacker which staff addresses have accounts. Its answer was
always the same redirect, but a real account's request made the reset token, rendered the email
and queued it while an unknown address's did nothing, so the response time told them apart.

Here the request does one thing whatever was typed: it queues ``send_password_reset`` carrying
the typed address and the moment of the request, encrypted while they wait in the queue (an
address, and when it was typed, are personal data). The worker looks the address up and, only for
an active person account, makes the token and sends the link to the account's own address (never
the address as typed: the lookup ignores case, and two addresses can lowercase alike); for any
other address it does what allauth's settings say (nothing, or allauth's "unknown account" email
when ``ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS`` is on).

A link's lifetime (``PASSWORD_RESET_TIMEOUT``) runs from the request, not from when the worker
gets to it: Django's token carries the time it was made, so the worker makes it as at the request
(``token_generator_as_at``), and a late job or a retry cannot send a link that outlives the hour
she asked within. A request already older than that lifetime when the worker reaches it sends
nothing (logged, without the address).

allauth's rate limits still apply: its view counts the request before it calls ``save``. The
link starts with ``WAYMARK_BASE_URL``, as every link in a worker's email does
(``AccountAdapter.get_reset_password_from_key_url``).
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any

from allauth.account import app_settings
from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordForm
from allauth.account.internal.userkit import filter_users_by_email
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from waymark.accounts.adapter import absolute_url, email_site
from waymark.accounts.models import AccountKind, User
from waymark.core import crypto
from waymark.core.tasks import background_task, enqueue_after_commit

logger = logging.getLogger(__name__)


class QueuedResetPasswordForm(ResetPasswordForm):
    """allauth's reset request form, without looking the address up during the request."""

    def clean_email(self) -> str:
        if app_settings.PASSWORD_RESET_BY_CODE_ENABLED:  # a code needs the request's session
            return super().clean_email()
        email: str = self.cleaned_data["email"]
        get_adapter().clean_email(email.lower())  # the adapter may still refuse an address
        self.users: list[Any] = []  # not known here: the worker looks
        return email

    def save(self, request: HttpRequest, **kwargs: Any) -> str:
        if app_settings.PASSWORD_RESET_BY_CODE_ENABLED:
            return super().save(request, **kwargs)
        email: str = self.cleaned_data["email"]
        queue_password_reset(email)
        return email


def queue_password_reset(email: str) -> None:
    """Queue the reset for the typed address, whether or not it has an account, with the moment
    it was asked for (the link's lifetime runs from then)."""
    request = {"email": email, "requested_at": timezone.now().isoformat()}
    enqueue_after_commit(send_password_reset, crypto.encrypt_text(json.dumps(request)))


def link_lifetime() -> timedelta:
    """How long a reset link works, from the request: Django's ``PASSWORD_RESET_TIMEOUT``, which
    its token check enforces."""
    return timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


def token_generator_as_at(moment: datetime) -> PasswordResetTokenGenerator:
    """allauth's reset token generator, making tokens as if at ``moment``.

    Django's token carries the time it was made, and its check refuses it
    ``PASSWORD_RESET_TIMEOUT`` seconds after that time; a token made as at the request expires
    that long after the request. The generator reads the time as a naive local ``datetime.now()``,
    so ``moment`` is given the same way.
    """
    as_at = moment.astimezone().replace(tzinfo=None)
    generator_class = app_settings.PASSWORD_RESET_TOKEN_GENERATOR
    as_at_class = type(f"{generator_class.__name__}AsAtRequest", (generator_class,), {"_now": lambda self: as_at})
    return as_at_class()


def reset_users(email: str) -> list[User]:
    """The accounts a reset link for ``email`` may go to: active people, never a service account
    (another system, which never signs in) and never a deactivated account."""
    users = filter_users_by_email(email.lower(), is_active=True, prefer_verified=True, for_login=True)
    return [user for user in users if user.kind == AccountKind.PERSON]


def _read_request(plaintext: str) -> tuple[str, datetime] | None:
    """The typed address and when it was typed; None for a job queued with the address alone."""
    try:
        request = json.loads(plaintext)
    except json.JSONDecodeError:
        return None
    if not isinstance(request, dict):
        return None
    return request["email"], datetime.fromisoformat(request["requested_at"])


@background_task(encrypted=("encrypted_request",))
def send_password_reset(encrypted_request: str) -> None:
    """Send the reset link for a typed address, if it is an active person's account and the
    request is younger than a link's lifetime; the link expires that long after the request.

    Returns nothing, so the queue's record of the job does not say whether the address had an
    account. Retried like any job if the mail server is down; a retry makes a new token, as at the
    same request.
    """
    request = _read_request(crypto.decrypt_text(encrypted_request))
    if request is None:
        # Queued before requests carried their time (the bare address): how old it is is unknown.
        logger.warning("Password reset request not sent: it was queued without the time it was made.")
        return
    email, requested_at = request
    age = timezone.now() - requested_at
    if age >= link_lifetime():
        logger.warning(
            "Password reset request not sent: it was made %d minutes ago and a link lasts %d minutes from the request.",
            age.total_seconds() // 60,
            link_lifetime().total_seconds() // 60,
        )
        return
    adapter = get_adapter()
    context: dict[str, Any] = {"email": email, "current_site": email_site(), "request": None}
    users = reset_users(email)
    if not users:
        if app_settings.EMAIL_UNKNOWN_ACCOUNTS:
            context["signup_url"] = absolute_url(reverse("account_signup"))
            adapter.render_mail("account/email/unknown_account", email, context).send()
        return
    token_generator = token_generator_as_at(requested_at)
    for user in users:
        uid = user_pk_to_url_str(user)
        temp_key = token_generator.make_token(user)
        # To the account's own address, never the address as typed: the lookup matches them
        # lowercased, and different addresses can lowercase alike (a Kelvin sign, U+212A, is "k").
        link_context = {
            **context,
            "email": user.email,
            "user": user,
            "password_reset_url": adapter.get_reset_password_from_key_url(f"{uid}-{temp_key}"),
            "uid": uid,
            "key": temp_key,
        }
        adapter.render_mail("account/email/password_reset_key", user.email, link_context).send()
