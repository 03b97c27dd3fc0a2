"""The forms of the import pages: the upload, and the column mapping with the duplicate choices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bygdebas.members.importer.columns import FIELDS, FIELDS_BY_KEY, Mapping, guess_mapping
from bygdebas.members.importer.plan import MERGE, SKIP
from bygdebas.members.importer.reading import SUPPORTED_EXTENSIONS, Table

DUPLICATE_CHOICES = [
    (MERGE, _("Merge: fill in and update the existing organisation")),
    (SKIP, _("Skip the row")),
]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "An Excel workbook (.xlsx) or a CSV file (UTF-8 or Windows-1252, separated by "
            "semicolons or commas). The first row holds the column headings."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUPPORTED_EXTENSIONS)}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in SUPPORTED_EXTENSIONS:
            raise ValidationError(
                _("Files of type “%(suffix)s” cannot be imported. Use .xlsx or .csv.")
                % {"suffix": suffix or _("(none)")}
            )
        if upload.size > settings.BYGDEBAS_MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file is %(size)s MB; the largest accepted is %(max)s MB.")
                % {
                    "size": round(upload.size / 1_000_000, 1),
                    "max": round(settings.BYGDEBAS_MAX_UPLOAD_BYTES / 1_000_000, 1),
                }
            )
        return upload


class MappingForm(forms.Form):
    """One choice per column of the file (which field it fills), and what to do with duplicates."""

    on_duplicate = forms.ChoiceField(
        label=_("Rows that are an organisation already in the registry, or repeat an earlier row"),
        choices=DUPLICATE_CHOICES,
        initial=MERGE,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, table: Table, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.table = table
        guessed = guess_mapping(table.headers)
        choices = [("", _("– not imported –"))] + [(f.key, f.label) for f in FIELDS]
        self.columns: list[tuple[forms.BoundField, list[str]]] = []
        for index, header in enumerate(table.headers):
            name = f"column_{index}"
            self.fields[name] = forms.ChoiceField(
                label=header or _("Column %(n)s") % {"n": index + 1},
                choices=choices,
                required=False,
                initial=guessed.get(index, ""),
            )
        for index in range(len(table.headers)):
            self.columns.append((self[f"column_{index}"], table.column_samples(index)))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        seen: dict[str, str] = {}
        for index, header in enumerate(self.table.headers):
            key = data.get(f"column_{index}")
            if not key:
                continue
            if key in seen:
                self.add_error(
                    f"column_{index}",
                    _("“%(field)s” is already read from the column “%(other)s”.")
                    % {"field": FIELDS_BY_KEY[key].label, "other": seen[key]},
                )
            seen[key] = header or str(index + 1)
        if "name" not in seen:
            raise ValidationError(
                _("Choose the column that holds the name of the organisation."), code="no_name"
            )
        return data

    def mapping(self) -> Mapping:
        """The chosen mapping; the guessed one when the form is not bound or not valid."""
        if self.is_bound and self.is_valid():
            return {
                index: self.cleaned_data[f"column_{index}"]
                for index in range(len(self.table.headers))
                if self.cleaned_data.get(f"column_{index}")
            }
        return guess_mapping(self.table.headers)

    def on_duplicate_choice(self) -> str:
        if self.is_bound and self.is_valid():
            return str(self.cleaned_data.get("on_duplicate") or MERGE)
        return MERGE

    def decisions(self) -> dict[int, str]:
        """The merge/skip choices of single duplicate rows (``row_<n>`` fields in the POST)."""
        result: dict[int, str] = {}
        if not self.is_bound:
            return result
        for key, value in self.data.items():
            if key.startswith("row_") and key[4:].isdigit() and value in {MERGE, SKIP}:
                result[int(key[4:])] = value
        return result
