"""Moves DRF's plaintext tokens to hashed, scoped, expiring service tokens, then deletes them.

A token held by a service account (no usable password: made by create_service_token) becomes a
ServiceToken with the same secret (hashed), the read scopes of every endpoint and the write
scopes of the endpoints that take writes, expiring in 90 days. A token held by a person's account
is dropped: people use the API through their signed-in session with MFA.
"""

import hashlib
from datetime import timedelta

from django.db import migrations
from django.utils import timezone

READ = [
    "api:schema",
    "api:people-search",
    "api:referrals",
    "api:referral",
    "api:risk-assessments",
    "api:risk-assessment",
    "api:refuge-vacancies",
    "api:refuge-vacancy",
    "api:strategy-actions",
]
WRITE = ["api:referrals", "api:risk-assessments", "api:training-attendance"]


def forwards(apps, schema_editor):
    try:
        Token = apps.get_model("authtoken", "Token")
    except LookupError:
        return
    ServiceToken = apps.get_model("api", "ServiceToken")
    User = apps.get_model("accounts", "User")
    scopes = sorted({f"{name}:read" for name in READ} | {f"{name}:write" for name in WRITE})
    for token in Token.objects.all():
        user = User.objects.get(pk=token.user_id)
        if user.password and not user.password.startswith("!"):
            continue  # a person's account: dropped below
        user.kind = "service"
        user.save(update_fields=["kind"])
        ServiceToken.objects.create(
            user=user,
            name="Migrated token (replace before it expires)",
            prefix=token.key[:12],
            secret_hash=hashlib.sha256(token.key.encode()).hexdigest(),
            scopes=scopes,
            expires_at=timezone.now() + timedelta(days=90),
        )
    Token.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("accounts", "0002_user_kind"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
