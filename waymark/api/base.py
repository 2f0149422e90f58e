"""The base of every API view, wherever its app is: the partnership's permission, JSON only,
size-limited bodies, and pages of 50.

Apps define their own endpoints (``housing/api.py``, ``training/api.py``...) on ``ApiView``;
``waymark/api/urls.py`` collects them. This module imports no app above accounts, so every app
may use it (docs/architecture.md, "Layers").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer

from waymark.api.permissions import LimitedJSONParser, PartnershipApiPermission

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedRequest


class Pages(PageNumberPagination):
    page_size = 50
    max_page_size = 100
    page_size_query_param = "page_size"


class ApiView(GenericAPIView):
    request: AuthenticatedRequest  # PartnershipApiPermission admits only a signed-in user or service account
    permission_classes = [PartnershipApiPermission]
    renderer_classes = [JSONRenderer]
    parser_classes = [LimitedJSONParser]
    pagination_class = Pages
