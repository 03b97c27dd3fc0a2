"""The administrator's page of people and roles, and its audit trail."""

from __future__ import annotations

from django.core import mail
from django.test import TestCase
from django.urls import reverse

from bygdebas.core.models import AuditEntry, Role, User
from bygdebas.testing import CastMixin, messages_of, sv


class RoleViewTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.bertils_role = Role.objects.get(user=cls.bertil, network=cls.network_a)
        cls.annas_role = Role.objects.get(user=cls.anna, network=cls.network_a)

    def test_the_list_shows_the_networks_people_and_recent_changes(self) -> None:
        self.as_anna().post(
            reverse("core:role-edit", kwargs={"pk": self.bertils_role.pk}),
            {"kind": Role.Kind.BOARD},
        )

        response = self.as_anna().get(reverse("core:role-list"))

        emails = [role.user.email for role in response.context["roles"]]
        self.assertEqual(emails, ["anna@a.test", "bertil@a.test", "cecilia@a.test", "sara@a.test"])
        self.assertNotContains(response, "david@b.test")
        self.assertEqual(
            [(e.verb, e.changes) for e in response.context["entries"]],
            [("role changed", {"role": ["staff", "board"]})],
        )
        self.assertContains(response, sv("Role changed"))
        self.assertContains(response, f"{sv('Staff')} → {sv('Board')}")

    def test_the_invite_form_shows_errors(self) -> None:
        response = self.as_anna().post(
            reverse("core:role-invite"),
            {"email": "inte-en-adress", "first_name": "", "kind": "contact"},
        )

        self.assertEqual(response.status_code, 200)
        errors = response.context["form"].errors
        self.assertEqual(errors["email"], [sv("Enter a valid email address.")])
        self.assertEqual(errors["first_name"], [sv("This field is required.")])
        # Contact persons are made through their organisation, not here.
        self.assertEqual(
            errors["kind"],
            [
                sv(
                    "Select a valid choice. %(value)s is not one of the available choices.",
                    value="contact",
                )
            ],
        )
        self.assertEqual(User.objects.count(), 5)
        self.assertEqual(mail.outbox, [])

    def test_it_changes_a_role_and_records_it(self) -> None:
        response = self.as_anna().post(
            reverse("core:role-edit", kwargs={"pk": self.bertils_role.pk}),
            {"kind": Role.Kind.ADMIN},
        )

        self.assertRedirects(response, reverse("core:role-list"))
        self.bertils_role.refresh_from_db()
        self.assertEqual(self.bertils_role.kind, Role.Kind.ADMIN)
        entry = AuditEntry.objects.get()
        self.assertEqual(
            (entry.network, entry.actor, entry.verb, entry.target, entry.changes),
            (
                self.network_a,
                self.anna,
                "role changed",
                self.bertils_role,
                {"role": ["staff", "admin"]},
            ),
        )
        self.assertEqual(messages_of(response), [sv("The role was changed.")])

    def test_anna_cannot_demote_herself(self) -> None:
        response = self.as_anna().post(
            reverse("core:role-edit", kwargs={"pk": self.annas_role.pk}),
            {"kind": Role.Kind.STAFF},
        )

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors["kind"],
            [sv("You cannot take away your own administrator role.")],
        )
        self.annas_role.refresh_from_db()
        self.assertEqual(self.annas_role.kind, Role.Kind.ADMIN)
        self.assertFalse(AuditEntry.objects.exists())

    def test_anna_cannot_remove_herself(self) -> None:
        response = self.as_anna().post(
            reverse("core:role-revoke", kwargs={"pk": self.annas_role.pk})
        )

        self.assertRedirects(response, reverse("core:role-list"))
        self.assertTrue(Role.objects.filter(pk=self.annas_role.pk).exists())
        self.assertEqual(messages_of(response), [sv("You cannot remove your own access.")])
        self.assertFalse(AuditEntry.objects.exists())

    def test_revoking_removes_the_role_and_records_it(self) -> None:
        response = self.as_anna().post(
            reverse("core:role-revoke", kwargs={"pk": self.bertils_role.pk})
        )

        self.assertRedirects(response, reverse("core:role-list"))
        self.assertFalse(Role.objects.filter(pk=self.bertils_role.pk).exists())
        # The account stays; only the access to this network goes.
        self.assertTrue(User.objects.filter(pk=self.bertil.pk).exists())
        entry = AuditEntry.objects.get()
        self.assertEqual(
            (entry.actor, entry.verb, entry.changes),
            (self.anna, "role revoked", {"role": ["staff", ""]}),
        )
        self.assertEqual(messages_of(response), [sv("The access was removed.")])
        self.assertEqual(self.as_user(self.bertil).get(reverse("plan:plan-list")).status_code, 403)

    def test_another_networks_role_is_not_found(self) -> None:
        davids_role = Role.objects.get(user=self.david)

        response = self.as_anna().post(reverse("core:role-revoke", kwargs={"pk": davids_role.pk}))

        self.assertEqual(response.status_code, 404)
        self.assertTrue(Role.objects.filter(pk=davids_role.pk).exists())
