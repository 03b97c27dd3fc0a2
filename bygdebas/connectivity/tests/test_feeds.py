import datetime
from pathlib import Path

from django.conf import settings
from django.test import TestCase, override_settings
from django.urls import reverse

from bygdebas.connectivity.models import Feed
from bygdebas.connectivity.tests.helpers import (
    FEW_PLACES,
    broken_upload,
    finished_analysis,
    sj_upload,
    store_sj_feed,
)
from bygdebas.testing import CastMixin, messages_of, sv


def stored_files() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "connectivity"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


class FeedUploadTests(CastMixin, TestCase):
    url = reverse("connectivity:feed-upload")

    def test_a_good_feed_is_read_and_stored_with_validity_and_summary(self) -> None:
        response = self.as_bertil().post(
            self.url, {"file": sj_upload(), "name": "SJ vinter", "credit": "Trafiklab, CC0"}
        )
        feed = Feed.objects.get()
        self.assertRedirects(response, reverse("connectivity:feed-detail", args=[feed.pk]))
        self.assertEqual(feed.network, self.network_a)
        self.assertEqual(feed.uploaded_by, self.bertil)
        self.assertEqual(
            (feed.valid_from, feed.valid_until),
            (datetime.date(2022, 12, 11), datetime.date(2024, 4, 8)),
        )
        self.assertEqual(feed.summary["stops"], 872)
        self.assertEqual(feed.summary["routes"], 797)
        self.assertEqual(feed.summary["trips"], 2310)
        self.assertEqual(feed.summary["stop_times"], 20370)
        self.assertIn("SJ AB", feed.summary["agency_names"])
        self.assertEqual(feed.suggested_on, datetime.date(2023, 1, 17))
        self.assertTrue(feed.file.storage.exists(feed.file.name))
        page = self.as_sara().get(reverse("connectivity:feed-detail", args=[feed.pk]))
        self.assertContains(page, "SJ vinter")
        self.assertContains(page, "20")  # stop times, grouped
        self.assertContains(page, "Trafiklab, CC0")

    def test_a_broken_feed_shows_transits_file_and_line_and_saves_nothing(self) -> None:
        before = stored_files()
        response = self.as_bertil().post(self.url, {"file": broken_upload(), "name": "Trasig"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response,
            "stop_times.txt, line 3: unparsable arrival_time &#x27;soon&#x27; (expected H:MM:SS)",
            status_code=400,
        )
        self.assertFalse(Feed.objects.exists())
        self.assertEqual(stored_files(), before)

    def test_only_zip_files_are_accepted(self) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = self.as_bertil().post(
            self.url, {"file": SimpleUploadedFile("feed.txt", b"agency_id\n")}
        )
        self.assertContains(
            response,
            sv(
                "Files of type “%(suffix)s” are not accepted. Use one of: %(allowed)s.",
                suffix=".txt",
                allowed=".zip",
            ),
            status_code=400,
        )
        response = self.as_bertil().post(
            self.url, {"file": SimpleUploadedFile("feed.zip", b"not a zip at all")}
        )
        self.assertContains(response, sv("The file is not a zip archive."), status_code=400)
        self.assertFalse(Feed.objects.exists())

    @override_settings(BYGDEBAS_MAX_FEED_BYTES=1000)
    def test_a_too_large_feed_is_refused(self) -> None:
        response = self.as_bertil().post(self.url, {"file": sj_upload()})
        self.assertEqual(response.status_code, 400)
        # The limit as it is set, in binary units (here 1000 bytes), not rounded to "0.0 MB".
        self.assertContains(response, "är 1000 B.", status_code=400)
        self.assertFalse(Feed.objects.exists())

    def test_board_members_may_not_upload(self) -> None:
        response = self.as_sara().post(self.url, {"file": sj_upload()})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Feed.objects.exists())


class FeedDeleteTests(CastMixin, TestCase):
    def test_a_feed_without_analyses_is_deleted_with_its_file(self) -> None:
        feed = store_sj_feed(self.network_a)
        name = feed.file.name
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_bertil().post(reverse("connectivity:feed-delete", args=[feed.pk]))
        self.assertRedirects(response, reverse("connectivity:feed-list"))
        self.assertFalse(Feed.objects.exists())
        self.assertFalse(feed.file.storage.exists(name))

    def test_a_feed_in_use_is_kept(self) -> None:
        feed = store_sj_feed(self.network_a)
        finished_analysis(self.network_a, feed, places=FEW_PLACES[:2])
        response = self.as_bertil().post(reverse("connectivity:feed-delete", args=[feed.pk]))
        self.assertRedirects(response, reverse("connectivity:feed-detail", args=[feed.pk]))
        self.assertTrue(Feed.objects.filter(pk=feed.pk).exists())
        self.assertEqual(len(messages_of(response)), 1)
