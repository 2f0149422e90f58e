from django.apps import AppConfig


class DataProtectionConfig(AppConfig):
    name = "waymark.dataprotection"
    label = "dataprotection"
    verbose_name = "Data protection"

    def ready(self) -> None:
        from waymark.dataprotection import home  # noqa: F401  (registers the home-page panel)
