from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "waymark.risk"
    label = "risk"
    verbose_name = "Risk identification"

    def ready(self) -> None:
        import waymark.risk.sar  # noqa: F401  (its part of a subject access request)
        from waymark.risk import home  # noqa: F401  (registers the home-page panel)
