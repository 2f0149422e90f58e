from django.apps import AppConfig


class JourneyConfig(AppConfig):
    name = "waymark.journey"
    verbose_name = "Journey (one timeline per person)"
    default_auto_field = "django.db.models.BigAutoField"
