from django.apps import AppConfig


class PerpetratorsConfig(AppConfig):
    name = "waymark.perpetrators"
    verbose_name = "Perpetrator programme"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from waymark.perpetrators import hooks  # noqa: F401
