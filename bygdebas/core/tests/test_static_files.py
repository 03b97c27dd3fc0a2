"""Static files: production's collectstatic succeeds, and vendored files reference only what is vendored.

Production serves hashed, compressed copies (WhiteNoise's CompressedManifestStaticFilesStorage).
Its collectstatic rewrites every reference in CSS and JavaScript to the hashed name and fails on a
reference to a file that is not there; without the manifest every page answers HTTP 500.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

BASE_DIR = Path(settings.BASE_DIR)
STATIC_DIR = BASE_DIR / "bygdebas" / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
SOURCE_MAP = re.compile(r"[#@]\s*sourceMappingURL=(\S+)")
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
HASHED = re.compile(r"\.[0-9a-f]{12}\.")


class VendoredReferenceTests(SimpleTestCase):
    def test_every_source_map_and_css_url_points_at_a_vendored_file(self) -> None:
        missing = []
        for path in sorted(VENDOR_DIR.rglob("*")):
            if path.suffix not in {".js", ".css"}:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            references = SOURCE_MAP.findall(text)
            if path.suffix == ".css":
                references += CSS_URL.findall(text)
            for reference in references:
                # Fragments (`#default#VML`) and data URIs are not files.
                if reference.startswith(("#", "data:")):
                    continue
                if not (path.parent / reference.split("?")[0]).is_file():
                    missing.append(f"{path.relative_to(STATIC_DIR)} -> {reference}")
        self.assertEqual(missing, [])


class ProductionCollectstaticTests(SimpleTestCase):
    """``collectstatic`` as a deploy runs it: its own process, production settings, a fresh folder."""

    def test_it_writes_hashed_compressed_files_and_the_manifest(self) -> None:
        with tempfile.TemporaryDirectory(prefix="bygdebas-static-") as folder:
            root = Path(folder)
            environ = {
                key: value
                for key, value in os.environ.items()
                if not key.startswith(("DJANGO_", "BYGDEBAS_", "REDIS_"))
                and key != "PYTEST_CURRENT_TEST"
            }
            environ.update(
                BYGDEBAS_PRODUCTION="1",
                DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
                DJANGO_ALLOWED_HOSTS="bygdebas.example",
                BYGDEBAS_STATIC_ROOT=str(root),
            )
            result = subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--no-input"],
                cwd=BASE_DIR,
                env=environ,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            self.assertEqual(result.returncode, 0, result.stdout[-2000:] + result.stderr[-4000:])

            paths = json.loads((root / "staticfiles.json").read_text(encoding="utf-8"))["paths"]
            for name in (
                "vendor/leaflet/leaflet.js",
                "vendor/leaflet/leaflet.css",
                "vendor/htmx/htmx.min.js",
                "css/bygdebas.css",
            ):
                hashed = paths[name]
                self.assertRegex(hashed, HASHED)
                self.assertTrue((root / hashed).is_file(), hashed)
                self.assertTrue((root / f"{hashed}.gz").is_file(), f"{hashed}.gz")
            # The stylesheet's images are rewritten to their hashed names, which exist.
            css = (root / paths["vendor/leaflet/leaflet.css"]).read_text(encoding="utf-8")
            images = re.findall(r"url\(['\"]?(images/[^'\")]+)", css)
            self.assertTrue(images)
            for image in images:
                self.assertRegex(image, HASHED)
                self.assertTrue((root / "vendor/leaflet" / image).is_file(), image)
