from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "waymark.accounts"
    label = "accounts"
    verbose_name = "User accounts"

    def ready(self) -> None:
        from waymark.accounts import signals  # noqa: F401  (connects audit receivers)
