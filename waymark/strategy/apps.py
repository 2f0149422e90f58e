from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "waymark.strategy"
    verbose_name = "VAWG strategy and action plan"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the home-page panels.
        from waymark.strategy import hooks  # noqa: F401
