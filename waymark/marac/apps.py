from django.apps import AppConfig


class MaracConfig(AppConfig):
    name = "waymark.marac"
    label = "marac"
    verbose_name = "MARAC"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import waymark.marac.sar  # noqa: F401  (its part of a subject access request)

        # Registers the MARAC reports with the ``manage.py report`` dispatcher.
        # home and flags register home-page panels and hooks; hooks the people its cases name as
        # causing harm (``waymark.people.selectors``).
        from waymark.marac import flags, home, hooks  # noqa: F401
        from waymark.marac.reports import returns, selectors  # noqa: F401
