"""The audit log reads in the reader's language: what happened, to which field, which value.

Entries store codes ("person.changed", "consent", "staff"); the pages show words. Every verb
the code records has a label (an AST walk finds them), so a new one cannot be left raw.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase, TestCase
from django.urls import reverse

from bygdebas.core.audit import verb_label
from bygdebas.core.models import Role
from bygdebas.core.services import change_role
from bygdebas.members.services.registry import create_person, record_consent
from bygdebas.testing import CastMixin


class AuditLogPagesTests(CastMixin, TestCase):
    def test_the_privacy_log_shows_words_not_codes(self) -> None:
        person = create_person(
            network=self.network_a, actor=self.anna, source="form", name="Nils", email="n@x.se"
        )
        record_consent(person=person, purpose="Nyhetsbrev", source="staff", actor=self.anna)

        page = self.as_anna().get(reverse("members:privacy-audit-log")).content.decode()

        self.assertNotIn("person.created", page)
        self.assertNotIn("<strong>consent</strong>", page)
        self.assertIn("Person skapad", page)
        self.assertIn("<strong>Samtycke</strong>", page)
        self.assertIn("<strong>E-postadress</strong>", page)

    def test_the_roles_page_shows_the_role_by_its_name(self) -> None:
        role = Role.objects.get(user=self.bertil, network=self.network_a)
        change_role(role=role, kind=Role.Kind.BOARD, changed_by=self.anna)

        page = self.as_anna().get(reverse("core:role-list")).content.decode()

        self.assertIn("Roll ändrad", page)
        self.assertIn("Kansli → Styrelse", page)
        self.assertNotIn("role changed", page)


class EveryVerbHasALabelTests(SimpleTestCase):
    def test_every_recorded_verb_has_a_label(self) -> None:
        root = Path(settings.BASE_DIR) / "bygdebas"
        verbs = set()
        for path in root.rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.keyword)
                    and node.arg == "verb"
                    and isinstance(node.value, ast.Constant)
                    and isinstance(node.value.value, str)
                ):
                    verbs.add(node.value.value)
        self.assertGreater(len(verbs), 10)
        for verb in sorted(verbs):
            with self.subTest(verb=verb):
                self.assertNotEqual(verb_label(verb), verb, "record_audit verb without a label")
