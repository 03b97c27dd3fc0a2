"""A first install, end to end: from an empty database to a network with its plan and members.

``setup_network`` loads the county and creates the network and its administrator; the mail it
sends reaches a real SMTP server; the administrator follows the link on the network's own host,
chooses a password, logs in, and imports the seed plan and a member list through their pages.
Nothing else is done by hand: no fixtures, no factories, no forced login.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, TestCase
from django.urls import reverse

from bygdebas.core.models import Municipality, Network, Role, User
from bygdebas.core.tests.html_forms import form_with
from bygdebas.members.models import Organisation, Person
from bygdebas.plan.models import Activity, Plan
from bygdebas.testing import SmtpServerMixin

SEED_PLAN = Path(settings.BASE_DIR) / "data" / "seeds" / "verksamhetsplan-2025-orebro-lan.txt"
NEW_PASSWORD = "Bygden-lever-2025!"
# A member list as an office keeps it: municipalities by name, with "kommun", by code; phone
# numbers written every which way.
MEMBER_LIST = (
    "Förening;Org.nr;Kommun;Ort;E-post;Telefon;Kontaktperson;Kontaktpersonens e-post\r\n"
    "Byalaget i Åsbro;802412-3450;Kumla;Åsbro;info@asbro.se;019-58 10 00;Åsa Ek;asa@example.org\r\n"
    "Lilla Mossby byalag;;Örebro kommun;Mossby;;0701112233;Kalle Berg;kalle@example.org\r\n"
    "Västra bygdegruppen;;1814;Västra;;010-123 45 67;;\r\n"
    "Bygdegården Kopparberg;;Ljusnarsbergs kommun;Kopparberg;;+46 771 567 567;;\r\n"
).encode("cp1252")


def setup_network(test: TestCase, **options: str) -> str:
    """Run the command as an operator would; its mail goes out when its transaction commits."""
    out = io.StringIO()
    arguments = {
        "name": "Hela Sverige ska leva Örebro län",
        "slug": "orebro",
        "domain": "orebro.bygdebas.test",
        "county": "18",
        "admin_email": "ordforande@orebro.example.org",
        **options,
    }
    with test.captureOnCommitCallbacks(execute=True):
        call_command(
            "setup_network",
            *[f"--{key.replace('_', '-')}={value}" for key, value in arguments.items()],
            stdout=out,
        )
    return out.getvalue()


class FirstInstallTests(SmtpServerMixin, TestCase):
    def test_from_an_empty_database_to_a_plan_and_a_member_list(self) -> None:
        self.assertFalse(Network.objects.exists())
        self.assertFalse(Municipality.objects.exists())
        self.assertFalse(User.objects.exists())

        output = setup_network(self)

        self.assertIn("created on orebro.bygdebas.test", output)
        self.assertEqual(Municipality.objects.filter(county__code="18").count(), 12)
        # The mail, through the real SMTP server, with the link on the network's host.
        [mail] = self.smtp.messages_to("ordforande@orebro.example.org")
        text = mail.get_body(("plain",)).get_content()
        link = re.search(r"https?://\S+", text).group(0)
        parts = urlsplit(link)
        self.assertEqual((parts.scheme, parts.netloc), ("http", "orebro.bygdebas.test"))
        browser = Client(HTTP_HOST=parts.netloc)

        # The administrator chooses a password (Django moves the token into the session first).
        page = browser.get(parts.path, follow=True)
        self.assertEqual(page.status_code, 200)
        form = form_with(page.content)
        done = browser.post(
            page.redirect_chain[-1][0],
            form.data(new_password1=NEW_PASSWORD, new_password2=NEW_PASSWORD),
        )
        self.assertRedirects(done, reverse("core:password-reset-complete"))
        self.assertTrue(User.objects.get().check_password(NEW_PASSWORD))

        # …logs in on the network's host…
        login_page = browser.get(reverse("core:login"))
        logged_in = browser.post(
            reverse("core:login"),
            form_with(login_page.content).data(
                username="ordforande@orebro.example.org", password=NEW_PASSWORD
            ),
        )
        self.assertRedirects(logged_in, reverse("plan:home"), fetch_redirect_response=False)
        landing = browser.get(reverse("plan:home"), follow=True)
        self.assertEqual(landing.redirect_chain, [(reverse("plan:plan-list"), 302)])
        self.assertContains(landing, reverse("plan:plan-import"))

        # …imports the seed plan: upload, preview, save what the preview offers…
        upload_page = browser.get(reverse("plan:plan-import"))
        preview = browser.post(
            reverse("plan:plan-import"),
            {
                **form_with(upload_page.content).data(),
                "document": SimpleUploadedFile(SEED_PLAN.name, SEED_PLAN.read_bytes()),
            },
        )
        self.assertEqual(preview.status_code, 200)
        save = form_with(preview.content, posting_to=reverse("plan:plan-import-save"))
        saved = browser.post(save.action, save.data())
        self.assertRedirects(saved, reverse("plan:plan-detail", kwargs={"year": 2025}))
        network = Network.objects.get(slug="orebro")
        plan = Plan.objects.get(network=network)
        self.assertEqual(Activity.objects.filter(area__plan=plan).count(), 29)

        # …and the member list: upload, preview, import.
        members_page = browser.get(reverse("members:import-upload"))
        uploaded = browser.post(
            reverse("members:import-upload"),
            {
                **form_with(members_page.content).data(),
                "file": SimpleUploadedFile("medlemmar.csv", MEMBER_LIST),
            },
        )
        self.assertEqual(uploaded.status_code, 302)
        preview = browser.get(uploaded["Location"])
        self.assertEqual(preview.status_code, 200)
        self.assertNotContains(preview, "is not a municipality")
        importing = form_with(
            preview.content, posting_to=urlsplit(uploaded["Location"]).path + "spara/"
        )
        imported = browser.post(importing.action, importing.data())
        self.assertEqual(imported.status_code, 302, imported.content[:3000])
        organisations = {
            o.name: (o.municipality.name, o.phone)
            for o in Organisation.objects.filter(network=network).select_related("municipality")
        }
        self.assertEqual(
            organisations,
            {
                "Byalaget i Åsbro": ("Kumla", "019-58 10 00"),
                "Lilla Mossby byalag": ("Örebro", "070-111 22 33"),
                "Västra bygdegruppen": ("Lekeberg", "010-123 45 67"),
                "Bygdegården Kopparberg": ("Ljusnarsberg", "0771-56 75 67"),
            },
        )
        self.assertEqual(
            set(Person.objects.filter(network=network).values_list("name", flat=True)),
            {"Åsa Ek", "Kalle Berg"},
        )
        self.assertEqual(Role.objects.get(network=network).kind, Role.Kind.ADMIN)

    def test_stockholm_gets_its_26_municipalities(self) -> None:
        output = setup_network(
            self,
            name="Hela Sverige ska leva Stockholms län",
            slug="stockholm",
            domain="stockholm.bygdebas.test",
            county="01",
            admin_email="kansli@stockholm.example.org",
        )

        network = Network.objects.get(slug="stockholm")
        self.assertEqual(network.county.name, "Stockholms län")
        self.assertEqual(network.municipalities().count(), 26)
        self.assertIn("Stockholms län (01), 26 municipalities", output)
        [mail] = self.smtp.messages_to("kansli@stockholm.example.org")
        self.assertIn(
            "http://stockholm.bygdebas.test/konto/losenord/",
            mail.get_body(("plain",)).get_content(),
        )
