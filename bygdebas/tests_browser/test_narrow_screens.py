"""Staff pages on a phone (390 px wide): the page never scrolls sideways.

Wide tables scroll inside their own container, which keeps the page still; the test loads the
demo network (realistic lengths of names, many columns) and measures each key staff page.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from bygdebas.connectivity.models import Analysis
from bygdebas.core.demo import ADMIN_EMAIL, DEMO_PASSWORD
from bygdebas.events.models import Event
from bygdebas.plan.models import Plan
from bygdebas.tests_browser.base import BrowserTestCase

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


class NarrowScreenTests(BrowserTestCase):
    def test_key_staff_pages_do_not_scroll_sideways_on_a_phone(self) -> None:
        call_command("load_demo", verbosity=0, stdout=io.StringIO())
        year = Plan.objects.order_by("-year").values_list("year", flat=True).first()
        event = Event.objects.order_by("-starts_at").first()
        analysis = Analysis.objects.filter(status=Analysis.Status.DONE).first()
        assert year and event and analysis, "the demo has a plan, an event and an analysis"
        pages = [
            "/kansli/organisationer/",
            "/kansli/personer/",
            "/kansli/medlemskap/",
            "/kansli/medlemsstatistik/",
            "/kansli/organisationer/karta/",
            "/kansli/insatser/",
            f"/kansli/uppfoljning/{year}/",
            f"/kansli/plan/{year}/",
            "/kansli/evenemang/",
            f"/kansli/evenemang/{event.pk}/",
            "/kansli/organ/",
            "/kansli/kollektivtrafik/",
            f"/kansli/kollektivtrafik/analyser/{analysis.pk}/",
            "/kansli/rekrytering/",
            "/kansli/rekrytering/lista/",
            "/kansli/anvandare/",
            "/kansli/integritet/logg/",
            # The public pages too.
            "/",
            "/om/",
            "/kalender/",
            f"/kalender/{event.pk}/",
        ]
        page = self.new_context(viewport=PHONE).new_page()
        page.goto(self.url("/konto/logga-in/"))
        page.fill("#id_username", ADMIN_EMAIL)
        page.fill("#id_password", DEMO_PASSWORD)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()

        widths = {}
        for path in pages:
            page.goto(self.url(path))
            widths[path] = page.evaluate("() => document.scrollingElement.scrollWidth")
        too_wide = {path: width for path, width in widths.items() if width > PHONE["width"]}
        self.assertEqual(too_wide, {}, f"pages wider than the phone: {too_wide}")

        # The table scrolls in its own box, which a keyboard can reach; axe agrees.
        page.goto(self.url("/kansli/organisationer/"))
        box = page.locator(".table-scroll").first
        self.assertGreater(
            box.evaluate("element => element.scrollWidth - element.clientWidth"), 100
        )
        self.assert_accessible(page, where="the organisation list on a phone")
