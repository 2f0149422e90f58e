from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "waymark.incidents"
    label = "incidents"
    verbose_name = "Incidents"
