from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "waymark.api"
    verbose_name = "REST API"

    def ready(self) -> None:
        # Registers the schema extension for the service-token authentication (by subclassing).
        from waymark.api import schema  # noqa: F401
