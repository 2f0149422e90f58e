from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "waymark.cases"
    verbose_name = "Cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import waymark.cases.sar  # noqa: F401  (its part of a subject access request)

        # Opening a case when a referral is accepted, and the home-page panels.
        from waymark.cases import hooks  # noqa: F401
