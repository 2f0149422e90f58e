from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "waymark.api"
    verbose_name = "REST API"
