"""setup_network: the county, the network and its first administrator, idempotent and clear."""

from __future__ import annotations

import io
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, TestCase, override_settings

from bygdebas.core.models import AuditEntry, County, Municipality, Network, Role, Town, User
from bygdebas.testing import PASSWORD, SmtpServerMixin, make_network, make_user

ARGUMENTS = {
    "name": "Hela Sverige ska leva Örebro län",
    "slug": "orebro",
    "domain": "orebro.bygdebas.test",
    "county": "18",
    "admin_email": "ordforande@orebro.example.org",
}


def argv(**changes: str) -> list[str]:
    values = {**ARGUMENTS, **changes}
    return [f"--{key.replace('_', '-')}={value}" for key, value in values.items()]


class SetupNetworkTests(SmtpServerMixin, TestCase):
    def setup(self, *extra: str, **changes: str) -> str:
        out = io.StringIO()
        with self.captureOnCommitCallbacks(execute=True):
            call_command(
                "setup_network", *argv(**changes), *extra, stdout=out, stderr=io.StringIO()
            )
        return out.getvalue()

    def counts(self) -> tuple[int, ...]:
        return tuple(
            model.objects.count()
            for model in (County, Municipality, Town, Network, User, Role, AuditEntry)
        )

    def test_it_sets_up_the_network_on_an_empty_database(self) -> None:
        output = self.setup()

        network = Network.objects.get()
        self.assertEqual(
            (network.name, network.slug, network.domain, network.county.code),
            ("Hela Sverige ska leva Örebro län", "orebro", "orebro.bygdebas.test", "18"),
        )
        self.assertEqual(network.municipalities().count(), 12)
        self.assertEqual(Town.objects.count(), 26)
        user = User.objects.get()
        self.assertEqual(user.email, "ordforande@orebro.example.org")
        self.assertFalse(user.has_usable_password())
        self.assertFalse(user.is_staff or user.is_superuser)
        self.assertEqual(user.role_in(network), Role.Kind.ADMIN)
        entry = AuditEntry.objects.get()
        self.assertEqual((entry.verb, entry.source, entry.actor), ("role granted", "system", None))
        self.assertEqual(
            output.splitlines(),
            [
                "Geography Örebro län (18), 12 municipalities and 17 around it, 26 towns: "
                "76 rows added, 0 changed.",
                "Network Hela Sverige ska leva Örebro län (orebro) created on orebro.bygdebas.test.",
                "Administrator ordforande@orebro.example.org: account created, without a password.",
                "Mailed ordforande@orebro.example.org a link to choose a password on "
                "http://orebro.bygdebas.test/.",
            ],
        )
        [mail] = self.smtp.messages
        self.assertEqual(mail["To"], "ordforande@orebro.example.org")
        self.assertEqual(mail["Subject"], "Hela Sverige ska leva Örebro län är redo i Bygdebas")
        text = mail.get_body(("plain",)).get_content()
        self.assertRegex(text, r"http://orebro\.bygdebas\.test/konto/losenord/\w+/[\w-]+/")
        self.assertIn("3 dagar", text)

    def test_running_it_again_changes_nothing_sends_nothing_and_says_so(self) -> None:
        self.setup()
        counts = self.counts()
        password = User.objects.get().password
        self.smtp.clear()

        output = self.setup()

        self.assertEqual(self.counts(), counts)
        self.assertEqual(User.objects.get().password, password)
        self.assertEqual(self.smtp.messages, [])
        self.assertEqual(
            output.splitlines(),
            [
                "Geography Örebro län (18), 12 municipalities and 17 around it, 26 towns: "
                "already loaded, nothing changed.",
                "Network Hela Sverige ska leva Örebro län (orebro) on orebro.bygdebas.test: "
                "already there.",
                "Administrator ordforande@orebro.example.org: already there.",
                "No mail sent (--resend sends the administrator a new link).",
            ],
        )

    def test_resend_mails_a_new_link_and_changes_nothing_else(self) -> None:
        self.setup()
        counts = self.counts()
        [first] = self.smtp.messages
        self.smtp.clear()

        output = self.setup("--resend")

        self.assertEqual(self.counts(), counts)
        self.assertIn("Mailed ordforande@orebro.example.org a link", output)
        [again] = self.smtp.messages
        link = re.compile(r"http://orebro\.bygdebas\.test/konto/losenord/([^/]+)/([^/]+)/")
        first_uid, _first_token = link.search(first.get_body(("plain",)).get_content()).groups()
        uid, token = link.search(again.get_body(("plain",)).get_content()).groups()
        # The same person's link; its token carries the second it was made, so it may differ.
        self.assertEqual(uid, first_uid)
        admin = User.objects.get(email="ordforande@orebro.example.org")
        self.assertTrue(default_token_generator.check_token(admin, token))

    @override_settings(PRODUCTION=True)
    def test_in_production_the_link_is_https(self) -> None:
        output = self.setup()

        self.assertIn("on https://orebro.bygdebas.test/.", output)
        text = self.smtp.messages[0].get_body(("plain",)).get_content()
        self.assertIn("https://orebro.bygdebas.test/konto/losenord/", text)

    def test_values_are_cleaned(self) -> None:
        self.setup(
            domain=" Orebro.Bygdebas.TEST. ",
            admin_email=" Ordforande@Orebro.Example.ORG ",
            county="18",
        )

        self.assertEqual(Network.objects.get().domain, "orebro.bygdebas.test")
        self.assertEqual(User.objects.get().email, "ordforande@orebro.example.org")

    def test_an_existing_account_keeps_its_password_and_gets_a_login_link(self) -> None:
        other = make_network(slug="other", domain="other.test")
        user = make_user(email="ordforande@orebro.example.org", role=Role.Kind.STAFF, network=other)

        output = self.setup()

        user.refresh_from_db()
        self.assertTrue(user.check_password(PASSWORD))
        self.assertEqual(user.role_in(Network.objects.get(slug="orebro")), Role.Kind.ADMIN)
        self.assertIn("existing account, role given", output)
        self.assertIn("a link to log in", output)
        text = self.smtp.messages[0].get_body(("plain",)).get_content()
        self.assertIn("http://orebro.bygdebas.test/konto/logga-in/", text)
        self.assertNotIn("/konto/losenord/", text)

    def test_someone_with_another_role_in_the_network_becomes_its_administrator(self) -> None:
        self.setup()
        role = Role.objects.get()
        role.kind = Role.Kind.STAFF
        role.save()

        output = self.setup()

        self.assertEqual(Role.objects.get().kind, Role.Kind.ADMIN)
        self.assertIn("role changed from staff to admin", output)
        self.assertEqual(
            AuditEntry.objects.latest("pk").changes["role"], [Role.Kind.STAFF, Role.Kind.ADMIN]
        )

    def test_stockholm_loads_its_26_municipalities(self) -> None:
        self.setup(slug="stockholm", domain="stockholm.bygdebas.test", county="01")

        network = Network.objects.get()
        self.assertEqual(network.municipalities().count(), 26)
        self.assertFalse(Town.objects.exists())

    def test_a_slug_or_host_name_of_another_network_is_refused_and_nothing_changes(self) -> None:
        make_network(name="Värmland", slug="varmland", domain="varmland.bygdebas.test")
        counts = self.counts()
        cases = {
            "host": (
                {"domain": "varmland.bygdebas.test"},
                "Nothing was changed: The host name varmland.bygdebas.test is already used by the "
                "network 'Värmland' (slug 'varmland').",
            ),
            "slug": (
                {"slug": "varmland"},
                "Nothing was changed: A network with the slug 'varmland' already exists and "
                "differs: its name is 'Värmland'; its host name is varmland.bygdebas.test; its "
                "county is (none). Change it in the admin, or choose another slug.",
            ),
        }
        for case, (changes, message) in cases.items():
            with self.subTest(case), self.assertRaises(CommandError) as raised:
                self.setup(**changes)
            self.assertEqual(str(raised.exception), message)
            self.assertEqual(raised.exception.returncode, 1)
        self.assertEqual(self.counts(), counts)
        self.assertEqual(self.smtp.messages, [])

    def test_bad_values_are_refused_with_what_is_wrong(self) -> None:
        cases = {
            "domain": ("https://orebro.example.se/", "is not a host name"),
            "slug": ("örebro län", "is not a slug"),
            "admin_email": ("ordforande", "is not an e-mail address"),
            "name": ("  ", "The network needs a name."),
        }
        for field, (value, message) in cases.items():
            with self.subTest(field), self.assertRaisesMessage(CommandError, message):
                self.setup(**{field: value})
        self.assertEqual(self.counts(), (0,) * 7)

    def test_a_host_name_the_site_does_not_serve_is_warned_about(self) -> None:
        err = io.StringIO()
        with self.captureOnCommitCallbacks(execute=True):
            call_command(
                "setup_network", *argv(domain="orebro.example.se"), stdout=io.StringIO(), stderr=err
            )

        self.assertEqual(
            err.getvalue().strip(),
            "Warning: orebro.example.se is not in DJANGO_ALLOWED_HOSTS, so the site will refuse "
            "it until it is added.",
        )


