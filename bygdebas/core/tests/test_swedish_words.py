"""Words that English uses twice but Swedish does not: one message context each.

"Actions" is the plan's logged work (Insatser) and, over a column of buttons, what can be done
(Åtgärder); "Change" is a verb on a link (Ändra) and, in statistics, a difference (Förändring).
The Django empty choice is Swedish too. Pages in general are read for English leftovers by
the permission matrix (core/tests/swedish.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase, TestCase
from django.urls import reverse

from bygdebas.core.tests.swedish import leftovers
from bygdebas.testing import CastMixin, make_person


def column_headings(html: str) -> list[str]:
    headings = re.findall(r"<th[^>]*>(.*?)</th>", html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", heading).split()) for heading in headings]


class MessageContextTests(CastMixin, TestCase):
    def test_button_columns_are_not_called_insatser(self) -> None:
        person = make_person(network=self.network_a)
        pages = [
            (self.as_bertil(), reverse("members:membership-list")),
            (self.as_bertil(), reverse("members:privacy-person", args=[person.pk])),
            (
                self.as_cecilia(),
                reverse("members:selfservice-organisation", args=[self.cecilia_org.pk]),
            ),
            (self.as_bertil(), reverse("members:organisation-detail", args=[self.cecilia_org.pk])),
        ]
        for client, url in pages:
            with self.subTest(url=url):
                headings = column_headings(client.get(url).content.decode())
                self.assertIn("Åtgärder", headings)
                self.assertNotIn("Insatser", headings)

    def test_the_plan_s_actions_are_still_insatser(self) -> None:
        page = self.as_bertil().get(reverse("plan:action-list")).content.decode()
        self.assertIn("<h1>Insatser", page)

    def test_the_statistics_change_column_is_a_difference(self) -> None:
        headings = column_headings(
            self.as_bertil().get(reverse("members:statistics")).content.decode()
        )
        self.assertIn("Förändring", headings)
        self.assertNotIn("Ändra", headings)

    def test_the_empty_choice_of_a_select_is_swedish(self) -> None:
        page = self.as_bertil().get(reverse("members:organisation-create")).content.decode()
        self.assertNotIn("Select an option", page)
        self.assertIn('<option value="" selected>– Välj –</option>', page)

    def test_the_reader_finds_english_leftovers(self) -> None:
        self.assertEqual(
            leftovers('<p>Hej</p><select><option value="">- Select an option -</option></select>'),
            ["- Select an option -"],
        )
        self.assertEqual(leftovers('<button>Save</button><p lang="en">Save</p>'), ["Save"])
        self.assertEqual(leftovers("<p>Spara</p><script>var a = 'Save';</script>"), [])


class CatalogueTests(SimpleTestCase):
    def test_every_message_in_the_catalogue_has_a_swedish_translation(self) -> None:
        po = Path(settings.BASE_DIR) / "locale" / "sv" / "LC_MESSAGES" / "django.po"
        entries = po.read_text().split("\n\n")[1:]  # the first is the header
        untranslated = []
        for entry in entries:
            self.assertNotIn("#, fuzzy", entry)
            if entry.lstrip().startswith("#~"):
                continue  # obsolete
            # An empty msgstr with no continuation line ("\n" is not optional: a wrapped
            # translation starts with msgstr "" too).
            if re.search(r'^msgstr(\[\d\])? ""\n(?!")', entry + "\n", re.M):
                untranslated.append(
                    entry.strip().splitlines()[-2 if "msgid_plural" not in entry else -3]
                )
        self.assertEqual(untranslated, [])
