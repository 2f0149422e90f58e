from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "waymark.interchange"
    verbose_name = "Import and export (interchange format)"
