from django.apps import AppConfig


class MaracConfig(AppConfig):
    name = "waymark.marac"
    label = "marac"
    verbose_name = "MARAC"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the MARAC reports with the ``manage.py report`` dispatcher.
        from waymark.marac import home, reports  # noqa: F401  (home registers the home-page panel)
