"""python manage.py import_plan."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils.translation import gettext

from bygdebas.plan.models import Activity, Area, Plan
from bygdebas.testing import make_network, make_plan

SEED = Path(settings.BASE_DIR) / "data" / "seeds" / "verksamhetsplan-2025-orebro-lan.txt"
NO_STRUCTURE = "Hej!\nInköpslista: mjölk, bröd.\n"


def write_temp(content: str, suffix: str = ".txt") -> Path:
    with tempfile.NamedTemporaryFile("w", suffix=suffix, delete=False, encoding="utf-8") as handle:
        handle.write(content)
    return Path(handle.name)


class ImportPlanCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.network = make_network(name="Örebro län", slug="orebro")

    def setUp(self) -> None:
        self.bad = write_temp(NO_STRUCTURE)
        self.addCleanup(self.bad.unlink)

    def run_command(self, *args: str) -> str:
        out = io.StringIO()
        call_command("import_plan", *args, stdout=out)
        return out.getvalue()

    def test_json_prints_the_parsed_plan(self) -> None:
        output = self.run_command(str(SEED), "--year", "2025", "--json", "--dry-run")

        data = json.loads(output)
        self.assertEqual(
            set(data), {"vision", "values", "overall_goal", "target_groups", "purpose", "areas"}
        )
        self.assertEqual([len(area["activities"]) for area in data["areas"]], [14, 7, 8])
        newsletter = next(
            activity
            for activity in data["areas"][0]["activities"]
            if "nyhetsbrev" in activity["text"]
        )
        self.assertEqual(
            newsletter["targets"],
            [{"metric": "newsletter.issues_sent", "value": 3, "period": "year"}],
        )
        self.assertFalse(Plan.objects.exists())

    def test_json_without_dry_run_also_saves(self) -> None:
        output = self.run_command(str(SEED), "--year", "2025", "--json")

        self.assertEqual(len(json.loads(output)["areas"]), 3)
        self.assertTrue(Plan.objects.filter(network=self.network, year=2025).exists())

    def test_a_dry_run_saves_nothing(self) -> None:
        output = self.run_command(str(SEED), "--year", "2025", "--dry-run")

        self.assertIn("Parsed (dry run) 2025: 3 areas, 29 activities", output)
        self.assertFalse(Plan.objects.exists())
        self.assertFalse(Area.objects.exists())

    def test_it_saves_the_plan_for_the_only_network(self) -> None:
        output = self.run_command(str(SEED), "--year", "2025")

        plan = Plan.objects.get()
        self.assertEqual((plan.network, plan.year), (self.network, 2025))
        self.assertEqual(plan.source_filename, SEED.name)
        self.assertEqual(
            [area.activities.count() for area in plan.areas.order_by("order")], [14, 7, 8]
        )
        self.assertIn("Saved for Örebro län 2025: 3 areas, 29 activities", output)

    def test_the_year_defaults_to_the_documents(self) -> None:
        self.run_command(str(SEED))

        self.assertEqual(Plan.objects.get().year, 2025)

    def test_it_saves_for_the_named_network(self) -> None:
        other = make_network(slug="varmland")

        self.run_command(str(SEED), "--year", "2026", "--network", "varmland")

        self.assertEqual(Plan.objects.get().network, other)

    def test_several_networks_need_the_network_option(self) -> None:
        make_network(slug="varmland")

        with self.assertRaisesMessage(CommandError, "Give the network with --network SLUG"):
            self.run_command(str(SEED), "--year", "2025")
        self.assertFalse(Plan.objects.exists())

    def test_an_unknown_network_slug_is_an_error(self) -> None:
        with self.assertRaisesMessage(CommandError, "No network with the slug 'nowhere'."):
            self.run_command(str(SEED), "--year", "2025", "--network", "nowhere")
        self.assertFalse(Plan.objects.exists())

    def test_a_bad_document_is_an_error_and_saves_nothing(self) -> None:
        expected = gettext(
            "No activity plan structure found: expected headings such as Vision, Syfte "
            "and Aktiviteter, and bulleted activities."
        )

        with self.assertRaisesMessage(CommandError, f"{self.bad}: {expected}"):
            self.run_command(str(self.bad), "--year", "2025")
        self.assertFalse(Plan.objects.exists())

    def test_a_missing_file_is_an_error(self) -> None:
        with self.assertRaisesMessage(CommandError, "Cannot read"):
            self.run_command("/nonexistent/plan.txt", "--year", "2025")

    def test_a_year_that_already_has_a_plan_is_an_error_and_changes_nothing(self) -> None:
        existing = make_plan(network=self.network, year=2025, areas=(1,))

        with self.assertRaisesMessage(CommandError, "2025"):
            self.run_command(str(SEED), "--year", "2025")
        self.assertEqual(list(Plan.objects.all()), [existing])
        self.assertEqual(Activity.objects.count(), 1)

    def test_a_failing_run_exits_non_zero_with_the_error_on_stderr(self) -> None:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bygdebas.settings"}
        result = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "import_plan",
                str(self.bad),
                "--year",
                "2025",
                "--dry-run",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

        self.assertNotEqual(result.returncode, 0)
        self.assertIn(str(self.bad), result.stderr)
        self.assertIn("Aktiviteter", result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        self.assertEqual(result.stdout, "")
