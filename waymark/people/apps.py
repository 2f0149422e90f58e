from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "waymark.people"
    label = "people"
    verbose_name = "People and households"

    def ready(self) -> None:
        import waymark.people.sar  # noqa: F401  (its part of a subject access request)
        from waymark.people import home  # noqa: F401  (registers the home-page panel)
