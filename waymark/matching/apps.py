from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "waymark.matching"
    label = "matching"
    verbose_name = "Known-person matching"

    def ready(self) -> None:
        # The auditors' home panel of search alerts.
        from waymark.matching import home  # noqa: F401
        from waymark.matching.engine import refresh_search_keys
        from waymark.people.changes import register_person_changed

        # A person's search keys are rebuilt in the same transaction as every change to them.
        register_person_changed(refresh_search_keys)
