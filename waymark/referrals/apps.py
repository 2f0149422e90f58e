from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "waymark.referrals"
    verbose_name = "Referrals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import waymark.referrals.sar  # noqa: F401  (its part of a subject access request)

        # The home-page panels, and the grant of referred people to the receiving service.
        from waymark.referrals import home, hooks  # noqa: F401
