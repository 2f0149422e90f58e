from django import forms

from waymark.core.keptreasons import HINT as KEPT_REASON_HINT
from waymark.web.forms import radios_field, text_field


class UploadForm(forms.Form):
    upload = forms.FileField(
        label="Folder of CSV files (.zip) or Excel workbook (.xlsx)",
        help_text="A .zip holding people.csv, referrals.csv and the other files, or a workbook with one sheet "
        "per file named after it (people, referrals, ...). Nothing is saved until you have read the check.",
    )


WITHOUT = "without"
WITH = "with"


class ExportForm(forms.Form):
    """What to export. Locating details need a second administrator's approval (the action
    decides that and asks for the reason; the form only collects the answers)."""

    details = radios_field(
        "Which details should the export hold?",
        [
            (
                WITHOUT,
                "Without locating details: no approval needed (postcodes, phone numbers, incident "
                "descriptions and judgement reasons left empty; not for re-import into Waymark)",
            ),
            (WITH, "With locating details: another system administrator must approve it first"),
        ],
        required_message="Select whether the export should hold locating details",
    )
    reason = text_field(
        "Why do you need the locating details?",
        required=False,
        help_text="Only for an export with locating details. The administrator who approves it reads this. "
        f"Do not name anyone. {KEPT_REASON_HINT}",
        max_length=2000,
        rows=3,
    )
    for_spreadsheet = forms.BooleanField(
        label="I will open these files in a spreadsheet (cells that look like formulas are made safe)",
        required=False,
    )
