from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "waymark.referrals"
    verbose_name = "Referrals"
    default_auto_field = "django.db.models.BigAutoField"
