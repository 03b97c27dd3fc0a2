"""The import pages: upload, mapping and preview, duplicates merge/skip, save, summary, cancel."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import TestCase, override_settings
from django.urls import reverse

from bygdebas.members.importer import storage
from bygdebas.members.models import Organisation, Person
from bygdebas.members.tests.data import BAD, HEADERS, MOSSBY, VASTRA, messy_csv, messy_xlsx
from bygdebas.members.tests.test_import import ImportSetup
from bygdebas.testing import messages_of, sv

UPLOAD = reverse("members:import-upload")


def mapping_data(**changes: str) -> dict[str, str]:
    """The POST of the guessed mapping for the messy files' headers, with ``changes``."""
    guessed = {
        "column_0": "name", "column_1": "org_number", "column_2": "municipality",
        "column_3": "locality", "column_4": "email", "column_5": "phone",
        "column_6": "is_youth_led", "column_7": "kind", "column_8": "tags",
        "column_9": "contact_name", "column_10": "contact_email", "column_11": "role",
        "column_12": "membership_year", "column_13": "fee", "column_14": "paid_on",
    }  # fmt: skip
    assert len(guessed) == len(HEADERS)
    return {**guessed, "on_duplicate": "merge", **changes}


class ImportViewTests(ImportSetup, TestCase):
    def upload(self, name: str, data: bytes, client=None):
        client = client or self.as_bertil()
        response = client.post(UPLOAD, {"file": SimpleUploadedFile(name, data)})
        return client, response

    def token_of(self, response) -> str:
        self.assertEqual(response.status_code, 302, getattr(response, "content", b"")[:2000])
        match = re.search(r"/import/([^/]+)/$", response["Location"])
        assert match
        return match.group(1)

    def test_upload_page_lists_the_recognised_columns(self) -> None:
        response = self.as_bertil().get(UPLOAD)
        self.assertContains(response, 'enctype="multipart/form-data"')
        self.assertContains(response, "organisationsnummer")

    def test_a_file_of_the_wrong_type_or_size_is_refused(self) -> None:
        _client, response = self.upload("medlemmar.pdf", b"%PDF-1.4")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, ".pdf", status_code=400)
        with override_settings(BYGDEBAS_MAX_UPLOAD_BYTES=100):
            _client, response = self.upload("medlemmar.csv", messy_csv())
        self.assertEqual(response.status_code, 400)
        _client, response = self.upload("trasig.xlsx", b"not a workbook")
        self.assertEqual(response.status_code, 400)

    def test_errors_are_shown_per_row_and_nothing_can_be_saved(self) -> None:
        client, response = self.upload("medlemmar.csv", messy_csv())
        token = self.token_of(response)
        preview = client.get(response["Location"])
        self.assertEqual(preview.status_code, 200)
        self.assertContains(preview, BAD)
        self.assertContains(preview, '<td class="num">8</td>', html=False)
        self.assertNotContains(
            preview, f'action="{reverse("members:import-save", args=[token])}"><'
        )
        before = Organisation.objects.count()
        saved = client.post(reverse("members:import-save", args=[token]), mapping_data())
        self.assertEqual(saved.status_code, 400)
        self.assertEqual(Organisation.objects.count(), before)

    def test_preview_merge_and_skip_choices_then_save_and_summary(self) -> None:
        client, response = self.upload("medlemmar.xlsx", messy_xlsx(fixed=True))
        token = self.token_of(response)
        preview = client.get(response["Location"])
        self.assertEqual(preview.status_code, 200)
        # The first rows as they will be saved, with duplicates and their choices.
        self.assertContains(preview, "Lilla Mossby byalag")
        self.assertContains(preview, MOSSBY)
        self.assertContains(preview, "Åsbro byalag")  # row 2 merges into it
        self.assertContains(preview, 'name="row_5"')
        self.assertContains(preview, 'name="row_6"')
        self.assertContains(preview, 'name="column_0"')
        # Skip row 5 (Hjortkvarn) only.
        with self.captureOnCommitCallbacks(execute=True):
            saved = client.post(
                reverse("members:import-save", args=[token]), mapping_data(row_5="skip")
            )
        self.assertRedirects(saved, reverse("members:import-done", args=[token]))
        self.hjortkvarn.refresh_from_db()
        self.assertEqual(self.hjortkvarn.email, "gammal@hjortkvarn.se")
        self.asbro.refresh_from_db()
        self.assertEqual(self.asbro.email, "info@asbro.se")
        self.assertTrue(Organisation.objects.filter(org_number=VASTRA).exists())
        done = client.get(saved["Location"])
        self.assertContains(done, "medlemmar.xlsx")
        self.assertEqual(done.context["summary"]["created"], 3)
        self.assertEqual(done.context["summary"]["updated"], 1)
        self.assertEqual(done.context["summary"]["skipped"], 1)
        # The file is gone: the steps answer 404 now.
        self.assertEqual(
            client.get(reverse("members:import-preview", args=[token])).status_code, 404
        )

    def test_the_mapping_can_be_corrected(self) -> None:
        client, response = self.upload("medlemmar.csv", messy_csv(fixed=True))
        token = self.token_of(response)
        url = reverse("members:import-preview", args=[token])
        # Leave out the organisation numbers: row 5 now matches Hjortkvarn by name only.
        preview = client.post(url, mapping_data(column_1=""))
        self.assertEqual(preview.status_code, 200)
        rows = {row["line"]: row for row in preview.context["preview_rows"]}
        self.assertEqual(rows[4]["org_number"], "")
        self.assertEqual(rows[5]["duplicate_of_name"], "Hjortkvarns bygdeförening")
        # The same field twice, and no name: errors, no preview.
        preview = client.post(url, mapping_data(column_3="name"))
        self.assertContains(preview, sv("Name of the organisation"))
        self.assertIsNone(preview.context["plan"])
        preview = client.post(url, mapping_data(column_0=""))
        self.assertContains(
            preview, sv("Choose the column that holds the name of the organisation.")
        )
        saved = client.post(reverse("members:import-save", args=[token]), mapping_data(column_0=""))
        self.assertEqual(saved.status_code, 400)
        self.assertFalse(Person.objects.filter(email="kalle.berg@example.org").exists())

    def test_cancel_removes_the_file(self) -> None:
        client, response = self.upload("medlemmar.csv", messy_csv())
        token = self.token_of(response)
        with self.captureOnCommitCallbacks(execute=True):
            cancelled = client.post(reverse("members:import-cancel", args=[token]))
        self.assertRedirects(cancelled, UPLOAD)
        self.assertTrue(messages_of(cancelled))
        with self.assertRaises(Http404):
            storage.load(network=self.network_a, token=token)

    def test_an_upload_belongs_to_its_network(self) -> None:
        client, response = self.upload("medlemmar.csv", messy_csv())
        token = self.token_of(response)
        outsider = self.as_david()
        for name in ("members:import-preview", "members:import-done"):
            self.assertEqual(outsider.get(reverse(name, args=[token])).status_code, 404)
        for name in ("members:import-save", "members:import-cancel"):
            self.assertEqual(
                outsider.post(reverse(name, args=[token]), mapping_data()).status_code, 404
            )
        self.assertEqual(
            client.get(reverse("members:import-preview", args=["x" * 3])).status_code, 404
        )
        self.assertEqual(self.as_cecilia().get(UPLOAD).status_code, 403)
