from django import forms


class UploadForm(forms.Form):
    upload = forms.FileField(
        label="Folder of CSV files (.zip) or Excel workbook (.xlsx)",
        help_text="A .zip holding people.csv, referrals.csv and the other files, or a workbook with one sheet "
        "per file named after it (people, referrals, ...). Nothing is saved until you have read the check.",
    )


class ExportForm(forms.Form):
    for_spreadsheet = forms.BooleanField(
        label="I will open these files in a spreadsheet (cells that look like formulas are made safe)",
        required=False,
    )
