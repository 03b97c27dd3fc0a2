import datetime
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse

from bygdebas.connectivity.models import Feed
from bygdebas.connectivity.tests.helpers import (
    FEW_PLACES,
    SJ_FEED,
    broken_upload,
    finished_analysis,
    sj_upload,
    store_sj_feed,
)
from bygdebas.testing import CastMixin, messages_of, sv
from transit.tests.brokenzips import Member, deflated, write_zip, zeros


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
        self.assertEqual(feed.suggested_on, datetime.date(2023, 10, 24))
        self.assertEqual(feed.typical_weekday_trips, 492)
        self.assertEqual(feed.trips_on(datetime.date(2023, 11, 28)), 496)
        self.assertEqual(feed.trips_on(datetime.date(2023, 1, 17)), 41)
        self.assertEqual(feed.warnings, [])
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


def sj_members() -> list[Member]:
    with zipfile.ZipFile(SJ_FEED) as archive:
        return [deflated(info.filename, archive.read(info)) for info in archive.infolist()]


def changed_upload(name: str, change: Any) -> SimpleUploadedFile:
    """The SJ feed as a hand-made zip with one member changed (or replaced) by change(member)."""
    members = [change(m) if m.name == name else m for m in sj_members()]
    with tempfile.TemporaryDirectory() as folder:
        path = write_zip(Path(folder) / "feed.zip", members)
        return SimpleUploadedFile("feed.zip", path.read_bytes(), content_type="application/zip")


def with_fields(**fields: Any) -> Any:
    def change(member: Member) -> Member:
        for key, value in fields.items():
            setattr(member, key, value)
        return member

    return change


def with_text(edit: Any) -> Any:
    def change(member: Member) -> Member:
        return deflated(member.name, edit(member.data and zlib.decompress(member.data, -15)))

    return change


def with_location_type(content: bytes) -> bytes:
    lines = content.decode("utf-8-sig").splitlines()
    header = lines[0].split(",")
    row = lines[5].split(",")
    row[header.index("location_type")] = "300"
    lines[5] = ",".join(row)
    return ("\n".join(lines) + "\n").encode()


class BrokenUploadTests(CastMixin, TestCase):
    """Every kind of broken feed is a form error on the upload page; nothing is saved."""

    url = reverse("connectivity:feed-upload")

    def test_each_kind_of_broken_archive_is_a_form_error(self) -> None:
        kinds = {
            "bad CRC": (changed_upload("stops.txt", with_fields(crc=1)), "stops.txt: "),
            "encrypted": (
                changed_upload("trips.txt", with_fields(flags=1)),
                "trips.txt: the file is encrypted",
            ),
            "corrupt deflate": (
                changed_upload(
                    "stop_times.txt",
                    lambda m: with_fields(data=m.data[:100] + b"\xff" * 64 + m.data[164:])(m),
                ),
                "stop_times.txt: ",
            ),
            "compression method 99": (
                changed_upload("routes.txt", with_fields(method=99)),
                "routes.txt: unknown compression method 99",
            ),
            "location_type 300": (
                changed_upload("stops.txt", with_text(with_location_type)),
                "stops.txt, line 6: location_type must be 0 to 4",
            ),
            "stops.txt bomb": (
                changed_upload("stops.txt", lambda m: zeros("stops.txt", 1 << 30)),
                "stops.txt: unpacks to 1,073,741,824 bytes",
            ),
            "stop_times.txt bomb": (
                changed_upload("stop_times.txt", lambda m: zeros("stop_times.txt", 1 << 30)),
                "stop_times.txt: unpacks to 1,073,741,824 bytes",
            ),
        }
        before = stored_files()
        for kind, (upload, message) in kinds.items():
            with self.subTest(kind):
                response = self.as_bertil().post(self.url, {"file": upload, "name": kind})
                self.assertEqual(response.status_code, 400)
                errors = response.context["form"].errors["file"]
                self.assertEqual(len(errors), 1)
                self.assertTrue(errors[0].startswith(message), errors[0])
                self.assertNotIn("/tmp", errors[0])
        self.assertFalse(Feed.objects.exists())
        self.assertEqual(stored_files(), before)

    @override_settings(CONNECTIVITY_MAX_FEED_UNPACKED_BYTES=1_000_000)
    def test_a_feed_unpacking_beyond_the_setting_is_refused(self) -> None:
        response = self.as_bertil().post(self.url, {"file": sj_upload()})
        self.assertContains(response, "the most accepted", status_code=400)
        self.assertFalse(Feed.objects.exists())

    def test_cr_only_line_ends_and_unknown_parent_stations_are_read_with_a_warning(self) -> None:
        def orphan(content: bytes) -> bytes:
            lines = content.decode("utf-8-sig").splitlines()
            header = lines[0].split(",")
            for i in (3, 4):
                row = lines[i].split(",")
                row[header.index("parent_station")] = "gone"
                lines[i] = ",".join(row)
            return "\r".join(lines).encode()

        upload = changed_upload("stops.txt", with_text(orphan))
        response = self.as_bertil().post(self.url, {"file": upload, "name": "Föräldralös"})
        feed = Feed.objects.get()
        self.assertRedirects(response, reverse("connectivity:feed-detail", args=[feed.pk]))
        self.assertEqual(len(feed.warnings), 1)
        self.assertTrue(feed.warnings[0].startswith("stops.txt: 2 stops name a parent_station"))
        page = self.as_bertil().get(reverse("connectivity:feed-detail", args=[feed.pk]))
        self.assertContains(page, feed.warnings[0])
        analysis = finished_analysis(self.network_a, feed, places=FEW_PLACES[:2])
        self.assertEqual(analysis.status, "done")
        self.assertEqual(analysis.result["warnings"], feed.warnings)
        page = self.as_bertil().get(reverse("connectivity:analysis-detail", args=[analysis.pk]))
        self.assertContains(page, feed.warnings[0])
