from django.apps import AppConfig


class MaracConfig(AppConfig):
    name = "waymark.marac"
    label = "marac"
    verbose_name = "MARAC"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the MARAC reports with the ``manage.py report`` dispatcher.
        # home, flags and meetings register home-page panels and hooks.
        from waymark.marac import flags, home, meetings, reports  # noqa: F401
