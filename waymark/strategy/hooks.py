"""Home-page panels (imported by AppConfig.ready)."""
