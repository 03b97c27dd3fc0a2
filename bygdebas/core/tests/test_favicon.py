"""Browsers ask every site for /favicon.ico: it is there, and every page names its icon."""

from __future__ import annotations

import io

from django.test import TestCase
from django.urls import reverse
from PIL import Image

from bygdebas.testing import CastMixin


class FaviconTests(CastMixin, TestCase):
    def test_favicon_ico_is_an_icon(self) -> None:
        response = self.as_anonymous().get("/favicon.ico")

        self.assertEqual(response.status_code, 200)
        self.assertIn(response["Content-Type"], {"image/x-icon", "image/vnd.microsoft.icon"})
        icon = Image.open(io.BytesIO(b"".join(response.streaming_content)))
        self.assertEqual(icon.format, "ICO")
        self.assertGreaterEqual(icon.size, (32, 32))

    def test_public_and_staff_pages_link_their_icon(self) -> None:
        for client, name in (
            (self.as_anonymous(), "public:home"),
            (self.as_bertil(), "plan:plan-list"),
        ):
            with self.subTest(page=name):
                page = client.get(reverse(name)).content.decode()
                self.assertRegex(
                    page, r'<link rel="icon" href="/static/favicon\.svg" type="image/svg\+xml">'
                )
                self.assertIn('<link rel="icon" href="/favicon.ico" sizes="32x32">', page)
