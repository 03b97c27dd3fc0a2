"""A contact person sends in an example from self-service: a photo is required and checked, bad
input re-renders with a clear error and saves nothing; changes asked for are made and sent in
again; the funding-call panel and digest toggle."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from PIL import Image as PILImage

from bygdebas.core import moderation
from bygdebas.core.models import Image
from bygdebas.core.tests.test_images import png_declaring
from bygdebas.projects.models import CallDigestSubscription, Example
from bygdebas.projects.tests.factories import jpeg_upload, make_call
from bygdebas.testing import CastMixin, messages_of, sv


def form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Bygdegården i Kilsmo",
        "summary": "Byalaget köpte skolan och gjorde den till mötesplats.",
        "story": "Det började 2019.",
        "image": jpeg_upload(),
        "image_alt": "Bygdegården en vinterdag",
    }
    data.update(changes)
    return data


class SubmitTests(CastMixin, TestCase):
    def post(self, **changes: object) -> object:
        data = form(**changes)
        data.setdefault("organisation", self.cecilia_org.pk)
        return self.as_cecilia().post("/medlem/goda-exempel/skicka/", data)

    def assertNothingSaved(self) -> None:
        self.assertFalse(Example.objects.exists())
        self.assertFalse(Image.objects.exists())

    def test_a_contact_person_sends_in_an_example_that_waits_for_staff(self) -> None:
        response = self.post()
        self.assertRedirects(response, "/medlem/goda-exempel/", fetch_redirect_response=False)
        example = Example.objects.get()
        self.assertEqual(example.moderation_status, moderation.ModerationStatus.PENDING)
        self.assertEqual(example.submitted_by, self.cecilia)
        self.assertEqual(example.photo.alt_text, "Bygdegården en vinterdag")
        self.assertEqual(self.as_anonymous().get(f"/goda-exempel/{example.pk}/").status_code, 404)
        listing = self.as_cecilia().get("/medlem/goda-exempel/")
        self.assertContains(listing, "Bygdegården i Kilsmo")
        self.assertContains(listing, sv("Waiting for moderation"))

    def test_a_photo_and_its_description_are_required(self) -> None:
        response = self.post(image="")
        self.assertContains(response, sv("Choose an image to upload."), status_code=400)
        response = self.post(image_alt="")
        self.assertEqual(response.status_code, 400)
        self.assertIn("image_alt", response.context["form"].errors)
        self.assertNothingSaved()

    def test_a_file_that_is_not_an_image_is_refused(self) -> None:
        fake = SimpleUploadedFile("foto.jpg", b"%PDF-1.4 not a picture", content_type="image/jpeg")
        response = self.post(image=fake)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["form"].errors.as_data()["image"][0].code, "not_image")
        self.assertNothingSaved()

    @override_settings(BYGDEBAS_MAX_IMAGE_BYTES=50_000)
    def test_a_too_large_image_is_refused(self) -> None:
        out = io.BytesIO()
        PILImage.effect_noise((400, 400), 80).convert("RGB").save(out, "PNG")
        big = SimpleUploadedFile("stor.png", out.getvalue(), content_type="image/png")
        response = self.post(image=big)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["form"].errors.as_data()["image"][0].code, "too_large")
        self.assertNothingSaved()

    def test_a_decompression_bomb_is_refused_before_decoding(self) -> None:
        bomb = SimpleUploadedFile(
            "bomb.png", png_declaring(100_000, 100_000), content_type="image/png"
        )
        response = self.post(image=bomb)
        self.assertEqual(response.status_code, 400)
        code = response.context["form"].errors.as_data()["image"][0].code
        self.assertIn(code, {"too_many_pixels", "bomb"})
        self.assertNothingSaved()

    def test_markdown_with_script_is_kept_as_text_and_never_runs(self) -> None:
        self.post(story='<script>alert(1)</script> <b onmouseover="alert(2)">hej</b>')
        example = Example.objects.get()
        moderation.approve(example, by=self.bertil)
        page = self.as_anonymous().get(f"/goda-exempel/{example.pk}/").content.decode()
        self.assertNotIn("<script>alert", page)
        self.assertNotIn("onmouseover", page)

    def test_contact_details_need_consent(self) -> None:
        response = self.post(contact_name="Kalle", contact_email="kalle@example.org")
        self.assertEqual(response.status_code, 400)
        self.assertIn("has_contact_consent", response.context["form"].errors)
        self.assertNothingSaved()

    def test_another_organisation_cannot_be_chosen(self) -> None:
        from bygdebas.testing import make_organisation

        other = make_organisation(network=self.network_a, name="Grannbyn")
        response = self.post(organisation=other.pk)
        self.assertEqual(response.status_code, 400)
        self.assertNothingSaved()

    def test_staff_and_the_board_cannot_send_in(self) -> None:
        self.assertEqual(self.as_bertil().get("/medlem/goda-exempel/skicka/").status_code, 403)


class ResubmitTests(CastMixin, TestCase):
    def test_the_submitter_changes_what_was_asked_and_it_waits_again(self) -> None:
        self.as_cecilia().post(
            "/medlem/goda-exempel/skicka/", {**form(), "organisation": self.cecilia_org.pk}
        )
        example = Example.objects.get()
        moderation.request_changes(example, by=self.bertil, reason="Berätta mer om ekonomin.")
        page = self.as_cecilia().get(f"/medlem/goda-exempel/{example.pk}/andra/")
        self.assertContains(page, "Berätta mer om ekonomin.")
        data = {
            "title": example.title,
            "summary": "Nu med siffror: 300 000 kr från LEADER.",
            "story": example.story,
        }
        response = self.as_cecilia().post(f"/medlem/goda-exempel/{example.pk}/andra/", data)
        self.assertEqual(response.status_code, 302)
        example.refresh_from_db()
        self.assertTrue(example.is_pending)
        self.assertEqual(example.summary, "Nu med siffror: 300 000 kr från LEADER.")
        # Once it waits for staff, it cannot be changed again.
        response = self.as_cecilia().post(f"/medlem/goda-exempel/{example.pk}/andra/", data)
        self.assertEqual(
            messages_of(response), [sv("This example is not waiting for your changes.")]
        )


class CallPanelTests(CastMixin, TestCase):
    def test_the_self_service_home_lists_calls_and_toggles_the_digest(self) -> None:
        make_call(network=self.network_a, title="Stöd till lokal service")
        home = self.as_cecilia().get("/medlem/")
        self.assertContains(home, "Stöd till lokal service")
        self.assertContains(home, sv("Mail me new funding calls once a week"))
        self.as_cecilia().post("/medlem/utlysningar/bevakning/", {"wanted": "on"})
        self.assertTrue(CallDigestSubscription.objects.filter(user=self.cecilia).exists())
        self.as_cecilia().post("/medlem/utlysningar/bevakning/", {})
        self.assertFalse(CallDigestSubscription.objects.exists())
