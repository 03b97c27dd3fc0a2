"""The menus and panels as registries (core.navigation): the apps' entries give the same menus
as the templates' hard-coded lists did, per role; other apps can add links and panels to the
self-service home without the members app knowing them."""

from __future__ import annotations

import html
import re
from unittest import mock

from django.test import RequestFactory, TestCase
from django.urls import reverse

from bygdebas.core import navigation
from bygdebas.core.access import READ_ROLES
from bygdebas.core.navigation import has_role, register_menu_entry, register_panel
from bygdebas.testing import CastMixin, make_plan, sv

# The menus exactly as base.html and office_base.html listed them before they became registries.
PUBLIC = [
    ("Home", "public:home"),
    ("Calendar", "events:event-list"),
    ("Newsletter", "newsletter:archive"),
    ("Good examples", "projects:example-catalogue"),
    ("Rural conditions", "conditions:report-map"),
    ("About us", "public:about"),
    ("Positions", "advocacy:position-list"),
    ("Contact", "public:contact"),
    ("Become a member", "members:join"),
]
CONTACT = [("Our organisation", "members:selfservice-home")]
OFFICE_LINK = [("Office", "plan:home")]
OFFICE = [
    ("Follow-up", "plan:home"),
    ("Plans", "plan:plan-list"),
    ("Other networks' plans", "national:plan-sources"),
    ("Actions", "plan:action-list"),
    ("Events", "events:staff-event-list"),
    ("Partnership bodies", "events:body-list"),
    ("Public transport", "connectivity:analysis-list"),
    ("Residents' reports", "conditions:staff-report-list"),
    ("Newsletter", "newsletter:issue-list"),
    ("Crisis preparedness", "conditions:preparedness"),
    ("Organisations", "members:organisation-list"),
    ("People", "members:person-list"),
    ("Member statistics", "members:statistics"),
    ("Memberships", "members:membership-list"),
    ("Recruitment", "recruitment:board"),
    ("Advocacy", "advocacy:inbox"),
    ("Projects and advice", "projects:project-list"),
    ("Good examples", "projects:staff-example-list"),
    ("Widgets", "widgets:embed-list"),
]
ADMIN_ONLY = [
    ("Users", "core:role-list"),
    ("API keys", "api:key-list"),
    ("Webhooks", "webhooks:endpoint-list"),
    ("Audit log", "members:privacy-audit-log"),
]
PUBLIC_SITE = [("Public site", "public:home")]

_NAV = re.compile(r'<ul class="nav">(.*?)</ul>', re.S)
_LINK = re.compile(r'<li><a href="([^"]*)">([^<]*)</a></li>')


def nav_of(response) -> list[tuple[str, str]]:
    """(label, path) of each link in the page's main menu."""
    block = _NAV.search(response.content.decode())
    assert block is not None, "no main menu on the page"
    return [(html.unescape(label), href) for href, label in _LINK.findall(block.group(1))]


def expected(entries: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(sv(label), reverse(name)) for label, name in entries]


class MenuTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        make_plan(network=cls.network_a)

    def test_the_public_menu_is_as_before_for_each_role(self) -> None:
        cases = {
            "anonymous": (self.as_anonymous(), PUBLIC),
            "cecilia": (self.as_cecilia(), PUBLIC + CONTACT),
            "anna": (self.as_anna(), PUBLIC + OFFICE_LINK),
            "bertil": (self.as_bertil(), PUBLIC + OFFICE_LINK),
            "sara": (self.as_sara(), PUBLIC + OFFICE_LINK),
            # David has no role on A's host: he sees what a visitor sees.
            "david on a": (self.as_user(self.david, self.network_a), PUBLIC),
        }
        for who, (client, entries) in cases.items():
            with self.subTest(who):
                response = client.get(reverse("public:home"))
                self.assertEqual(nav_of(response), expected(entries))

    def test_the_office_menu_is_as_before_for_each_role(self) -> None:
        cases = {
            "anna": (self.as_anna(), OFFICE + ADMIN_ONLY + PUBLIC_SITE),
            "bertil": (self.as_bertil(), OFFICE + PUBLIC_SITE),
            "sara": (self.as_sara(), OFFICE + PUBLIC_SITE),
        }
        for who, (client, entries) in cases.items():
            with self.subTest(who):
                response = client.get(reverse("plan:plan-list"))
                self.assertEqual(response.status_code, 200)
                self.assertEqual(nav_of(response), expected(entries))

    def test_the_menu_costs_no_query_of_its_own(self) -> None:
        request = RequestFactory().get("/", HTTP_HOST="a.test")
        request.network = self.network_a
        request.user = self.anna
        self.anna.role_in(self.network_a)  # the context processor has looked it up already

        with self.assertNumQueries(0):
            links = navigation.menu_links("office", request)

        self.assertEqual(len(links), len(OFFICE + ADMIN_ONLY + PUBLIC_SITE))

    def test_an_app_adds_an_entry_between_others_for_the_roles_it_names(self) -> None:
        register_menu_entry(
            "office",
            "test.newsletter",
            label="Testmeny",
            url_name="plan:plan-list",
            order=62,
            visible=has_role({"admin"}),
        )
        self.addCleanup(navigation.unregister_menu_entry, "office", "test.newsletter")

        anna = [label for label, _ in nav_of(self.as_anna().get(reverse("plan:plan-list")))]
        bertil = [label for label, _ in nav_of(self.as_bertil().get(reverse("plan:plan-list")))]

        position = anna.index(sv("Public transport")) + 1
        self.assertEqual(anna[position], "Testmeny")
        self.assertNotIn("Testmeny", bertil)

    def test_an_entry_is_registered_once(self) -> None:
        register_menu_entry("public", "test.once", label="A", url_name="public:home", order=1)
        self.addCleanup(navigation.unregister_menu_entry, "public", "test.once")

        # The same again is harmless (ready() may run twice); another definition is a mistake.
        register_menu_entry("public", "test.once", label="A", url_name="public:home", order=1)
        with self.assertRaisesMessage(ValueError, "already registered"):
            register_menu_entry("public", "test.once", label="B", url_name="public:home", order=1)

    def test_an_unknown_menu_is_refused(self) -> None:
        with self.assertRaisesMessage(ValueError, "Unknown menu 'staff'"):
            register_menu_entry("staff", "x", label="X", url_name="public:home", order=1)


class SelfServiceTests(CastMixin, TestCase):
    def test_the_home_shows_no_extra_section_while_no_app_adds_one(self) -> None:
        # The apps' own self-service links and panels are set aside for this test.
        entries = {k: v for k, v in navigation._entries.items() if k[0] != "selfservice"}
        panels = {k: v for k, v in navigation._panels.items() if k[0] != "selfservice"}
        with (
            mock.patch.dict(navigation._entries, entries, clear=True),
            mock.patch.dict(navigation._panels, panels, clear=True),
        ):
            response = self.as_cecilia().get(reverse("members:selfservice-home"))

        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, sv("More for member organisations"))

    def test_other_apps_add_links_and_panels_for_contact_persons(self) -> None:
        register_menu_entry(
            "selfservice",
            "test.examples",
            label="Goda exempel",
            url_name="public:about",
            order=20,
            description="Berätta om något ni gjort",
        )
        register_menu_entry(
            "selfservice",
            "test.staff-only",
            label="Bara för kansliet",
            url_name="public:about",
            order=30,
            visible=has_role(READ_ROLES),
        )
        # A panel gets the page's context (the organisations) and its own; None leaves it out.
        register_panel(
            "selfservice",
            "test.newsletter",
            template="core_testapp/_panel.html",
            order=10,
            context=lambda viewer: {"tick": f"Nyhetsbrev för {viewer.user.email}"},
        )
        register_panel(
            "selfservice",
            "test.hidden",
            template="core_testapp/_panel.html",
            order=20,
            context=lambda viewer: None,
        )
        self.addCleanup(navigation.unregister_menu_entry, "selfservice", "test.examples")
        self.addCleanup(navigation.unregister_menu_entry, "selfservice", "test.staff-only")
        self.addCleanup(navigation.unregister_panel, "selfservice", "test.newsletter")
        self.addCleanup(navigation.unregister_panel, "selfservice", "test.hidden")

        response = self.as_cecilia().get(reverse("members:selfservice-home"))

        self.assertContains(response, sv("More for member organisations"))
        self.assertContains(
            response,
            f'<a href="{reverse("public:about")}">Goda exempel</a>'
            ' <span class="muted">– Berätta om något ni gjort</span>',
            html=True,
        )
        self.assertNotContains(response, "Bara för kansliet")
        self.assertContains(
            response,
            '<section class="panel">Nyhetsbrev för cecilia@a.test (1 organisationer)</section>',
            count=1,
            html=True,
        )
