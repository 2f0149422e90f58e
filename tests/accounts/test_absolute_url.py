"""Links in the emails the worker sends: it has no request to take a host from, so every link is
``absolute_url(path)`` (waymark/accounts/adapter.py), ``WAYMARK_BASE_URL`` and the path, built in
that one place. No other module reads the setting (the settings module defines it)."""

from __future__ import annotations

import ast
from pathlib import Path

from django.test import override_settings

from waymark.accounts.adapter import absolute_url

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "waymark"
SETTING = "WAYMARK_BASE_URL"
# Where the setting may be read, and why.
ALLOWED = {
    "waymark/config/settings.py": "defines it",
    "waymark/accounts/adapter.py": "absolute_url, and email_site (the host allauth's templates name)",
}


def readers_of_the_setting(source: str) -> list[int]:
    """Lines reading ``WAYMARK_BASE_URL``: ``settings.WAYMARK_BASE_URL`` or by name, as in
    ``getattr(settings, "WAYMARK_BASE_URL", ...)``."""
    return sorted(
        node.lineno
        for node in ast.walk(ast.parse(source))
        if (isinstance(node, ast.Attribute) and node.attr == SETTING)
        or (isinstance(node, ast.Constant) and node.value == SETTING)
    )


def test_links_to_waymark_are_built_by_absolute_url_alone():
    found = {}
    for path in sorted(SOURCE.rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name not in ALLOWED and (lines := readers_of_the_setting(path.read_text(encoding="utf-8"))):
            found[name] = lines
    assert not found, f"Build these links with waymark.accounts.adapter.absolute_url: {found}"


def test_the_lint_finds_each_way_of_reading_the_setting():
    assert readers_of_the_setting("link = settings.WAYMARK_BASE_URL.rstrip('/') + path") == [1]
    assert readers_of_the_setting("link = getattr(settings, 'WAYMARK_BASE_URL', '') + path") == [1]
    assert readers_of_the_setting('"""Links start with WAYMARK_BASE_URL."""') == []


@override_settings(WAYMARK_BASE_URL="https://waymark.example.gov.uk/partnership/")
def test_an_absolute_url_is_the_base_without_its_last_slash_then_the_path():
    assert absolute_url("/referrals/?x=1") == "https://waymark.example.gov.uk/partnership/referrals/?x=1"
