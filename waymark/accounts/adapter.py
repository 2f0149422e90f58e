"""Allauth adapters: Waymark accounts are made by administrators, never by sign-up, and MFA
secrets are encrypted at rest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import force_str

from waymark.core import crypto
from waymark.core.tasks import queue_email

if TYPE_CHECKING:
    from waymark.accounts.models import User


@dataclass(frozen=True)
class EmailSite:
    """What allauth's email templates call ``current_site``, for an email the worker renders."""

    domain: str
    name: str


def email_site() -> EmailSite:
    """The site as a request to ``WAYMARK_BASE_URL`` would name it (its host and port)."""
    host = urlsplit(settings.WAYMARK_BASE_URL).netloc
    return EmailSite(domain=host, name=host)


def absolute_url(path: str) -> str:
    """A link in an email the worker sends, which has no request to take a host from."""
    return settings.WAYMARK_BASE_URL.rstrip("/") + path


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """No allauth limit on password failures: django-axes counts them per account and IP.

        allauth's other limits stay on, among them the one on wrong MFA codes.
        """

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        """A deactivated account answers exactly as a wrong password does.

        allauth would otherwise show an "account inactive" page, telling whoever typed the
        password that it was right. Django has already sent ``user_login_failed``, so the
        attempt counts towards lockout and is audited as a failed sign-in.
        """
        user = super().authenticate(request, **credentials)
        if user is not None and not user.is_active:
            return None
        # A service account (another system) never signs in: it uses the API with a token.
        if user is not None and getattr(user, "kind", "person") != "person":
            return None
        return user

    def get_reauthentication_methods(self, user: User) -> list[dict[str, Any]]:
        """A second factor first, a security key before an app code, the password last.

        allauth sends a user who must re-authenticate to the first method listed; privileged
        changes (waymark/web/reauth.py) accept only a second factor.
        """
        order = {"mfa_reauthenticate:webauthn": 0, "mfa_reauthenticate": 1, "reauthenticate": 2}
        methods = super().get_reauthentication_methods(user)
        return sorted(methods, key=lambda method: order.get(method["id"], 3))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Security emails (password changed, MFA added) are sent by the worker, after the change
        commits, and retried if the mail server is down. The message is encrypted while it waits
        in the queue. (A password reset link is made and sent by the worker itself:
        waymark/accounts/password_reset.py.)"""
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        queue_email(self.render_mail(template_prefix, email, ctx))

    def format_email_subject(self, subject: str) -> str:
        """allauth names the site after the request's host; the worker, which sends password reset
        links (waymark/accounts/password_reset.py), has no request and names it after
        ``WAYMARK_BASE_URL``'s."""
        from allauth.core import context as allauth_context

        if app_settings.EMAIL_SUBJECT_PREFIX is None and allauth_context.request is None:
            return f"[{email_site().name}] {force_str(subject)}"
        return super().format_email_subject(subject)

    def get_reset_password_from_key_url(self, key: str) -> str:
        """The link in a password reset email. The worker makes it, with no request, so it starts
        with ``WAYMARK_BASE_URL`` as every link in a worker's email does (never with the Host
        header of whoever asked for the reset)."""
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return absolute_url(path.replace("UID-KEY", quote(key)))


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return crypto.encrypt_text(text)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt_text(encrypted_text)

    def can_delete_authenticator(self, authenticator: Any) -> bool:
        # Everyone must keep MFA: the last authenticator cannot be removed.
        from allauth.mfa.models import Authenticator

        remaining = (
            Authenticator.objects.filter(user=authenticator.user)
            .exclude(type=Authenticator.Type.RECOVERY_CODES)
            .exclude(pk=authenticator.pk)
        )
        return remaining.exists()
