"""The widget frame: who may embed it (frame-ancestors), its theme and colour, and its content."""

from __future__ import annotations

import datetime

from django.test import TestCase
from django.utils import timezone

from bygdebas.core.tests.swedish import leftovers
from bygdebas.core.widgets import register_widget, widgets
from bygdebas.events.models import Event
from bygdebas.testing import CastMixin, make_event, sv
from bygdebas.widgets import services
from bygdebas.widgets.models import EmbedSettings, contrast_with_white, parse_origin


def soon(days: int = 3) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


class FrameTests(CastMixin, TestCase):
    def test_only_the_listed_origins_may_frame_a_widget(self) -> None:
        services.save_settings(
            network=self.network_a,
            allowed_origins="https://www.helasverige.se\nhttp://127.0.0.1:8123/",
            colour="#1f5f3a",
        )
        response = self.as_anonymous().get("/widget/kalender/")
        self.assertEqual(response.status_code, 200)
        policy = response["Content-Security-Policy"]
        self.assertIn(
            "frame-ancestors 'self' http://127.0.0.1:8123 https://www.helasverige.se", policy
        )
        self.assertNotIn("X-Frame-Options", response)
        # Network B lists nothing: only its own pages may frame its widgets.
        theirs = self.as_david().get("/widget/kalender/")
        self.assertIn("frame-ancestors 'self';", theirs["Content-Security-Policy"] + ";")
        # Every other page still refuses to be framed at all.
        home = self.as_anonymous().get("/kalender/")
        self.assertIn("frame-ancestors 'none'", home["Content-Security-Policy"])
        self.assertEqual(home["X-Frame-Options"], "DENY")

    def test_an_unknown_widget_is_404(self) -> None:
        self.assertEqual(self.as_anonymous().get("/widget/finns-inte/").status_code, 404)

    def test_the_theme_and_the_networks_colour(self) -> None:
        services.save_settings(network=self.network_a, allowed_origins="", colour="#7A1F5C")
        css = self.as_anonymous().get("/widget/tema.css")
        self.assertEqual(css["Content-Type"], "text/css; charset=utf-8")
        self.assertEqual(css.content.decode(), ":root { --widget-accent: #7a1f5c; }\n")
        dark = self.as_anonymous().get("/widget/kalender/?theme=dark")
        self.assertContains(dark, 'class="widget theme-dark"')
        odd = self.as_anonymous().get("/widget/kalender/?theme=<script>")
        self.assertContains(odd, 'class="widget theme-auto"')

    def test_the_calendar_shows_our_events_and_neighbours_open_ones_with_their_name(
        self,
    ) -> None:
        make_event(
            network=self.network_a, title="Vårt bygdemöte", starts_at=soon(2), ends_at=soon(2)
        )
        make_event(
            network=self.network_b,
            title="Grannarnas öppna seminarium",
            starts_at=soon(3),
            ends_at=soon(3),
            is_open_to_networks=True,
        )
        make_event(
            network=self.network_b,
            title="Grannarnas interna möte",
            starts_at=soon(4),
            ends_at=soon(4),
        )
        make_event(
            network=self.network_a,
            title="Utkast",
            status=Event.Status.DRAFT,
            starts_at=soon(2),
            ends_at=soon(2),
        )
        response = self.as_anonymous().get("/widget/kalender/")
        self.assertContains(response, "Vårt bygdemöte")
        self.assertContains(response, "Grannarnas öppna seminarium")
        self.assertContains(response, sv("arranged by %(owner)s", owner="Nätverk B"))
        self.assertContains(response, "http://b.test/kalender/")
        self.assertNotContains(response, "Grannarnas interna möte")
        self.assertNotContains(response, "Utkast")
        self.assertContains(response, 'target="_top"')

    def test_the_about_widget_is_the_generic_one(self) -> None:
        response = self.as_anonymous().get("/widget/om-oss/")
        self.assertContains(response, "<h1>Nätverk A</h1>", html=True)
        self.assertContains(response, self.network_a.contact_email)

    def test_the_embed_page_gives_the_code_for_every_widget(self) -> None:
        response = self.as_bertil().get("/kansli/widgetar/")
        for widget in widgets():
            self.assertContains(response, f"http://a.test/widget/{widget.key}/")
        self.assertContains(response, "js/widget-embed.js")
        self.assertContains(response, 'height="480"')


class EveryWidgetTests(CastMixin, TestCase):
    def test_every_registered_widget_answers_everyone_in_swedish_and_frameably(self) -> None:
        keys = {widget.key for widget in widgets()}
        self.assertLessEqual(
            {"kalender", "goda-exempel", "nyhetsbrev", "landsbygdslaget", "om-oss"}, keys
        )
        for widget in widgets():
            for who in ("anonymous", "anna", "sara", "david"):
                with self.subTest(widget=widget.key, who=who):
                    response = getattr(self, f"as_{who}")().get(f"/widget/{widget.key}/")
                    self.assertEqual(response.status_code, 200)
                    self.assertIn("frame-ancestors 'self'", response["Content-Security-Policy"])
                    self.assertEqual(leftovers(response.content.decode()), [])
                    self.assertContains(response, 'target="_top"')


class SettingsTests(CastMixin, TestCase):
    def test_origins_are_normalised_and_bad_ones_refused_with_nothing_saved(self) -> None:
        self.assertEqual(parse_origin("HTTPS://WWW.Example.se/"), "https://www.example.se")
        self.assertEqual(parse_origin("http://127.0.0.1:8080"), "http://127.0.0.1:8080")
        response = self.as_anna().post(
            "/kansli/widgetar/installningar/",
            {
                "allowed_origins": "https://ok.example.se\nhttps://bad.example.se/sida",
                "colour": "#1f5f3a",
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "https://bad.example.se/sida", status_code=400)
        self.assertFalse(EmbedSettings.objects.exists())

    def test_a_colour_too_light_to_read_is_refused(self) -> None:
        self.assertLess(contrast_with_white("#ffdd00"), 4.5)
        response = self.as_anna().post(
            "/kansli/widgetar/installningar/", {"allowed_origins": "", "colour": "#ffdd00"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response,
            sv("This colour is too light to read on white; choose a darker one."),
            status_code=400,
        )
        self.assertFalse(EmbedSettings.objects.exists())

    def test_an_administrator_saves_the_sites(self) -> None:
        response = self.as_anna().post(
            "/kansli/widgetar/installningar/",
            {"allowed_origins": "https://www.helasverige.se/\n\n", "colour": "#1f5f3a"},
        )
        self.assertRedirects(response, "/kansli/widgetar/")
        saved = EmbedSettings.objects.get(network=self.network_a)
        self.assertEqual(saved.origins(), ["https://www.helasverige.se"])


class RegistryTests(TestCase):
    def test_a_key_registered_twice_differently_is_an_error(self) -> None:
        with self.assertRaises(ValueError):
            register_widget("kalender", label="Other", template="x.html", context=lambda r, n: {})
        with self.assertRaises(ValueError):
            register_widget("Bad Key", label="x", template="x.html", context=lambda r, n: {})
