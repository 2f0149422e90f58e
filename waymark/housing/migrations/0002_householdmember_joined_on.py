"""``HouseholdMember.joined_on``: the day a member was added to the household record.

Empty for a member recorded with the application (in the household from the start). Members added
later, before this field existed, are backfilled from their ``created_at`` (London date) when that
falls on a later day than the application was recorded: a member created with the application, in
the same save, keeps an empty date. (``created_at`` itself is not the rule's date: an import or a
back-dated application is recorded after the household formed, and would start the six weeks late.)
"""

from django.db import migrations, models
from django.utils import timezone


def backfill(apps, schema_editor):
    HouseholdMember = apps.get_model("housing", "HouseholdMember")
    for member in HouseholdMember.objects.select_related("application").iterator():
        added = timezone.localdate(member.created_at)
        if added > timezone.localdate(member.application.created_at):
            HouseholdMember.objects.filter(pk=member.pk).update(joined_on=added)


class Migration(migrations.Migration):
    dependencies = [("housing", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="householdmember",
            name="joined_on",
            field=models.DateField(
                blank=True,
                help_text="The day the member was added to the household record (London). Empty for a member "
                "recorded with the application: in the household from the start.",
                null=True,
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
