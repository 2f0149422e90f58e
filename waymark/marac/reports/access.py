"""Who reads the MARAC figures: aggregates only, never a case, never a victim named."""

from __future__ import annotations

from waymark.core.roles import Role

# Roles that read the MARAC figures (aggregates only, never a case).
MARAC_REPORT_ROLES: frozenset[Role] = frozenset({Role.COMMISSIONER, Role.PARTNERSHIP_LEAD, Role.MARAC_COORDINATOR})
