from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "waymark.core"
    label = "core"
    verbose_name = "Waymark core"


class WaymarkAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "waymark.core.admin_site.WaymarkAdminSite"
