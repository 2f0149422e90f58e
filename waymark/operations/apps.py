from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "waymark.operations"
    verbose_name = "Operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The daily reminder jobs and the administrators' home panel.
        from waymark.operations import home, reminders  # noqa: F401
