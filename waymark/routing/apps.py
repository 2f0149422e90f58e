from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "waymark.routing"
    label = "routing"
    verbose_name = "Routing on triage"
