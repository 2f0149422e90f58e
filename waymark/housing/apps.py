from django.apps import AppConfig


class HousingConfig(AppConfig):
    name = "waymark.housing"
    verbose_name = "Housing: homelessness applications, temporary accommodation and the DA tenancy panel"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import waymark.housing.sar  # noqa: F401  (its part of a subject access request)

        # hooks: panels, navigation, the journey source; extract: registers `manage.py report housing`.
        from waymark.housing import extract, hooks  # noqa: F401
