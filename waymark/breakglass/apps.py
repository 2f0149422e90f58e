from django.apps import AppConfig


class BreakGlassConfig(AppConfig):
    name = "waymark.breakglass"
    label = "breakglass"
    verbose_name = "Break-glass access"

    def ready(self) -> None:
        # The people and case scopes honour an active break-glass grant through their hooks
        # (lower apps never import this one).
        from waymark.breakglass import access
        from waymark.cases.access import register_case_grant
        from waymark.people.access import register_person_grant

        register_person_grant(access.person_grant)
        register_case_grant(access.case_grant)
