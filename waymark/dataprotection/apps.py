from django.apps import AppConfig


class DataProtectionConfig(AppConfig):
    name = "waymark.dataprotection"
    label = "dataprotection"
    verbose_name = "Data protection"
