"""The forms of the import pages: the upload, and the column mapping with the duplicate choices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bygdebas.core.forms import choice_field
from bygdebas.core.sizes import binary_size
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
            "A spreadsheet (.xlsx, .xls or .ods) or a CSV file (UTF-8 or Windows-1252, separated "
            "by semicolons or commas), with a row of column headings; title rows above it are "
            "skipped."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUPPORTED_EXTENSIONS)}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in SUPPORTED_EXTENSIONS:
            raise ValidationError(
                _("Files of type “%(suffix)s” cannot be imported. Use .xlsx, .xls, .ods or .csv.")
                % {"suffix": suffix or _("(none)")}
            )
        if upload.size > settings.BYGDEBAS_MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file is %(size)s; the largest accepted is %(max)s.")
                % {
                    "size": binary_size(upload.size),
                    "max": binary_size(settings.BYGDEBAS_MAX_UPLOAD_BYTES),
                }
            )
        return upload


def chosen_header_row(data: Any) -> int | None:
    """The header row staff chose on the preview (``header_row`` in the POST), if any."""
    raw = str((data or {}).get("header_row", ""))
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 8 else None


class MappingForm(forms.Form):
    """The row of column headings, one choice per column of the file (which field it fills),
    and what to do with duplicates.

    ``columns_for_row`` remembers the header row the column choices were made for: when staff
    choose another header row, the choices are guessed again from its headings.
    """

    header_row = forms.TypedChoiceField(
        label=_("Row with the column headings"), coerce=int, required=False
    )
    columns_for_row = forms.IntegerField(widget=forms.HiddenInput, required=False)

    on_duplicate = forms.ChoiceField(
        label=_("Rows that are an organisation already in the registry, or repeat an earlier row"),
        choices=DUPLICATE_CHOICES,
        initial=MERGE,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, table: Table, data: Any = None, *args: Any, **kwargs: Any) -> None:
        guessed = guess_mapping(table.headers)
        if data is not None and str(data.get("columns_for_row", "")) not in {
            "",
            str(table.header_row),
        }:
            # Another header row was chosen: the columns are now other columns.
            data = data.copy()
            for key in [key for key in data if key.startswith("column_")]:
                del data[key]
            for index, key in guessed.items():
                data[f"column_{index}"] = key
        if data is not None:
            data = data.copy()
            data["columns_for_row"] = str(table.header_row)
        super().__init__(data, *args, **kwargs)
        self.table = table
        choice_field(self, "header_row").choices = [
            (number, _("Row %(row)s: %(text)s") % {"row": number, "text": text})
            for number, text in table.header_candidates
        ]
        self.fields["header_row"].initial = table.header_row
        self.fields["columns_for_row"].initial = table.header_row
        choices = [("", _("– not imported –"))] + [(f.key, f.label) for f in FIELDS]
        self.columns: list[tuple[forms.BoundField, list[str]]] = []
        self.indexes = [
            index for index in range(len(table.headers)) if not table.is_empty_column(index)
        ]
        for index in self.indexes:
            header = table.headers[index]
            name = f"column_{index}"
            self.fields[name] = forms.ChoiceField(
                label=header or _("Column %(n)s") % {"n": index + 1},
                choices=choices,
                required=False,
                initial=guessed.get(index, ""),
            )
        for index in self.indexes:
            self.columns.append((self[f"column_{index}"], table.column_samples(index)))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        seen: dict[str, str] = {}
        for index in self.indexes:
            header = self.table.headers[index]
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
                for index in self.indexes
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
