from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "waymark.incidents"
    label = "incidents"
    verbose_name = "Incidents"

    def ready(self) -> None:
        import waymark.incidents.sar  # noqa: F401  (its part of a subject access request)
