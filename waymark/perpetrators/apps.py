from django.apps import AppConfig


class PerpetratorsConfig(AppConfig):
    name = "waymark.perpetrators"
    verbose_name = "Perpetrator programme"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import waymark.perpetrators.sar  # noqa: F401  (its part of a subject access request)
        from waymark.perpetrators import hooks  # noqa: F401
