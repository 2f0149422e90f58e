from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "waymark.matching"
    label = "matching"
    verbose_name = "Known-person matching"

    def ready(self) -> None:
        # The auditors' home panel of search alerts.
        from waymark.matching import home  # noqa: F401
