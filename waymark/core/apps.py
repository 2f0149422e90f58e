from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "waymark.core"
    label = "core"
    verbose_name = "Waymark core"

    def ready(self) -> None:
        from waymark.core import checks  # noqa: F401  (registers the system checks)


class WaymarkAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "waymark.core.admin_site.WaymarkAdminSite"
