"""This app's registrations in lower apps' registries (imported by AppConfig.ready)."""
