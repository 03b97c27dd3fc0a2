"""Public metadata: Open Graph, Twitter card, canonical link and JSON-LD from one block."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

from django.http import HttpResponse
from django.template import Context, Template
from django.test import RequestFactory, TestCase
from django.urls import reverse
from PIL import Image as PILImage

from bygdebas.core.images import save_image
from bygdebas.core.metadata import MetaImage, PageMeta, json_ld
from bygdebas.core.tests.test_images import StorageMixin, png_bytes
from bygdebas.events.models import Event
from bygdebas.testing import CastMixin, make_event, make_municipality, make_registration

LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld_blocks(response: HttpResponse) -> list[dict[str, Any]]:
    return [json.loads(block) for block in LD_JSON.findall(response.content.decode())]


def meta(response: HttpResponse, name: str) -> list[str]:
    """The content of every <meta property|name="name">."""
    pattern = rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)">'
    return re.findall(pattern, response.content.decode())


class JsonLdTests(TestCase):
    def test_no_text_can_close_the_script_element(self) -> None:
        hostile = {"name": "</script><script>alert('x')</script> & <!-- <b>", "line": "a\u2028b"}
        text = str(json_ld(hostile))
        for forbidden in ("<", ">", "&", "\u2028"):
            self.assertNotIn(forbidden, text)
        self.assertEqual(json.loads(text), hostile)


class PageMetaTagTests(StorageMixin, CastMixin, TestCase):
    def render(self, page_meta: PageMeta | None, path: str = "/sida/?sort=namn") -> str:
        request = RequestFactory().get(path, HTTP_HOST="a.test")
        template = Template("{% load metadata %}{% page_meta %}")
        return template.render(
            Context({"request": request, "network": self.network_a, "page_meta": page_meta})
        )

    def test_the_network_speaks_for_a_page_without_its_own(self) -> None:
        self.network_a.tagline = "Hela länet ska leva"
        html = self.render(None)
        self.assertIn('<meta property="og:title" content="Nätverk A">', html)
        self.assertIn('<meta property="og:site_name" content="Nätverk A">', html)
        self.assertIn('<meta property="og:description" content="Hela länet ska leva">', html)
        self.assertIn('<meta property="og:locale" content="sv_SE">', html)
        self.assertIn('<link rel="canonical" href="http://a.test/sida/">', html)
        self.assertIn('<meta property="og:url" content="http://a.test/sida/">', html)
        self.assertIn('<meta name="twitter:card" content="summary">', html)
        self.assertNotIn("og:image", html)
        self.assertNotIn("ld+json", html)

    def test_an_uploaded_image_becomes_og_image_with_its_size_and_alt_text(self) -> None:
        image = save_image(
            network=self.network_a,
            image=png_bytes(PILImage.new("RGB", (2000, 1000), "green")),
            alt_text="Ängen vid byskolan",
        )
        html = self.render(
            PageMeta(title="Ängen", description="<p>Om <b>ängen</b></p>", image=image)
        )
        self.assertIn(
            f'<meta property="og:image" content="http://a.test{image.url_for(960)}">', html
        )
        self.assertIn('<meta property="og:image:width" content="960">', html)
        self.assertIn('<meta property="og:image:height" content="480">', html)
        self.assertIn('<meta property="og:image:alt" content="Ängen vid byskolan">', html)
        self.assertIn('<meta name="twitter:card" content="summary_large_image">', html)
        self.assertIn('<meta name="twitter:image:alt" content="Ängen vid byskolan">', html)
        self.assertIn('<meta name="description" content="Om ängen">', html)
        html = self.render(PageMeta(title="x", image=MetaImage("https://cdn.example/a.jpg", 10, 5)))
        self.assertIn('<meta property="og:image" content="https://cdn.example/a.jpg">', html)

    def test_schema_blocks_get_the_schema_org_context(self) -> None:
        html = self.render(PageMeta(title="x", schema=[{"@type": "Thing", "name": "</script>"}]))
        [block] = LD_JSON.findall(html)
        self.assertEqual(
            json.loads(block),
            {"@context": "https://schema.org", "@type": "Thing", "name": "</script>"},
        )


class PublicPagesMetadataTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.network_a.tagline = "Stad och land – hand i hand"
        cls.network_a.phone = "019-10 20 30"
        cls.network_a.address = "Box 1\n701 01 Örebro"
        cls.network_a.save()

    def test_home_describes_the_network_as_an_organization_and_website(self) -> None:
        response = self.as_anonymous().get("/?utm_source=x")
        self.assertEqual(meta(response, "og:title"), ["Nätverk A"])
        self.assertEqual(meta(response, "og:url"), ["http://a.test/"])
        organization, website = json_ld_blocks(response)
        self.assertEqual(organization["@type"], "Organization")
        self.assertEqual(organization["name"], "Nätverk A")
        self.assertEqual(organization["telephone"], "019-10 20 30")
        self.assertEqual(organization["address"]["streetAddress"], "Box 1, 701 01 Örebro")
        self.assertEqual(organization["areaServed"]["name"], "Örebro län")
        self.assertEqual(website["@type"], "WebSite")
        self.assertEqual(website["url"], "http://a.test/")

    def test_about_and_contact_pages(self) -> None:
        about = self.as_anonymous().get(reverse("public:about"))
        self.assertEqual(meta(about, "og:title"), ["Om oss – Nätverk A"])
        self.assertEqual(json_ld_blocks(about)[0]["@type"], "AboutPage")
        contact = self.as_anonymous().get(reverse("public:contact"))
        self.assertEqual(json_ld_blocks(contact)[0]["@type"], "ContactPage")

    def test_office_pages_and_personal_links_say_nothing_to_crawlers(self) -> None:
        office = self.as_bertil().get(reverse("plan:plan-list"))
        self.assertContains(office, '<meta name="robots" content="noindex">')
        self.assertNotContains(office, "og:")
        registration = make_registration(event=make_event(network=self.network_a))
        page = self.as_anonymous().get(reverse("events:registration", args=[registration.token]))
        self.assertContains(page, '<meta name="robots" content="noindex, nofollow">')
        self.assertNotContains(page, "og:")
        self.assertNotContains(page, 'rel="canonical"')


class EventMetadataTests(CastMixin, TestCase):
    def get(self, event: Event) -> HttpResponse:
        return self.as_anonymous().get(reverse("events:event-detail", args=[event.pk]))

    def test_an_event_is_a_schema_org_event(self) -> None:
        starts = datetime.datetime(2031, 3, 14, 18, 30, tzinfo=datetime.UTC)
        event = make_event(
            network=self.network_a,
            title="Bygdestämma </script><script>alert(1)</script>",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            municipality=make_municipality(code="1814", name="Lekeberg"),
            place_name="Folkets hus",
            address="Storgatan 1",
            lat=59.17,
            lon=14.87,
            organisers="Fjugesta byalag",
            capacity=2,
        )
        make_registration(event=event)
        response = self.get(event)
        [data] = json_ld_blocks(response)
        url = f"http://a.test/kalender/{event.pk}/"
        self.assertEqual(data["@context"], "https://schema.org")
        self.assertEqual(data["@type"], "Event")
        self.assertEqual(data["name"], event.title)
        self.assertEqual(data["url"], url)
        self.assertEqual(data["startDate"], "2031-03-14T19:30:00+01:00")
        self.assertEqual(data["endDate"], "2031-03-14T21:30:00+01:00")
        self.assertEqual(data["eventStatus"], "https://schema.org/EventScheduled")
        self.assertEqual(
            data["eventAttendanceMode"], "https://schema.org/OfflineEventAttendanceMode"
        )
        self.assertEqual(data["location"]["name"], "Folkets hus")
        self.assertEqual(
            data["location"]["address"],
            {"@type": "PostalAddress", "addressCountry": "SE", "streetAddress": "Storgatan 1",
             "addressLocality": "Lekeberg"},
        )  # fmt: skip
        self.assertEqual(data["location"]["geo"]["latitude"], 59.17)
        self.assertEqual([o["name"] for o in data["organizer"]], ["Nätverk A", "Fjugesta byalag"])
        self.assertEqual(data["offers"]["availability"], "https://schema.org/InStock")
        self.assertEqual(data["offers"]["price"], "0")
        self.assertEqual(data["remainingAttendeeCapacity"], 1)
        # The title cannot break out of the data block: one script element, whole.
        self.assertEqual(response.content.decode().count("</script><script>alert(1)"), 0)
        self.assertEqual(meta(response, "og:url"), [url])
        self.assertTrue(meta(response, "og:description")[0].startswith("14 mars 2031, 19:30. "))

    def test_online_full_and_cancelled_events(self) -> None:
        online = make_event(
            network=self.network_a,
            format=Event.Format.DIGITAL,
            video_url="https://meet.example.org/hemligt-rum",
            place_name="",
            address="",
            capacity=1,
        )
        make_registration(event=online)
        data = json_ld_blocks(self.get(online))[0]
        self.assertEqual(
            data["eventAttendanceMode"], "https://schema.org/OnlineEventAttendanceMode"
        )
        self.assertEqual(data["location"], {"@type": "VirtualLocation", "url": data["url"]})
        self.assertEqual(data["offers"]["availability"], "https://schema.org/SoldOut")
        self.assertNotIn("hemligt-rum", json.dumps(data))
        hybrid = make_event(
            network=self.network_a, format=Event.Format.HYBRID, video_url="https://x.example"
        )
        data = json_ld_blocks(self.get(hybrid))[0]
        self.assertEqual(data["eventAttendanceMode"], "https://schema.org/MixedEventAttendanceMode")
        self.assertEqual(
            [place["@type"] for place in data["location"]], ["Place", "VirtualLocation"]
        )
        cancelled = make_event(network=self.network_a, status=Event.Status.CANCELLED)
        data = json_ld_blocks(self.get(cancelled))[0]
        self.assertEqual(data["eventStatus"], "https://schema.org/EventCancelled")
        self.assertNotIn("offers", data)
