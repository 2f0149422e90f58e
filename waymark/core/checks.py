"""System checks that keep production from running with a way around MFA.

``manage.py check --deploy`` (run by CI under production settings) and every server start call
these. In production each finding is an error, so the process refuses to start; elsewhere the
same findings are warnings, so a developer notices them before they travel.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

# Settings that, when truthy, let someone sign in without Waymark's second factor.
MFA_SKIPPING_SETTINGS: dict[str, str] = {
    "MFA_TOTP_INSECURE_BYPASS_CODE": "a fixed code that passes as any user's TOTP code",
    "MFA_TRUST_ENABLED": "'trust this browser', which skips MFA on later sign-ins",
    "ACCOUNT_LOGIN_BY_CODE_ENABLED": "sign-in by emailed code instead of password and MFA",
    "ACCOUNT_LOGIN_BY_CODE_TRUST_ENABLED": "'trust this browser' after sign-in by emailed code",
    "ACCOUNT_LOGIN_BY_CODE_REQUIRED": "sign-in by emailed code",
    "MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN": "security keys accepted from plain-HTTP origins",
}

# Middleware without which the MFA requirement is not enforced at all.
REQUIRED_MIDDLEWARE = (
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "waymark.web.middleware.AccessPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
)


def _finding(production: bool, msg: str, hint: str, id_number: int) -> CheckMessage:
    if production:
        return Error(msg, hint=hint, id=f"waymark.E{id_number:03d}")
    return Warning(msg, hint=hint, id=f"waymark.W{id_number:03d}")


@register(Tags.security, deploy=False)
def check_nothing_skips_mfa(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Errors (in production) for any setting that would let a sign-in skip MFA."""
    production = bool(getattr(settings, "PRODUCTION", False))
    findings: list[CheckMessage] = []
    for name, what in MFA_SKIPPING_SETTINGS.items():
        if name == "MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN" and not production:
            continue  # development runs on http://127.0.0.1 by design
        if getattr(settings, name, None):
            findings.append(
                _finding(
                    production,
                    f"{name} is set: it allows {what}.",
                    "Remove it. Every Waymark sign-in needs a password and a second factor.",
                    1,
                )
            )
    if not getattr(settings, "MFA_SUPPORTED_TYPES", None):
        findings.append(
            _finding(production, "MFA_SUPPORTED_TYPES is empty.", "Offer TOTP, WebAuthn and recovery codes.", 2)
        )
    middleware = list(getattr(settings, "MIDDLEWARE", []))
    for name in REQUIRED_MIDDLEWARE:
        if name not in middleware:
            findings.append(
                _finding(production, f"{name} is missing from MIDDLEWARE.", "Restore it: access rules depend on it.", 3)
            )
    return findings
