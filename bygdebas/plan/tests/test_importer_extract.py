import io
from html import escape

import docx
import weasyprint
from django.test import SimpleTestCase
from django.utils import translation
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from pypdf import PdfReader, PdfWriter

from bygdebas.plan.importer import (
    SUPPORTED_EXTENSIONS,
    ParsedPlan,
    PlanImportError,
    extract_text,
    parse_plan_document,
    parse_plan_text,
)
from bygdebas.plan.tests.test_importer_parser import SEED_AREAS, activity_texts, seed_text

SECTIONS = (
    ("Vision", "vision"),
    ("Värdegrund", "values"),
    ("Övergripande mål", "overall_goal"),
    ("Målgrupper", "target_groups"),
    ("Syfte", "purpose"),
)


def seed_plan() -> ParsedPlan:
    return parse_plan_text(seed_text())


def seed_as_docx() -> bytes:
    """The seed as a Word author would write it: headings, paragraphs and bulleted lists."""
    plan = seed_plan()
    document = docx.Document()
    document.add_paragraph(plan.title, style="Title")
    for heading, key in SECTIONS:
        document.add_heading(heading, level=1)
        for paragraph in getattr(plan, key).split("\n\n"):
            document.add_paragraph(paragraph)
    document.add_heading("Aktiviteter", level=1)
    for area in plan.areas:
        document.add_heading(area.title, level=2)
        for activity in area.activities:
            document.add_paragraph(activity.text, style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def seed_as_pdf() -> bytes:
    """The seed printed to PDF over several pages, with page numbers in the footer."""
    plan = seed_plan()
    parts = [f"<h1>{escape(plan.title)}</h1>"]
    for heading, key in SECTIONS:
        parts.append(f"<h2>{heading}</h2>")
        parts.extend(f"<p>{escape(p)}</p>" for p in getattr(plan, key).split("\n\n"))
    parts.append("<h2>Aktiviteter</h2>")
    for area in plan.areas:
        parts.append(f"<h3>{escape(area.title)}</h3><ul>")
        parts.extend(f"<li>{escape(activity.text)}</li>" for activity in area.activities)
        parts.append("</ul>")
    # WeasyPrint draws markers outside the list after the text, so pypdf would read them at the
    # end of the page; a marker inside the list comes out in front of its item, as from Word.
    style = (
        "@page { size: A5; margin: 2cm; @bottom-center { content: counter(page) } }"
        "body { font: 11pt sans-serif } li { list-style-position: inside }"
    )
    html = (
        f"<html lang='sv'><head><style>{style}</style></head><body>{''.join(parts)}</body></html>"
    )
    return weasyprint.HTML(string=html).write_pdf()


def docx_bytes(document: docx.document.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def normalised(text: str) -> str:
    return " ".join(text.split())


class PlainTextTests(SimpleTestCase):
    def test_it_decodes_utf8_and_drops_the_byte_order_mark(self) -> None:
        text = extract_text(
            filename="plan.txt", data=b"\xef\xbb\xbfVision\r\nHela l\xc3\xa4net.\r\n"
        )
        self.assertEqual(text, "Vision\nHela länet.\n")

    def test_it_falls_back_to_windows_1252(self) -> None:
        data = "Målgrupper\r\nFöreningar \u2013 stora och små.\r\n".encode("cp1252")
        self.assertEqual(
            extract_text(filename="plan.TXT", data=data),
            "Målgrupper\nFöreningar \u2013 stora och små.\n",
        )

    def test_it_decodes_utf16_with_a_byte_order_mark(self) -> None:
        data = "Syfte\nAtt stärka.".encode("utf-16")
        self.assertEqual(extract_text(filename="plan.txt", data=data), "Syfte\nAtt stärka.")

    def test_it_normalises_line_ends_spaces_and_invisible_characters(self) -> None:
        data = "Syfte\rAtt\u00a0stärka\u200b lokalt.\f\nAktiviteter\n\u00a0".encode()
        self.assertEqual(
            extract_text(filename="plan.md", data=data), "Syfte\nAtt stärka lokalt.\nAktiviteter\n "
        )

    def test_it_turns_a_soft_hyphen_at_a_line_end_into_a_hyphenation(self) -> None:
        plan = parse_plan_document(
            filename="plan.txt",
            data="Vision\nVi är ett nätverk för medlems\u00ad\norganisationer.\nAktiviteter\n"
            "• Bevaka fr\u00e5gor.".encode(),
        )
        self.assertEqual(plan.vision, "Vi är ett nätverk för medlemsorganisationer.")

    def test_it_composes_decomposed_letters(self) -> None:
        text = extract_text(filename="plan.txt", data="O\u0308vergripande ma\u030al".encode())
        self.assertEqual(text, "Övergripande mål")

    def test_it_reads_the_seed_identically_in_windows_1252(self) -> None:
        plan = parse_plan_document(filename="plan.txt", data=seed_text().encode("cp1252"))
        self.assertEqual(plan.to_dict(), seed_plan().to_dict())


class WordTests(SimpleTestCase):
    def test_it_reads_the_seed_as_a_word_document(self) -> None:
        plan = parse_plan_document(filename="Verksamhetsplan.DOCX", data=seed_as_docx())
        self.assertEqual(plan.title, "Verksamhetsplan med aktiviteter för 2025")
        self.assertEqual(plan.year, 2025)
        self.assertEqual(
            [(area.title, len(area.activities)) for area in plan.areas],
            [
                ("Opinionsbildning och kommunikation", 14),
                ("Rådgivning, stöd och utbildning", 7),
                ("Samverkan och nätverkande", 8),
            ],
        )
        self.assertEqual(plan.to_dict(), seed_plan().to_dict())

    def test_it_marks_list_paragraphs_as_bullets(self) -> None:
        text = extract_text(filename="plan.docx", data=seed_as_docx())
        self.assertIn("\nAktiviteter\nOpinionsbildning och kommunikation\n• Bevaka", text)
        self.assertEqual(text.count("\n• "), 29)

    def test_it_treats_a_numbered_paragraph_as_a_bullet(self) -> None:
        document = docx.Document()
        document.add_paragraph("Aktiviteter")
        paragraph = document.add_paragraph("Delta i möten.")
        numbering = OxmlElement("w:numPr")
        for tag, value in (("w:ilvl", "0"), ("w:numId", "1")):
            element = OxmlElement(tag)
            element.set(qn("w:val"), value)
            numbering.append(element)
        paragraph._p.get_or_add_pPr().append(numbering)
        document.add_paragraph("Vanlig text.")
        self.assertEqual(
            extract_text(filename="plan.docx", data=docx_bytes(document)),
            "Aktiviteter\n• Delta i möten.\nVanlig text.",
        )

    def test_it_reads_tables_in_document_order(self) -> None:
        document = docx.Document()
        document.add_paragraph("Aktiviteter")
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).merge(table.cell(0, 1)).text = "Kommunikation"
        table.cell(1, 0).paragraphs[0].text = "Bevaka frågor."
        table.cell(1, 0).paragraphs[0].style = "List Bullet"
        table.cell(1, 1).add_paragraph("Driva opinion.", style="List Number")
        document.add_paragraph("Syfte")
        self.assertEqual(
            extract_text(filename="plan.docx", data=docx_bytes(document)),
            "Aktiviteter\nKommunikation\n• Bevaka frågor.\n\n• Driva opinion.\nSyfte",
        )


class PdfTests(SimpleTestCase):
    def test_it_reads_the_seed_as_a_pdf(self) -> None:
        data = seed_as_pdf()
        # Several pages, so the page join and the page numbers in the footer are exercised.
        self.assertGreaterEqual(len(PdfReader(io.BytesIO(data)).pages), 2)
        plan = parse_plan_document(filename="verksamhetsplan.pdf", data=data)
        self.assertEqual(plan.title, "Verksamhetsplan med aktiviteter för 2025")
        self.assertEqual(plan.year, 2025)
        self.assertEqual(activity_texts(plan), SEED_AREAS)
        expected = seed_plan()
        for _heading, key in SECTIONS:
            # Lines in a PDF wrap anywhere, so only the words must match exactly.
            self.assertEqual(normalised(getattr(plan, key)), normalised(getattr(expected, key)))
        self.assertTrue(plan.vision.endswith("Stad och land \u2013 hand i hand!"))
        self.assertEqual(
            plan.areas[0].activities[12].targets, expected.areas[0].activities[12].targets
        )


class ExtractErrorTests(SimpleTestCase):
    def setUp(self) -> None:
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    def assert_extract_error(self, filename: str, data: bytes, message: str) -> None:
        with self.assertRaises(PlanImportError) as caught:
            extract_text(filename=filename, data=data)
        self.assertEqual(str(caught.exception), message)
        self.assertIsNone(caught.exception.line)

    def test_it_lists_the_supported_extensions(self) -> None:
        self.assertEqual(SUPPORTED_EXTENSIONS, (".txt", ".md", ".docx", ".pdf"))

    def test_it_rejects_an_empty_file(self) -> None:
        self.assert_extract_error("plan.txt", b"", "The file is empty.")

    def test_it_rejects_an_unsupported_extension(self) -> None:
        self.assert_extract_error(
            "plan.doc",
            b"\xd0\xcf\x11\xe0",
            "Files of type “.doc” cannot be imported. Supported types: .txt, .md, .docx, .pdf.",
        )
        self.assert_extract_error(
            "plan",
            b"text",
            "The file “plan” has no extension. Supported types: .txt, .md, .docx, .pdf.",
        )

    def test_it_rejects_a_broken_word_document(self) -> None:
        with self.assertRaises(PlanImportError) as caught:
            extract_text(filename="plan.docx", data=b"This is not a zip file.")
        self.assertTrue(
            caught.exception.message.startswith("The file could not be read as a Word document: "),
            caught.exception.message,
        )

    def test_it_rejects_a_broken_pdf(self) -> None:
        with self.assertRaises(PlanImportError) as caught:
            extract_text(filename="plan.pdf", data=b"%PDF-1.7\nnonsense")
        self.assertTrue(
            caught.exception.message.startswith("The file could not be read as a PDF: "),
            caught.exception.message,
        )

    def test_it_rejects_a_pdf_without_text(self) -> None:
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        buffer = io.BytesIO()
        writer.write(buffer)
        self.assert_extract_error(
            "scan.pdf",
            buffer.getvalue(),
            "The PDF contains no text that can be extracted; it may be a scanned image. Upload "
            "the original Word document or a text file instead.",
        )

    def test_it_rejects_a_binary_file_named_as_text(self) -> None:
        message = (
            "The file does not look like a text file. Save the plan as plain text (UTF-8), or "
            "upload the Word document or PDF instead."
        )
        self.assert_extract_error("plan.txt", seed_as_docx(), message)
        self.assert_extract_error("plan.txt", b"\x81\x8d\x8f\x90\x9d", message)

    def test_it_rejects_a_document_with_only_whitespace(self) -> None:
        self.assert_extract_error(
            "plan.md", b" \r\n\t\n\xc2\xa0\n", "The document contains no text."
        )
        self.assert_extract_error(
            "plan.docx", docx_bytes(docx.Document()), "The document contains no text."
        )
