from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "waymark.outcomes"
    verbose_name = "Outcomes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import waymark.outcomes.sar  # noqa: F401  (its part of a subject access request)

        # ``hooks`` registers the outcomes report with ``manage.py report`` and the home-page
        # panels; ``facts`` the nightly refresh of the kept risk ranks.
        from waymark.outcomes import facts, hooks  # noqa: F401
