from django.apps import AppConfig


class DataProtectionConfig(AppConfig):
    name = "waymark.dataprotection"
    label = "dataprotection"
    verbose_name = "Data protection"

    def ready(self) -> None:
        # The home-page panel, and its part of a subject access request (who has viewed the record).
        from waymark.dataprotection import home, sar  # noqa: F401
