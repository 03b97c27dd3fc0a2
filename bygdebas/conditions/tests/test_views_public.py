"""The public report form, list, map data, page and feed: what a resident and a visitor see."""

from __future__ import annotations

import io
import json

import feedparser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import ExifTags
from PIL import Image as PILImage

from bygdebas.conditions.models import Report, ReportPhoto
from bygdebas.conditions.tests.helpers import (
    INSIDE,
    OUTSIDE,
    make_report,
    make_square_municipality,
)
from bygdebas.core.models import Image
from bygdebas.core.tests.test_images import StorageMixin, photo_with_gps, png_declaring, read_back
from bygdebas.testing import CastMixin, SmtpServerMixin, sv

CREATE = reverse("conditions:report-create")


class PublicTestCase(StorageMixin, SmtpServerMixin, CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        county = cls.network_a.county
        assert county is not None
        cls.kumla = make_square_municipality(county)

    def form(self, **overrides: object) -> dict:
        data: dict = {
            "category": "road",
            "title": "Potthål vid skolan",
            "description": "Djupa hål sedan i mars.",
            "lat": str(INSIDE[0]),
            "lon": str(INSIDE[1]),
            "name": "Eva Ek",
            "email": "eva@example.org",
        }
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    def post(self, data: dict, client: object = None):  # type: ignore[no-untyped-def]
        with self.captureOnCommitCallbacks(execute=True):
            return (client or self.as_anonymous()).post(CREATE, data)  # type: ignore[attr-defined]


class ReportFormTests(PublicTestCase):
    def test_a_report_with_a_photo_is_saved_unpublished_and_the_gps_position_is_stripped(
        self,
    ) -> None:
        photo = SimpleUploadedFile("hal.jpg", photo_with_gps(), content_type="image/jpeg")
        response = self.post(self.form(photo_1=photo, photo_1_alt="Hålet i asfalten"))
        self.assertRedirects(response, reverse("conditions:report-sent"))
        report = Report.objects.get()
        self.assertEqual((report.title, report.municipality), ("Potthål vid skolan", self.kumla))
        image = ReportPhoto.objects.get(report=report).image
        self.assertEqual(image.alt_text, "Hålet i asfalten")
        for rendition in image.renditions:
            data, stored = read_back(rendition["name"])
            self.assertEqual(stored.getexif().get_ifd(ExifTags.IFD.GPSInfo), {})
            self.assertNotIn(b"Exif", data)
        self.assertEqual(len(self.smtp.messages_to("eva@example.org")), 1)
        # Not yet on the public page, list or map.
        client = self.as_anonymous()
        self.assertEqual(client.get(report.get_absolute_url()).status_code, 404)
        self.assertNotContains(client.get(reverse("conditions:report-list")), "Potthål vid skolan")

    def test_without_javascript_a_municipality_and_locality_place_the_report(self) -> None:
        response = self.post(
            self.form(lat=None, lon=None, municipality=str(self.kumla.pk), locality="Ekeby")
        )
        self.assertEqual(response.status_code, 302)
        report = Report.objects.get()
        self.assertTrue(report.is_position_approximate)

    def test_a_point_outside_the_network_is_refused_and_nothing_is_saved(self) -> None:
        response = self.post(self.form(lat=str(OUTSIDE[0]), lon=str(OUTSIDE[1])))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["form"].errors["lat"],
            [sv("The point is outside the network's municipalities. Choose a place inside them.")],
        )
        self.assertFalse(Report.objects.exists())

    def test_a_file_that_is_not_an_image_is_refused_with_a_clear_message(self) -> None:
        fake = SimpleUploadedFile("hal.jpg", b"%PDF-1.4 not a picture", content_type="image/jpeg")
        response = self.post(self.form(photo_1=fake, photo_1_alt="Hål"))
        self.assertContains(
            response,
            sv("The file is not an image. Upload a photo in JPEG, PNG, WebP or GIF format."),
            status_code=400,
        )
        self.assertFalse(Report.objects.exists())
        self.assertFalse(Image.objects.exists())
        self.assertEqual(self.stored_files(), [])
        self.assertEqual(self.smtp.messages, [])

    def test_a_decompression_bomb_is_refused_before_it_is_decoded(self) -> None:
        bomb = SimpleUploadedFile(
            "bomb.png", png_declaring(30_000, 30_000), content_type="image/png"
        )
        response = self.post(self.form(photo_1=bomb, photo_1_alt="Hål"))
        self.assertContains(
            response,
            sv(
                "The image is far too large in pixels. The largest allowed is %(limit)s megapixels.",
                limit="50",
            ),
            status_code=400,
        )
        self.assertFalse(Report.objects.exists())

    @override_settings(BYGDEBAS_MAX_IMAGE_BYTES=10_000)
    def test_a_photo_too_large_is_refused_and_a_good_one_beside_it_is_not_saved(self) -> None:
        good = io.BytesIO()
        PILImage.new("RGB", (40, 30), "green").save(good, "JPEG")
        response = self.post(
            self.form(
                photo_1=SimpleUploadedFile("ok.jpg", good.getvalue(), content_type="image/jpeg"),
                photo_1_alt="Liten bild",
                photo_2=SimpleUploadedFile(
                    "big.jpg", photo_with_gps((1200, 800)), content_type="image/jpeg"
                ),
                photo_2_alt="Stor bild",
            )
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("photo_2", response.context["form"].errors)
        self.assertFalse(Report.objects.exists())
        self.assertEqual(self.stored_files(), [])

    def test_a_photo_needs_its_description(self) -> None:
        good = io.BytesIO()
        PILImage.new("RGB", (40, 30), "green").save(good, "JPEG")
        response = self.post(
            self.form(
                photo_1=SimpleUploadedFile("ok.jpg", good.getvalue(), content_type="image/jpeg")
            )
        )
        self.assertContains(response, sv("Say what the photo shows."), status_code=400)
        self.assertFalse(Report.objects.exists())

    def test_the_honeypot_stops_a_simple_bot(self) -> None:
        response = self.post(self.form(website="http://spam.example"))
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Report.objects.exists())
        self.assertEqual(self.smtp.messages, [])

    @override_settings(BYGDEBAS_RATE_LIMIT_POSTS=2)
    def test_the_form_is_rate_limited_per_client(self) -> None:
        client = self.as_anonymous()
        for n in range(2):
            self.post(self.form(email=f"eva{n}@example.org"), client)
        response = self.post(self.form(email="eva9@example.org"), client)
        self.assertEqual(response.status_code, 429)
        self.assertEqual(Report.objects.count(), 2)

    def test_nearby_reports_of_the_same_category_are_offered(self) -> None:
        make_report(network=self.network_a, municipality=self.kumla, title="Hål vid kyrkan")
        make_report(
            network=self.network_a,
            municipality=self.kumla,
            title="Dålig täckning",
            category="mobile",
        )
        response = self.as_anonymous().get(
            reverse("conditions:nearby"),
            {"category": "road", "lat": INSIDE[0], "lon": INSIDE[1] + 0.001},
        )
        self.assertContains(response, "Hål vid kyrkan")
        self.assertNotContains(response, "Dålig täckning")


