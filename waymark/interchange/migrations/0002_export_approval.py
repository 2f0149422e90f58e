"""Four eyes for exports with locating details (docs/interchange.md, "From the web").

Every export made before this held people's postcodes and phone numbers, so existing rows are
marked as such. None of them was approved by a second administrator: one still waiting for the
worker lapses, and a built one not yet downloaded is wiped (its requester may ask again, under
the new rule)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _close_unapproved(apps, schema_editor):
    ExportJob = apps.get_model("interchange", "ExportJob")
    ExportJob.objects.filter(status="building").update(status="lapsed", payload="")
    ExportJob.objects.filter(status="ready").update(status="expired", payload="")


class Migration(migrations.Migration):
    dependencies = [
        ("interchange", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="exportjob",
            name="locating_details",
            field=models.BooleanField(
                default=True,
                help_text="Whether the export holds people's postcodes, phone numbers and the free text that can "
                "locate them. If so, a second system administrator must approve it before it is built.",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="exportjob",
            name="approve_by",
            field=models.DateTimeField(
                blank=True,
                help_text="When an export waiting for approval lapses (EXPORT_APPROVAL_HOURS).",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="exportjob",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                help_text="The second administrator who approved or refused it.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="exportjob",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="exportjob",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Waiting for another administrator to approve"),
                    ("building", "Being built"),
                    ("ready", "Ready to download"),
                    ("downloaded", "Downloaded"),
                    ("expired", "Expired: not downloaded"),
                    ("refused", "Refused by another administrator"),
                    ("lapsed", "Lapsed: not approved in time"),
                    ("failed", "Failed"),
                ],
                default="building",
                max_length=16,
            ),
        ),
        migrations.RunPython(_close_unapproved, migrations.RunPython.noop),
    ]
