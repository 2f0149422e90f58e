"""Moved to ``waymark.core.roles`` (the kernel: every layer names roles). Kept while importers move."""

from waymark.core.roles import (
    OVERSIGHT_ROLES,
    RECORD_OPENING_ROLES,
    ROLE_DESCRIPTIONS,
    SINGLE_KEY_ROLES,
    TWO_KEY_ROLES,
    Role,
)

__all__ = ["OVERSIGHT_ROLES", "RECORD_OPENING_ROLES", "ROLE_DESCRIPTIONS", "SINGLE_KEY_ROLES", "TWO_KEY_ROLES", "Role"]
