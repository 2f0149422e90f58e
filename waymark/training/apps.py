from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "waymark.training"
    verbose_name = "Training, champions and peer supporters"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers ``manage.py report training`` and the home-page panels.
        from waymark.training import hooks  # noqa: F401
