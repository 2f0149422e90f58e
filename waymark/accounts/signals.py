"""Audit receivers for sign-in events raised by Django, allauth and axes.

Authentication happens inside those libraries, so their signals are the one place to see it.
These receivers only write audit rows; they hold no business rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from waymark.accounts.lockout import normalise_login, typed_login
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction, AuditOutcome

# When the session began: set at sign-in here, read by the absolute session limit
# (waymark.web.middleware.AbsoluteSessionTimeoutMiddleware).
SESSION_STARTED_KEY = "waymark_signed_in_at"

if TYPE_CHECKING:
    from waymark.accounts.models import User


def _known_user(login: str | None) -> Any | None:
    if not login:
        return None
    return get_user_model().objects.filter(email__iexact=login).first()


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED_KEY] = timezone.now().isoformat()
    audit_record(actor=user, action=AuditAction.LOGIN, obj=user)


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action=AuditAction.LOGOUT, obj=user)


@receiver(user_login_failed)
def audit_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # The typed address is not stored: for an unknown account it may be anyone's.
    user = _known_user(credentials.get("email") or credentials.get("username") or credentials.get("login"))
    audit_record(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        obj=user,
        outcome=AuditOutcome.FAILURE,
        detail={"known_account": user is not None},
    )


@receiver(user_locked_out)
def audit_locked_out(sender: Any, request: Any, username: str | None, ip_address: str | None, **kwargs: Any) -> None:
    # Axes only knows a hash of the typed address (waymark/accounts/lockout.py); the form has it.
    user = _known_user(normalise_login(typed_login(request, None)))
    audit_record(
        actor=None,
        action=AuditAction.LOCKED_OUT,
        obj=user,
        outcome=AuditOutcome.DENIED,
        detail={"known_account": user is not None},
    )


@receiver(account_signals.password_changed)
def audit_password_changed(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    audit_record(actor=user, action=AuditAction.PASSWORD_CHANGED, obj=user)


@receiver(account_signals.password_reset)
def audit_password_reset(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    audit_record(actor=None, action=AuditAction.PASSWORD_RESET, obj=user, actor_label=str(user))


@receiver(mfa_signals.authenticator_added)
def audit_mfa_added(sender: Any, request: Any, user: User, authenticator: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action=AuditAction.MFA_ADDED, obj=user, detail={"type": authenticator.type})


@receiver(mfa_signals.authenticator_removed)
def audit_mfa_removed(sender: Any, request: Any, user: User, authenticator: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action=AuditAction.MFA_REMOVED, obj=user, detail={"type": authenticator.type})


@receiver(mfa_signals.authentication_failed)
def audit_mfa_failed(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    audit_record(
        actor=None,
        action=AuditAction.MFA_FAILED,
        obj=user,
        outcome=AuditOutcome.FAILURE,
        actor_label=str(user),
    )
