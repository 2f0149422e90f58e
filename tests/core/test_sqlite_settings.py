"""SQLite connections read with a larger page cache, memory-mapped pages and in-memory sorts (see
the reason in waymark/config/settings.py): without them every report query on the embedded
default read its pages back from the operating system."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_every_connection_has_the_reading_pragmas():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == -32768  # 32 MB
        cursor.execute("PRAGMA temp_store")
        assert cursor.fetchone()[0] == 2  # memory


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_a_database_file_is_read_memory_mapped(tmp_path):
    """The tests' database is in memory, where nothing is mapped: a file one, as ``make run``'s, is
    opened with the same settings."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    wrapper = DatabaseWrapper({**connection.settings_dict, "NAME": str(tmp_path / "waymark.sqlite3")})
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA mmap_size")
            assert cursor.fetchone()[0] == 1024**3
    finally:
        wrapper.close()
