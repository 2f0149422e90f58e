"""Allauth adapters: Waymark accounts are made by administrators, never by sign-up, and MFA
secrets are encrypted at rest."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.http import HttpRequest

from waymark.core import crypto


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False


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
