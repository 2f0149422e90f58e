"""PostgreSQL connections run with JIT off (see the reason in waymark/config/settings.py)."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: SQLite has no JIT")
def test_jit_is_off_on_every_connection():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
