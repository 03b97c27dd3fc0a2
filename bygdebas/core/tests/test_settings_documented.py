"""Every environment variable that settings.py reads is in the README's configuration table."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

BASE_DIR = Path(settings.BASE_DIR)
READS = re.compile(
    r"""(?:os\.environ(?:\.get)?[\[(]|env_bool\(|env_list\()\s*["']([A-Z0-9_]+)["']"""
)


class SettingsDocumentedTests(SimpleTestCase):
    def test_the_readme_table_names_every_variable_settings_reads(self) -> None:
        source = (BASE_DIR / "bygdebas" / "settings.py").read_text(encoding="utf-8")
        readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")
        table = readme[readme.index("## Configuration") : readme.index("## Production")]
        rows = [line for line in table.splitlines() if line.startswith("| `")]
        documented = {name for row in rows for name in re.findall(r"`([A-Z0-9_]+)`", row)}
        read = set(READS.findall(source))

        self.assertGreater(len(read), 30)
        self.assertEqual(sorted(read - documented), [])
