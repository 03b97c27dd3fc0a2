"""Staff pages: the list in a fixed number of queries, moderation forms that refuse bad input
and change nothing, the export of a selection."""

from __future__ import annotations

import csv
import io
import json

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bygdebas.conditions.models import Report, ReportLog
from bygdebas.conditions.tests.helpers import make_report, make_square_municipality
from bygdebas.testing import CastMixin, sv


class StaffViewTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        county = cls.network_a.county
        assert county is not None
        cls.kumla = make_square_municipality(county)
        cls.report = make_report(network=cls.network_a, municipality=cls.kumla, title="Hål i vägen")
        make_report(
            network=cls.network_a, municipality=cls.kumla, title="Ingen täckning", category="mobile"
        )

    def test_the_list_takes_a_fixed_number_of_queries(self) -> None:
        client = self.as_bertil()
        url = reverse("conditions:staff-report-list")
        client.get(url)
        with CaptureQueriesContext(connection) as first:
            client.get(url)
        for n in range(10):
            make_report(network=self.network_a, municipality=self.kumla, title=f"Fler {n}")
        with CaptureQueriesContext(connection) as second:
            response = client.get(url)
        self.assertEqual(len(first), len(second))
        self.assertContains(response, "Fler 9")

    def test_hiding_without_a_reason_is_refused_and_changes_nothing(self) -> None:
        url = reverse("conditions:staff-report-hide", args=[self.report.pk])
        response = self.as_bertil().post(url, {"hide-reason": ""})
        self.assertEqual(response.status_code, 400)
        self.report.refresh_from_db()
        self.assertFalse(self.report.is_hidden)
        self.assertFalse(ReportLog.objects.exists())
        self.as_bertil().post(url, {"hide-reason": "Namn på en granne"})
        self.report.refresh_from_db()
        self.assertTrue(self.report.is_hidden)

    def test_merging_into_an_unknown_number_re_renders_with_the_error(self) -> None:
        url = reverse("conditions:staff-report-merge", args=[self.report.pk])
        response = self.as_bertil().post(url, {"into": "999999", "reason": "Samma"})
        self.assertContains(response, sv("There is no report with that number."), status_code=400)
        self.report.refresh_from_db()
        self.assertIsNone(self.report.duplicate_of)

    def test_the_export_follows_the_lists_filters(self) -> None:
        query = {"category": "mobile"}
        response = self.as_sara().get(reverse("conditions:staff-export-csv"), query)
        rows = list(
            csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff")), delimiter=";")
        )
        self.assertEqual([row[3] for row in rows[1:]], ["Ingen täckning"])
        data = json.loads(
            self.as_sara().get(reverse("conditions:staff-export-geojson"), query).content
        )
        self.assertEqual([f["properties"]["title"] for f in data["features"]], ["Ingen täckning"])

    def test_a_dossier_is_made_of_the_selection(self) -> None:
        url = reverse("conditions:dossier-create") + "?category=road"
        response = self.as_bertil().post(url, {"title": "Vägar", "recipient": "Trafikverket"})
        dossier = self.report.dossiers.get()
        self.assertRedirects(response, dossier.get_absolute_url())
        self.assertEqual(list(dossier.reports.all()), [self.report])
        self.assertEqual(Report.objects.count(), 2)
