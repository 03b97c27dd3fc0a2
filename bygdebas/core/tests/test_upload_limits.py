"""The upload limit is shown as it is set, in binary units: "10 MiB", not "10.5 MB"."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, override_settings
from django.utils import translation

from bygdebas.connectivity.forms import FeedUploadForm
from bygdebas.members.importer.forms import UploadForm
from bygdebas.plan.forms import PlanUploadForm

MIB = 1024 * 1024


class UploadLimitTests(SimpleTestCase):
    def setUp(self) -> None:
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    def upload(self, name: str, size: int) -> SimpleUploadedFile:
        upload = SimpleUploadedFile(name, b"PK\x03\x04")
        upload.size = size
        return upload

    def test_the_plan_and_member_uploads_name_the_limit_in_mebibytes(self) -> None:
        size = int(10.5 * MIB)
        plan = PlanUploadForm(files={"document": self.upload("plan.pdf", size)})
        members = UploadForm(files={"file": self.upload("m.xlsx", size)})
        message = "The file is 10.5 MiB; the largest accepted is 10 MiB."
        self.assertEqual(plan.errors["document"], [message])
        self.assertEqual(members.errors["file"], [message])

    @override_settings(BYGDEBAS_MAX_FEED_BYTES=200 * MIB)
    def test_the_timetable_upload_names_its_limit_in_mebibytes(self) -> None:
        form = FeedUploadForm(data={}, files={"file": self.upload("feed.zip", 300 * MIB)})
        self.assertEqual(
            form.errors["file"], ["The file is 300 MiB; the largest accepted is 200 MiB."]
        )
