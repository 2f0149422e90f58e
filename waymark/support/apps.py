from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "waymark.support"
    verbose_name = "Safety and support plans, interventions, legal orders and children"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import waymark.support.sar  # noqa: F401  (its part of a subject access request)
        from waymark.support import hooks  # noqa: F401
