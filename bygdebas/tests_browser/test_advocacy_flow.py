"""Watching to position in Chromium: staff add a source and fetch it (from a local feed server),
find the matched entry, turn it into a consultation case and draft the answer; the board approves
it; staff mark it sent (the action appears in the follow-up) and publish it as a position, which a
visitor then finds by searching. axe-core checks every page visited.
"""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page

from bygdebas.advocacy.models import Case, Position
from bygdebas.advocacy.tests.feedserver import FeedServer
from bygdebas.core.models import Role, User
from bygdebas.plan.models import Action, Activity
from bygdebas.testing import PASSWORD, make_county, make_network, make_plan, make_user
from bygdebas.tests_browser.base import BrowserTestCase

pytestmark = pytest.mark.browser

ANSWER = (
    "Vi tillstyrker programmet.\n\n"
    "Turtätheten på landsbygden måste öka, och anropsstyrd trafik ska finnas i alla kommuner."
)


@override_settings(BYGDEBAS_WATCH_ALLOW_PRIVATE=True)  # the feed server is on 127.0.0.1
class AdvocacyFlowTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.feeds = FeedServer()
        self.feeds.__enter__()
        self.addCleanup(self.feeds.__exit__, None, None, None)
        # The only network: the live server's localhost falls back to it.
        self.network = make_network(
            name="Nätverk A", slug="a", domain="localhost", county=make_county()
        )
        plan = make_plan(network=self.network, year=timezone.localdate().year, areas=(2,))
        self.activity = Activity.objects.filter(area__plan=plan).order_by("pk")[0]
        self.activity.text = "Bedriva opinionsbildning för hållbar landsbygd."
        self.activity.save()
        self.bertil = make_user(
            email="bertil@a.test", role=Role.Kind.STAFF, network=self.network, first_name="Bertil"
        )
        self.sara = make_user(
            email="sara@a.test", role=Role.Kind.BOARD, network=self.network, first_name="Sara"
        )

    def logged_in(self, user: User) -> Page:
        context: BrowserContext = self.new_context()
        page = context.new_page()
        page.goto(self.url("/konto/logga-in/"))
        page.fill("#id_username", user.email)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        return page

    def submit(self, page: Page, form: str = "main form") -> None:
        with page.expect_navigation():
            page.locator(f"{form} button[type=submit]").first.click()

    def test_from_a_watched_feed_to_a_published_position(self) -> None:
        staff = self.logged_in(self.bertil)

        # Add a source and fetch it.
        staff.goto(self.url("/kansli/bevakning/kallor/ny/"))
        self.assert_accessible(staff, where="the new source form")
        staff.fill("#id_name", "Regeringen: remisser")
        staff.fill("#id_url", self.feeds.url("/rss"))
        staff.fill("#id_keywords", "kollektivtrafik, bredband*")
        self.submit(staff)
        self.assert_accessible(staff, where="the source list")
        self.submit(staff, "form[action$='/hamta/']")
        self.assertIn("2 träffar reglerna", staff.locator(".messages").inner_text())

        # Find the matched entry in the inbox and turn it into a case.
        staff.goto(self.url("/kansli/bevakning/"))
        self.assert_accessible(staff, where="the inbox")
        with staff.expect_navigation():
            staff.get_by_role("link", name="Remiss: kollektivtrafiken i länet").click()
        self.assert_accessible(staff, where="an entry")
        with staff.expect_navigation():
            staff.get_by_role("link", name="Gör till en remiss").click()
        self.assert_accessible(staff, where="the case form")
        staff.fill("#id_reference", "RS 2025/412")
        staff.fill("#id_authority", "Region Örebro län")
        self.submit(staff)
        case = Case.objects.get()
        self.assertEqual(list(case.activities.all()), [self.activity])
        self.assert_accessible(staff, where="the case")

        # Draft the answer and send it to the board.
        with staff.expect_navigation():
            staff.get_by_role("link", name="Skriv svaret").click()
        self.assert_accessible(staff, where="the answer form")
        staff.fill("#id_text", ANSWER)
        self.submit(staff)
        staff.select_option("#move_status", "board_review")
        self.submit(staff, "form[action$='/flytta/']")

        # The board approves.
        board = self.logged_in(self.sara)
        board.goto(self.url(f"/kansli/remisser/{case.pk}/"))
        self.assert_accessible(board, where="the case for the board")
        board.check("#review_decision_0")
        self.submit(board, "form[action$='/granska/']")
        case.refresh_from_db()
        self.assertEqual(case.approved_by, self.sara)

        # Staff mark it sent: the action is logged and shows in the follow-up.
        staff.goto(self.url(f"/kansli/remisser/{case.pk}/"))
        self.submit(staff, "form[action$='/skickad/']")
        action = Action.objects.get()
        self.assertEqual(list(action.activities.all()), [self.activity])
        staff.goto(self.url("/kansli/insatser/"))
        self.assertIn("RS 2025/412", staff.locator("main").inner_text())
        staff.goto(self.url("/kansli/"))
        self.assertIn(self.activity.text, staff.locator("main").inner_text())

        # Publish it as a position.
        staff.goto(self.url(f"/kansli/remisser/{case.pk}/"))
        self.submit(staff, "form[action$='/publicera/']")
        position = Position.objects.get()
        self.assertTrue(position.is_published)

        # A visitor finds it by searching.
        visitor = self.page
        visitor.goto(self.url("/stallningstaganden/"))
        self.assert_accessible(visitor, where="the positions")
        visitor.fill("#id_q", "anropsstyrd")
        self.submit(visitor)
        self.assert_accessible(visitor, where="the search results")
        with visitor.expect_navigation():
            visitor.get_by_role("link", name=position.title).click()
        self.assertIn("Turtätheten på landsbygden", visitor.locator("main").inner_text())
        self.assert_accessible(visitor, where="the position")
