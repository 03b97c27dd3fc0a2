"""The installation operator's admin: superusers only, every model opens, dangerous edits closed.

That network roles never get in is proven in test_permission_matrix.py
(test_admin_is_closed_to_network_roles).
"""

from __future__ import annotations

from django.test import Client, TestCase
from django.urls import reverse

from bygdebas.core import geo
from bygdebas.core.models import AuditEntry, County, Municipality, Network, Role, User
from bygdebas.core.tests.html_forms import form_with
from bygdebas.testing import make_network, make_user, sv

MODELS = {
    "network": Network,
    "role": Role,
    "user": User,
    "county": County,
    "municipality": Municipality,
}


class AdminTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        geo.load_county("18")
        cls.operator = User.objects.create_superuser(email="drift@example.org", password="x")
        cls.network = make_network(
            name="Örebro län",
            slug="orebro",
            domain="orebro.test",
            county=County.objects.get(code="18"),
        )
        cls.anna = make_user(email="anna@orebro.test", role=Role.Kind.ADMIN, network=cls.network)
        cls.rows = {
            "network": cls.network,
            "role": Role.objects.get(),
            "user": cls.anna,
            "county": County.objects.get(code="18"),
            "municipality": Municipality.objects.get(code="1880"),
        }

    def setUp(self) -> None:
        self.client = Client()
        self.client.force_login(self.operator)

    def test_a_superuser_opens_every_changelist_add_and_change_page(self) -> None:
        for name, row in self.rows.items():
            pages = {
                "changelist": reverse(f"admin:core_{name}_changelist"),
                "add": reverse(f"admin:core_{name}_add"),
                "change": reverse(f"admin:core_{name}_change", args=[row.pk]),
            }
            for page, url in pages.items():
                with self.subTest(model=name, page=page):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 200)
                    # Boundaries are summarised, never printed (their points have 15 decimals).
                    self.assertNotContains(response, "coordinates")
                    self.assertNotRegex(response.content.decode(), r"\d\.\d{9}")
            if name in {"network", "user", "municipality"}:
                self.assertContains(self.client.get(pages["changelist"]), str(row))

    def test_the_index_lists_the_models(self) -> None:
        response = self.client.get(reverse("admin:index"))

        for name in MODELS:
            self.assertContains(response, reverse(f"admin:core_{name}_changelist"))

    def test_lists_search_and_filter(self) -> None:
        url = reverse("admin:core_municipality_changelist")
        county = County.objects.get(code="18")

        found = self.client.get(url, {"q": "Kumla"})
        self.assertContains(found, "Kumla")
        self.assertNotContains(found, "Lekeberg")
        in_county = self.client.get(url, {"county": county.pk})
        self.assertEqual(in_county.context["cl"].result_count, 12)
        counties = self.client.get(reverse("admin:core_county_changelist"))
        self.assertEqual(counties.context["cl"].result_count, 21)
        # Network, session, user, the county filter, two counts, the rows, the role: however
        # many municipalities there are.
        with self.assertNumQueries(9):
            self.client.get(url)
        geo.load_county("01")
        with self.assertNumQueries(9):
            self.assertEqual(self.client.get(url).context["cl"].result_count, 55)

    def test_the_municipality_page_summarises_the_boundary_and_locks_code_and_county(self) -> None:
        response = self.client.get(
            reverse("admin:core_municipality_change", args=[self.rows["municipality"].pk])
        )

        boundary = self.rows["municipality"].boundary
        self.assertEqual(boundary["type"], "Polygon")
        points = sum(len(ring) for ring in boundary["coordinates"])
        self.assertContains(
            response, sv("%(type)s with %(points)s points", type="Polygon", points=points)
        )
        form = response.context["adminform"].form
        self.assertNotIn("code", form.fields)
        self.assertNotIn("county", form.fields)
        self.assertNotIn("boundary", form.fields)
        self.assertIn("seat_name", form.fields)

    def test_networks_counties_and_municipalities_cannot_be_deleted_here(self) -> None:
        for name in ("network", "county", "municipality"):
            with self.subTest(model=name):
                url = reverse(f"admin:core_{name}_delete", args=[self.rows[name].pk])
                self.assertEqual(self.client.get(url).status_code, 403)
        self.assertTrue(Network.objects.filter(pk=self.network.pk).exists())

    def test_a_network_edited_here_keeps_its_slug_and_writes_its_phone_properly(self) -> None:
        url = reverse("admin:core_network_change", args=[self.network.pk])
        form = form_with(self.client.get(url).content, posting_to="")

        response = self.client.post(
            url, form.data(phone="0771-567 567", domain="Orebro.TEST", slug="hijacked")
        )

        self.assertEqual(response.status_code, 302, response.content[:2000])
        self.network.refresh_from_db()
        self.assertEqual(
            (self.network.slug, self.network.domain, self.network.phone),
            ("orebro", "orebro.test", "0771-56 75 67"),
        )

    def test_a_bad_phone_is_an_error_on_the_form(self) -> None:
        url = reverse("admin:core_network_change", args=[self.network.pk])
        form = form_with(self.client.get(url).content, posting_to="")

        response = self.client.post(url, form.data(phone="074-123 45 67"))

        self.assertEqual(response.status_code, 200)
        self.assertIn("phone", response.context["adminform"].form.errors)

    def test_roles_given_changed_and_removed_here_are_in_the_audit_log(self) -> None:
        bertil = make_user(email="bertil@orebro.test")
        add = reverse("admin:core_role_add")
        form = form_with(self.client.get(add).content, posting_to="")
        self.client.post(
            add, form.data(user=str(bertil.pk), network=str(self.network.pk), kind="staff")
        )
        role = Role.objects.get(user=bertil)
        change = reverse("admin:core_role_change", args=[role.pk])
        form = form_with(self.client.get(change).content, posting_to="")
        self.client.post(change, form.data(kind="board"))
        delete = reverse("admin:core_role_delete", args=[role.pk])
        self.client.post(delete, {"post": "yes"})

        self.assertFalse(Role.objects.filter(user=bertil).exists())
        entries = AuditEntry.objects.filter(network=self.network).order_by("pk")
        self.assertEqual(
            [(e.verb, e.source, e.actor, e.changes["role"]) for e in entries],
            [
                ("role granted", "admin", self.operator, ["", "staff"]),
                ("role changed", "admin", self.operator, ["staff", "board"]),
                ("role revoked", "admin", self.operator, ["board", ""]),
            ],
        )

    def test_a_user_is_created_with_an_e_mail_address_and_no_password(self) -> None:
        add = reverse("admin:core_user_add")
        form = form_with(self.client.get(add).content, posting_to="")

        response = self.client.post(add, form.data(email="ny@example.org", usable_password="false"))

        self.assertEqual(response.status_code, 302, response.content[:3000])
        user = User.objects.get(email="ny@example.org")
        self.assertFalse(user.has_usable_password())

    def test_staff_without_superuser_rights_see_nothing(self) -> None:
        staff = make_user(email="halvdrift@example.org", is_staff=True)
        client = Client()
        client.force_login(staff)

        index = client.get(reverse("admin:index"))
        self.assertEqual(index.status_code, 200)
        for name, row in self.rows.items():
            with self.subTest(model=name):
                self.assertNotContains(index, reverse(f"admin:core_{name}_changelist"))
                changelist = client.get(reverse(f"admin:core_{name}_changelist"))
                self.assertEqual(changelist.status_code, 403)
                change = client.get(reverse(f"admin:core_{name}_change", args=[row.pk]))
                self.assertEqual(change.status_code, 403)
