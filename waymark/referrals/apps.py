from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "waymark.referrals"
    verbose_name = "Referrals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import waymark.referrals.sar  # noqa: F401  (its part of a subject access request)
        from waymark.referrals import home  # noqa: F401  (registers the home-page panels)
