"""The default routing rules (see waymark/routing/rules.py for how they are evaluated)."""

from django.db import migrations

DEFAULT_RULES = [
    {
        "priority": 10,
        "name": "Under 16",
        "max_age": 15,
        "route": "childrens_social_care",
        "explanation": "Under 16: abuse of or by a child is a children's safeguarding matter. "
        "Refer to children's social care.",
    },
    {
        "priority": 20,
        "name": "Aged 16 or 17 at high risk",
        "min_age": 16,
        "max_age": 17,
        "risk_levels": ["high"],
        "route": "young_peoples_service",
        "prompt_marac_referral": True,
        "explanation": "Aged 16 or 17: the young people's service works with them. The checklist "
        "level is high, so also refer to MARAC.",
    },
    {
        "priority": 30,
        "name": "Aged 16 or 17",
        "min_age": 16,
        "max_age": 17,
        "route": "young_peoples_service",
        "explanation": "Aged 16 or 17: the young people's service works with them.",
    },
    {
        "priority": 40,
        "name": "High risk",
        "risk_levels": ["high"],
        "route": "idva_service",
        "prompt_marac_referral": True,
        "explanation": "High risk: allocate to the IDVA service and refer to MARAC.",
    },
    {
        "priority": 50,
        "name": "Medium or standard risk",
        "risk_levels": ["medium", "standard"],
        "route": "advocacy_service",
        "explanation": "Medium or standard risk: refer to the advocacy and support service.",
    },
]


def load(apps, schema_editor):
    rule_model = apps.get_model("routing", "RoutingRule")
    for rule in DEFAULT_RULES:
        if not rule_model.objects.filter(priority=rule["priority"]).exists():
            rule_model.objects.create(**rule)


class Migration(migrations.Migration):
    dependencies = [("routing", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
