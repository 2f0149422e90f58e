"""A safety-plan confirmation can be set aside unused (``set_aside_at``, ``set_aside_by``): naming
another IDVA, or another survivor, on a tenancy panel case after referral means the confirmations
given for steps not yet taken no longer count (``actions.panel_case_people_update``).

``HouseholdMember.joined_on``'s help text: the officer now gives the date (today unless back-dated).
No data changes: a date already held was the day the member was added, which is what the officer
would have given.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('housing', '0002_householdmember_joined_on'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='safetyplanconfirmation',
            name='set_aside_at',
            field=models.DateTimeField(blank=True, help_text='When it stopped counting, unused: another IDVA or another survivor was named on the case.', null=True),
        ),
        migrations.AddField(
            model_name='safetyplanconfirmation',
            name='set_aside_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='householdmember',
            name='joined_on',
            field=models.DateField(blank=True, help_text='The day the member joined the household, as the officer gave it when adding them (today, London, unless back-dated; on or before the application date: in the household from the start). Empty for a member recorded with the application: in the household from the start.', null=True),
        ),
    ]
