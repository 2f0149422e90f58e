from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "waymark.risk"
    label = "risk"
    verbose_name = "Risk identification"

    def ready(self) -> None:
        import waymark.risk.sar  # noqa: F401  (its part of a subject access request)
        from waymark.people.pages import register_person_page_flag
        from waymark.risk import home  # noqa: F401  (registers the home-page panel)
        from waymark.risk.access import has_risk_role

        # The person page links to the risk history for those who work with risk.
        register_person_page_flag("sees_risk", has_risk_role)