class PublicPagesTests(PublicTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.shown = make_report(network=cls.network_a, municipality=cls.kumla, title="Synlig")
        make_report(network=cls.network_a, municipality=cls.kumla, title="Dold", is_hidden=True)
        make_report(
            network=cls.network_a, municipality=cls.kumla, title="Obekräftad", published=False
        )
        make_report(network=cls.network_b, municipality=cls.kumla, title="B:s rapport")

    def test_the_list_shows_published_reports_only_in_a_fixed_number_of_queries(self) -> None:
        client = self.as_anonymous()
        client.get(reverse("conditions:report-list"))
        with CaptureQueriesContext(connection) as first:
            response = client.get(reverse("conditions:report-list"))
        self.assertContains(response, "Synlig")
        for hidden in ("Dold", "Obekräftad", "B:s rapport"):
            self.assertNotContains(response, hidden)
        for n in range(10):
            make_report(network=self.network_a, municipality=self.kumla, title=f"Fler {n}")
        with CaptureQueriesContext(connection) as second:
            client.get(reverse("conditions:report-list"))
        self.assertEqual(len(first), len(second))

    def test_the_map_data_is_compact_geojson_within_the_bounding_box(self) -> None:
        make_report(
            network=self.network_a,
            municipality=self.kumla,
            title="Långt bort",
            lat=59.19,
            lon=15.29,
        )
        url = reverse("conditions:report-geojson")
        data = json.loads(self.as_anonymous().get(url, {"bbox": "15.1,59.05,15.2,59.15"}).content)
        self.assertEqual([f["properties"]["t"] for f in data["features"]], ["Synlig"])
        self.assertEqual(data["features"][0]["geometry"]["coordinates"], [15.15, 59.1])
        everything = json.loads(self.as_anonymous().get(url).content)
        self.assertEqual(len(everything["features"]), 2)
        filtered = json.loads(self.as_anonymous().get(url, {"category": "mobile"}).content)
        self.assertEqual(filtered["features"], [])

    def test_hidden_and_unconfirmed_reports_have_no_page(self) -> None:
        client = self.as_anonymous()
        self.assertEqual(client.get(self.shown.get_absolute_url()).status_code, 200)
        for report in Report.objects.exclude(pk=self.shown.pk).filter(network=self.network_a):
            self.assertEqual(client.get(report.get_absolute_url()).status_code, 404)

    def test_the_feed_per_municipality_and_category(self) -> None:
        response = self.as_anonymous().get(
            reverse("conditions:feed-atom"), {"kommun": self.kumla.code, "kategori": "road"}
        )
        feed = feedparser.parse(response.content)
        self.assertIn("Synlig", feed.entries[0].title)
        self.assertEqual(len(feed.entries), 1)
        self.assertIn("Kumla", feed.feed.title)
        other = feedparser.parse(
            self.as_anonymous()
            .get(reverse("conditions:feed-atom"), {"kategori": "broadband"})
            .content
        )
        self.assertEqual(other.entries, [])

    def test_the_summary_counts_open_reports_per_municipality(self) -> None:
        make_report(network=self.network_a, municipality=self.kumla, status="fixed")
        response = self.as_anonymous().get(reverse("conditions:summary"))
        row = next(r for r in response.context["rows"] if r.municipality == self.kumla)
        self.assertEqual((row.open_total, row.total, row.fixed), (1, 2, 1))
        self.assertEqual(row.fixed_share, 0.5)
