from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class WebConfig(AppConfig):
    default = True
    name = "waymark.web"
    label = "web"
    verbose_name = "Waymark web"


class WaymarkAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "waymark.web.admin_site.WaymarkAdminSite"
