"""docs/access-matrix.md is what the views' access rules say now (manage.py access_matrix)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command


def test_the_committed_access_matrix_matches_the_code():
    out = io.StringIO()
    call_command("access_matrix", "--check", stdout=out)
    assert "up to date" in out.getvalue()


def test_the_check_fails_when_the_file_differs(tmp_path):
    stale = tmp_path / "access-matrix.md"
    stale.write_text("# Access matrix\n\n(an old copy)\n", encoding="utf-8")
    with pytest.raises(CommandError) as failure:
        call_command("access_matrix", "--check", "--path", str(stale))
    assert failure.value.returncode == 1


def test_the_matrix_names_every_role_and_the_admin_pages(tmp_path):
    target = tmp_path / "matrix.md"
    call_command("access_matrix", "--path", str(target), stdout=io.StringIO())
    text = target.read_text(encoding="utf-8")
    from waymark.core.roles import Role

    for role in Role:
        assert f"| {role.label} |" in text
    assert "| `/audit/` | audit:search | Auditor |" in text
