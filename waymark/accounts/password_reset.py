"""Password reset requests: the same work for every address typed, the account looked up by the worker.

The request page must not tell an attacker which staff addresses have accounts. Its answer was
always the same redirect, but a real account's request made the reset token, rendered the email
and queued it while an unknown address's did nothing, so the response time told them apart.

Here the request does one thing whatever was typed: it queues ``send_password_reset`` carrying
the typed address, encrypted while it waits in the queue (an address, and when it was typed, are
personal data). The worker looks the address up and, only for an active person account, makes
the token and sends the link; for any other address it does what allauth's settings say
(nothing, or allauth's "unknown account" email when ``ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS`` is on).

allauth's rate limits still apply: its view counts the request before it calls ``save``. The
link starts with ``WAYMARK_BASE_URL``, as every link in a worker's email does
(``AccountAdapter.get_reset_password_from_key_url``).
"""

from __future__ import annotations

from typing import Any

from allauth.account import app_settings
from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordForm
from allauth.account.internal.userkit import filter_users_by_email
from allauth.account.utils import user_pk_to_url_str
from django.http import HttpRequest
from django.urls import reverse

from waymark.accounts.adapter import absolute_url, email_site
from waymark.accounts.models import AccountKind, User
from waymark.core import crypto
from waymark.core.tasks import background_task, enqueue_after_commit


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
    """Queue the reset for the typed address, whether or not it has an account."""
    enqueue_after_commit(send_password_reset, crypto.encrypt_text(email))


def reset_users(email: str) -> list[User]:
    """The accounts a reset link for ``email`` may go to: active people, never a service account
    (another system, which never signs in) and never a deactivated account."""
    users = filter_users_by_email(email.lower(), is_active=True, prefer_verified=True, for_login=True)
    return [user for user in users if user.kind == AccountKind.PERSON]


@background_task(encrypted=("encrypted_email",))
def send_password_reset(encrypted_email: str) -> None:
    """Send the reset link for a typed address, if it is an active person's account.

    Returns nothing, so the queue's record of the job does not say whether the address had an
    account. Retried like any job if the mail server is down; a retry makes a new token.
    """
    email = crypto.decrypt_text(encrypted_email)
    adapter = get_adapter()
    context: dict[str, Any] = {"email": email, "current_site": email_site(), "request": None}
    users = reset_users(email)
    if not users:
        if app_settings.EMAIL_UNKNOWN_ACCOUNTS:
            context["signup_url"] = absolute_url(reverse("account_signup"))
            adapter.render_mail("account/email/unknown_account", email, context).send()
        return
    token_generator = app_settings.PASSWORD_RESET_TOKEN_GENERATOR()
    for user in users:
        uid = user_pk_to_url_str(user)
        temp_key = token_generator.make_token(user)
        link_context = {
            **context,
            "user": user,
            "password_reset_url": adapter.get_reset_password_from_key_url(f"{uid}-{temp_key}"),
            "uid": uid,
            "key": temp_key,
        }
        adapter.render_mail("account/email/password_reset_key", email, link_context).send()
