"""A reason for not accepting a MARAC referral, which the referrer reads, is chosen from a list
(issue 11). Reasons given before were words only: each becomes "another reason" with its words
kept, so the referring agency reads exactly what it read before.
"""

from django.db import migrations, models

import waymark.core.crypto


def words_become_another_reason(apps, schema_editor):
    MaracCase = apps.get_model("marac", "MaracCase")
    MaracCase.objects.filter(status="not_accepted", decision_reason_code="").update(decision_reason_code="other")


LABELS = {
    "criteria_not_met": "The referral does not meet the MARAC referral criteria",
    "already_listed": "The case is already on a MARAC agenda or was heard recently",
    "out_of_area": "The victim lives outside this MARAC's area: refer to the MARAC there",
    "support_elsewhere": "Support through the IDVA service or another route suits the risk better",
    "incomplete": "Information needed to decide is missing: refer again with it",
}


def forget_the_codes(apps, schema_editor):
    """Back to words only: a chosen reason's label goes in front of its words before the column goes."""
    MaracCase = apps.get_model("marac", "MaracCase")
    for case in MaracCase.objects.filter(decision_reason_code__in=list(LABELS)):
        case.decision_reason = f"{LABELS[case.decision_reason_code]}. {case.decision_reason or ''}".strip()
        case.save(update_fields=["decision_reason"])


class Migration(migrations.Migration):

    dependencies = [
        ('marac', '0005_marac_edit_version'),
    ]

    operations = [
        migrations.AddField(
            model_name='maraccase',
            name='decision_reason_code',
            field=models.CharField(blank=True, choices=[('criteria_not_met', 'The referral does not meet the MARAC referral criteria'), ('already_listed', 'The case is already on a MARAC agenda or was heard recently'), ('out_of_area', "The victim lives outside this MARAC's area: refer to the MARAC there"), ('support_elsewhere', 'Support through the IDVA service or another route suits the risk better'), ('incomplete', 'Information needed to decide is missing: refer again with it'), ('other', 'Another reason (explained in the words below)')], help_text='Not accepted: the reason chosen from the list, shown to the referring agency.', max_length=32),
        ),
        migrations.AlterField(
            model_name='maraccase',
            name='decision_reason',
            field=waymark.core.crypto.EncryptedTextField(blank=True, help_text='Optional words added to the chosen reason, shown to the referring agency (encrypted).'),
        ),
        migrations.RunPython(words_become_another_reason, forget_the_codes),
    ]
