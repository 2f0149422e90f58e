from django.apps import AppConfig


class CoreConfig(AppConfig):
    default = True
    name = "waymark.core"
    label = "core"
    verbose_name = "Waymark core"

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from waymark.core import checks  # noqa: F401  (registers the system checks)
        from waymark.core.daterange import refuse_insane_dates

        # Every model refuses a date outside 1900-2100, whoever saves it (docs/security.md).
        pre_save.connect(refuse_insane_dates, dispatch_uid="waymark.core.refuse_insane_dates")
