"""The public site: home, about and contact, in Swedish and English."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from bygdebas.core import geo
from bygdebas.core.models import County
from bygdebas.events.models import Event
from bygdebas.plan import services
from bygdebas.plan.importer import parse_plan_document
from bygdebas.testing import CastMixin, client_for, make_event, messages_of, sv

SEED = Path(settings.BASE_DIR) / "data" / "seeds" / "verksamhetsplan-2025-orebro-lan.txt"


class PublicPageTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        geo.load_geography()
        super().setUpTestData()
        cls.network_a.county = County.objects.get(code="18")
        cls.network_a.save()
        parsed = parse_plan_document(filename=SEED.name, data=SEED.read_bytes())
        cls.plan = services.create_plan(network=cls.network_a, year=2025, data=parsed.to_dict())

    def setUp(self) -> None:
        cache.clear()  # the contact form's rate limit counts posts in the cache

    def test_home_shows_the_vision_and_slogan_from_the_plan(self) -> None:
        response = client_for(self.network_a).get(reverse("public:home"))

        self.assertContains(response, "Hela Örebro län ska leva!")
        self.assertContains(response, "Stad och land – hand i hand!")
        self.assertContains(response, "Opinionsbildning och kommunikation")
        self.assertContains(response, '<html lang="sv">')

    def test_home_shows_the_next_three_public_events_of_its_network(self) -> None:
        now = timezone.now()
        for days, title in [
            (5, "Bygdekväll"),
            (9, "Seminarium"),
            (2, "Studiebesök"),
            (20, "Senare"),
        ]:
            make_event(network=self.network_a, title=title, starts_at=now + timedelta(days=days))
        make_event(network=self.network_a, title="Gammalt möte", starts_at=now - timedelta(days=3))
        make_event(network=self.network_a, title="Utkastet", status=Event.Status.DRAFT)
        make_event(network=self.network_a, title="Bara medlemmar", is_members_only=True)
        make_event(network=self.network_b, title="B-nätverkets möte")

        response = client_for(self.network_a).get(reverse("public:home"))

        shown = [event.title for event in response.context["upcoming"]]
        self.assertEqual(shown, ["Studiebesök", "Bygdekväll", "Seminarium"])
        self.assertNotContains(response, "Utkastet")
        self.assertNotContains(response, "Bara medlemmar")
        self.assertNotContains(response, "B-nätverkets möte")

    def test_home_without_a_plan_shows_the_tagline(self) -> None:
        self.network_b.tagline = "Hela Värmland ska leva"
        self.network_b.save()

        response = client_for(self.network_b).get(reverse("public:home"))

        self.assertContains(response, "Hela Värmland ska leva")
        self.assertNotContains(response, "Hela Örebro län ska leva!")

    def test_about_lists_areas_values_municipalities_and_credits(self) -> None:
        response = client_for(self.network_a).get(reverse("public:about"))

        for area in (
            "Opinionsbildning och kommunikation",
            "Rådgivning, stöd och utbildning",
            "Samverkan och nätverkande",
        ):
            self.assertContains(response, area)
        self.assertIn("demokrati", self.plan.values)
        self.assertContains(response, "demokrati, mångfald, hållbarhet och jämställdhet")
        municipalities = [m.name for m in response.context["municipalities"]]
        self.assertEqual(len(municipalities), 12)
        self.assertEqual(municipalities, sorted(municipalities))
        self.assertContains(response, "<td>Lekeberg</td><td>Fjugesta</td>", html=False)
        self.assertNotContains(response, "Kristinehamn")
        self.assertContains(response, 'id="credits"')
        self.assertContains(response, sv("Data sources"))
        self.assertContains(response, "okfse/sweden-geojson")
        self.assertContains(response, reverse("core:municipalities-geojson"))

    def test_the_contact_form_sends_and_thanks(self) -> None:
        client = client_for(self.network_a)
        with self.captureOnCommitCallbacks(execute=True):
            response = client.post(
                reverse("public:contact"),
                {"name": "Gunnel", "email": "gunnel@byalag.example", "message": "Hej!"},
            )

        self.assertRedirects(response, reverse("public:contact"))
        self.assertEqual(
            messages_of(response),
            [sv("Thank you! Your message has been sent.")],
        )
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, [self.network_a.contact_email])
        self.assertEqual(mail.outbox[0].reply_to, ["gunnel@byalag.example"])

    def test_an_invalid_contact_form_re_renders_with_errors(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            response = client_for(self.network_a).post(
                reverse("public:contact"),
                {"name": "", "email": "inte-en-adress", "message": "Hej!"},
            )

        self.assertEqual(response.status_code, 400)
        errors = response.context["form"].errors
        self.assertEqual(errors["name"], [sv("This field is required.")])
        self.assertEqual(errors["email"], [sv("Enter a valid email address.")])
        self.assertContains(response, sv("This field is required."), status_code=400)
        self.assertContains(response, "Hej!</textarea>", status_code=400)
        self.assertEqual(mail.outbox, [])

    def test_a_network_without_a_contact_address_says_so(self) -> None:
        self.network_a.contact_email = ""
        self.network_a.save()

        with self.captureOnCommitCallbacks(execute=True):
            response = client_for(self.network_a).post(
                reverse("public:contact"),
                {"name": "Gunnel", "email": "gunnel@byalag.example", "message": "Hej!"},
            )

        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["form"].non_field_errors(),
            [sv("This network has no contact address yet.")],
        )
        self.assertEqual(mail.outbox, [])

    def test_the_language_cookie_switches_to_english(self) -> None:
        client = client_for(self.network_a)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

        response = client.get(reverse("public:home"))

        self.assertContains(response, '<html lang="en">')
        self.assertEqual(response["Content-Language"], "en")
        self.assertContains(response, "Town and country – hand in hand!")
        self.assertContains(response, "About us")
        # The plan's own texts are not translated.
        self.assertContains(response, "Hela Örebro län ska leva!")

    def test_swedish_is_the_default_and_the_switch_offers_english(self) -> None:
        if sv("About us") == "About us":
            self.skipTest("The Swedish catalogue is not compiled (run compilemessages).")

        response = client_for(self.network_a).get(reverse("public:about"))

        self.assertContains(response, sv("About us"))
        self.assertNotContains(response, ">About us<")
        self.assertContains(response, 'name="language" value="en"')

    def test_the_browsers_language_does_not_override_swedish(self) -> None:
        response = client_for(self.network_a).get(
            reverse("public:home"), headers={"Accept-Language": "en"}
        )

        self.assertContains(response, '<html lang="sv">')
        self.assertEqual(response["Content-Language"], "sv")

    def test_the_language_switch_sets_the_cookie(self) -> None:
        client = client_for(self.network_a)

        response = client.post(
            reverse("set-language"), {"language": "en", "next": reverse("public:about")}
        )

        self.assertRedirects(response, reverse("public:about"), fetch_redirect_response=False)
        self.assertEqual(response.cookies[settings.LANGUAGE_COOKIE_NAME].value, "en")
        self.assertContains(client.get(reverse("public:about")), '<html lang="en">')
        self.assertEqual(
            client.get(reverse("public:contact")).context["form"].fields["name"].label,
            "Your name",
        )
