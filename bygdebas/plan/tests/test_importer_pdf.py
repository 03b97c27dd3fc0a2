"""Plans typeset as PDF: read by where the text sits on the page.

The fixtures are the seed plan as offices produce it (``fixtures/make_fixtures.py`` made them):
a Word document with real list bullets exported by LibreOffice, HTML with CSS list markers
printed by WeasyPrint, and a two-column layout.
"""

from html import escape
from pathlib import Path

import weasyprint
from django.test import SimpleTestCase

from bygdebas.plan.importer import extract_text, parse_plan_document
from bygdebas.plan.tests.test_importer_parser import (
    SEED_AREAS,
    SEED_OVERALL_GOAL,
    SEED_PURPOSE,
    SEED_TARGET_GROUPS,
    SEED_VALUES,
    SEED_VISION,
    activity_texts,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pdf(body: str, *, style: str = "") -> bytes:
    css = "@page { size: A5; margin: 2cm } body { font: 11pt 'DejaVu Serif', serif }" + style
    html = f"<html lang='sv'><head><style>{css}</style></head><body>{body}</body></html>"
    return weasyprint.HTML(string=html).write_pdf()


class TypesetSeedTests(SimpleTestCase):
    def assert_reads_the_seed(self, name: str) -> None:
        plan = parse_plan_document(filename=name, data=(FIXTURES / name).read_bytes())
        self.assertEqual(
            [(area.title, len(area.activities)) for area in plan.areas],
            [
                ("Opinionsbildning och kommunikation", 14),
                ("Rådgivning, stöd och utbildning", 7),
                ("Samverkan och nätverkande", 8),
            ],
        )
        self.assertEqual(activity_texts(plan), SEED_AREAS)
        self.assertEqual(plan.title, "Verksamhetsplan med aktiviteter för 2025")
        self.assertEqual(plan.year, 2025)
        self.assertEqual(plan.vision, SEED_VISION)
        self.assertEqual(plan.values, SEED_VALUES)
        self.assertEqual(plan.overall_goal, SEED_OVERALL_GOAL)
        self.assertEqual(plan.target_groups, SEED_TARGET_GROUPS)
        self.assertEqual(plan.purpose, SEED_PURPOSE)

    def test_it_reads_the_word_document_with_real_list_bullets(self) -> None:
        self.assert_reads_the_seed("seed-word-bullets.docx")

    def test_it_reads_the_pdf_libreoffice_made_from_word_bullets(self) -> None:
        self.assert_reads_the_seed("seed-libreoffice.pdf")

    def test_it_reads_the_pdf_weasyprint_made_with_css_list_markers(self) -> None:
        self.assert_reads_the_seed("seed-weasyprint.pdf")

    def test_it_reads_a_two_column_layout(self) -> None:
        self.assert_reads_the_seed("seed-two-columns.pdf")

    def test_the_fixtures_are_hyphenated_and_bulleted_as_described(self) -> None:
        # So that the tests above exercise what they claim: typesetters' hyphens at line ends
        # and bullets that are not in the text of the items.
        from pypdf import PdfReader

        libreoffice = "\n".join(
            page.extract_text() for page in PdfReader(FIXTURES / "seed-libreoffice.pdf").pages
        )
        self.assertIn("när-\nliggande", libreoffice)
        self.assertEqual(libreoffice.count("\uf0b7"), 29)
        weasy = "\n".join(
            page.extract_text() for page in PdfReader(FIXTURES / "seed-weasyprint.pdf").pages
        )
        self.assertIn("\u2010\n", weasy)
        self.assertIn("•", weasy)
        self.assertNotIn("• Bevaka", weasy)


class LineTests(SimpleTestCase):
    def test_a_bullet_drawn_after_its_text_belongs_to_the_line_at_its_height(self) -> None:
        items = ["Bevaka landsbygdsfrågor.", "Driva frågor inom Krisberedskapsområdet."]
        data = pdf(
            "<p>Aktiviteter</p><ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"
        )
        self.assertEqual(
            extract_text(filename="plan.pdf", data=data).splitlines(),
            ["Aktiviteter", *(f"• {item}" for item in items)],
        )

    def test_a_hanging_indent_continues_the_item(self) -> None:
        data = pdf(
            "<ul><li>Driva kollektivtrafiksfrågor, förbindelser mellan länets alla "
            "kommunhuvudorter och närliggande orter i grannlän.</li>"
            "<li>Kort punkt.</li></ul><p>Opinionsbildning</p>",
            style="ul { width: 5cm }",
        )
        self.assertEqual(
            extract_text(filename="plan.pdf", data=data).splitlines(),
            [
                "• Driva kollektivtrafiksfrågor, förbindelser mellan länets alla "
                "kommunhuvudorter och närliggande orter i grannlän.",
                "• Kort punkt.",
                "Opinionsbildning",
            ],
        )

    def test_a_compound_hyphen_at_a_line_end_stays_and_a_soft_one_goes(self) -> None:
        data = pdf(
            "<p>Vi arbetar i LEADER-områdena</p>"
            "<p>för medlems\u00adorganisationer och land-stad perspektivet</p>",
            style="p { width: 2.6cm }",
        )
        lines = extract_text(filename="plan.pdf", data=data).splitlines()
        self.assertEqual(
            lines,
            [
                "Vi arbetar i LEADER-områdena",
                "för medlemsorganisationer och land-stad perspektivet",
            ],
        )

    def test_it_reads_the_left_column_before_the_right(self) -> None:
        left = " ".join(["Vänster spalt har text."] * 12)
        right = " ".join(["Höger spalt har annan text."] * 12)
        data = pdf(
            f"<div style='columns: 2; column-gap: 1cm'><p>{left}</p><p>{right}</p></div>",
            style="p { margin: 0 0 1em }",
        )
        self.assertEqual(extract_text(filename="plan.pdf", data=data).splitlines(), [left, right])