class SetupNetworkExitTests(SimpleTestCase):
    def test_an_unknown_county_lists_the_valid_ones_on_one_line_and_exits_2(self) -> None:
        # As an operator runs it: a process of its own, its exit code and what it writes.
        with tempfile.TemporaryDirectory() as workdir:
            environment = {
                key: value
                for key, value in os.environ.items()
                if key not in {"DATABASE_URL", "BYGDEBAS_PRODUCTION"}
            }
            # An empty database: the refusal comes before any query, so no table is missed.
            database = Path(workdir) / "empty.sqlite3"
            environment["BYGDEBAS_SQLITE_PATH"] = str(database)
            done = subprocess.run(
                [sys.executable, "manage.py", "setup_network", *argv(county="99")],
                cwd=settings.BASE_DIR,
                env=environment,
                capture_output=True,
                text=True,
                timeout=120,
            )
            with sqlite3.connect(database) as connection:
                tables = connection.execute("SELECT name FROM sqlite_master").fetchall()
            self.assertEqual(tables, [])

        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertEqual(done.stdout, "")
        [line] = done.stderr.splitlines()
        self.assertTrue(line.startswith("CommandError: Unknown county code '99'. Valid codes: "))
        self.assertIn("01 Stockholms län, 03 Uppsala län, 04 Södermanlands län", line)
        self.assertTrue(line.endswith("24 Västerbottens län, 25 Norrbottens län."))
        self.assertEqual(line.count(" län"), 21)
