from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    name = "waymark.commissioning"
    verbose_name = "Commissioning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The home-page panel (contracts ending soon), and the nightly splits (``daily``).
        from waymark.commissioning import daily, hooks, needs  # noqa: F401
