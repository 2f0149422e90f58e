from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "waymark.organisations"
    label = "organisations"
    verbose_name = "Agencies, teams and memberships"
