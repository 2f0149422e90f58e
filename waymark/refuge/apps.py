from django.apps import AppConfig


class RefugeConfig(AppConfig):
    name = "waymark.refuge"
    verbose_name = "Safe accommodation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import waymark.refuge.sar  # noqa: F401  (its part of a subject access request)

        # Home panels, navigation, the journey source and the annual-return report.
        from waymark.refuge import hooks  # noqa: F401
