"""How the OpenAPI schema describes the service-token authentication (drf-spectacular cannot guess
it for a class of ours, and warns; `check --deploy --fail-level WARNING` would fail on that)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ServiceTokenScheme(OpenApiAuthenticationExtension):
    target_class = "waymark.api.tokens.ServiceTokenAuthentication"
    name = "serviceToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A service account's token: `Authorization: Bearer <token>` (or `Token <token>`).",
        }
