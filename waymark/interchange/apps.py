from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "waymark.interchange"
    verbose_name = "Import and export (interchange format)"

    def ready(self) -> None:
        from waymark.interchange import jobs  # noqa: F401  (registers the daily job that wipes expired exports)
