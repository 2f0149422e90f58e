"""Registers ``manage.py report training`` (imported by AppConfig.ready)."""

from waymark.training import reports  # noqa: F401
