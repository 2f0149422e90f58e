from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "waymark.accounts"
    label = "accounts"
    verbose_name = "User accounts"

    def ready(self) -> None:
        # The audit receivers for sign-in events, and the administrators' home panel.
        from waymark.accounts import home, signals  # noqa: F401
