"""``export_openapi`` writes a document openapi-spec-validator accepts; the docs page shows it."""

from __future__ import annotations

import json
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase
from openapi_spec_validator import validate

from bygdebas.testing import CastMixin, client_for


class ExportOpenApiTests(TestCase):
    def test_it_writes_a_valid_openapi_3_1_document(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "openapi.json"
            call_command("export_openapi", out=str(out), stderr=StringIO())
            document = json.loads(out.read_text(encoding="utf-8"))
        validate(document)  # raises on any error
        self.assertEqual(document["openapi"], "3.1.0")
        self.assertIn("/api/v1/organisations", document["paths"])
        self.assertIn("/api/v1/public/events/upcoming", document["paths"])
        upcoming = document["paths"]["/api/v1/public/events/upcoming"]["get"]
        self.assertNotIn("security", upcoming)
        self.assertEqual(document["paths"]["/api/v1/people"]["get"]["security"], [{"KeyAuth": []}])
        for methods in document["paths"].values():
            for operation in methods.values():
                self.assertIn(
                    "application/problem+json", operation["responses"]["default"]["content"]
                )

    def test_without_out_it_writes_to_standard_output_as_served(self) -> None:
        stdout = StringIO()
        call_command("export_openapi", stdout=stdout)
        served = self.client.get("/api/v1/openapi.json", HTTP_HOST="testserver").json()
        self.assertEqual(json.loads(stdout.getvalue()), served)


class DocsPageTests(CastMixin, TestCase):
    def test_the_docs_page_lists_every_operation_without_any_script(self) -> None:
        response = client_for(self.network_a).get("/api/v1/")
        self.assertEqual(response.status_code, 200)
        content = response.content.decode()
        for operation in (
            "GET /api/v1/organisations",
            "POST /api/v1/registrations",
            "GET /api/v1/public/events/upcoming",
        ):
            self.assertIn(operation, content)
        self.assertIn('href="http://a.test/api/v1/openapi.json"', content)
        self.assertNotIn('<script src="http', content)
        self.assertIn("OrganisationOut", content)
