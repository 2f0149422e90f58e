from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "waymark.risk"
    label = "risk"
    verbose_name = "Risk identification"

    def ready(self) -> None:
        from waymark.risk import home  # noqa: F401  (registers the home-page panel)
