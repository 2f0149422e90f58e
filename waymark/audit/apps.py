from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "waymark.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from waymark.audit import home  # noqa: F401  (registers the auditors' home panel)
