"""Registers this app's home-page panels and hooks (imported by AppConfig.ready)."""
