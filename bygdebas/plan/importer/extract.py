"""Get the text out of an uploaded activity plan: plain text, Markdown, Word or PDF."""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _

from bygdebas.plan.importer.parser import PlanImportError, normalise_text

SUPPORTED_EXTENSIONS = (".txt", ".md", ".docx", ".pdf")

BULLET = "• "

# Control characters that never occur in a text file but always in binary ones.
# (0x1A is the old DOS end-of-file mark, harmless.)
_BINARY_CHARACTERS = frozenset(map(chr, [*range(0x09), *range(0x0E, 0x20), 0x7F])) - {"\x1a"}


def extract_text(*, filename: str, data: bytes) -> str:
    """Extract the text of an uploaded plan, chosen by the file's extension."""
    extension = PurePath(filename.replace("\\", "/")).suffix.lower()
    supported = ", ".join(SUPPORTED_EXTENSIONS)
    if not extension:
        raise PlanImportError(
            _("The file “%(name)s” has no extension. Supported types: %(supported)s.")
            % {"name": filename, "supported": supported}
        )
    if extension not in SUPPORTED_EXTENSIONS:
        raise PlanImportError(
            _("Files of type “%(extension)s” cannot be imported. Supported types: %(supported)s.")
            % {"extension": extension, "supported": supported}
        )
    if not data:
        raise PlanImportError(_("The file is empty."))
    if extension == ".docx":
        text = _text_from_docx(data)
    elif extension == ".pdf":
        text = _text_from_pdf(data)
    else:
        text = _text_from_plain(data)
    text = normalise_text(text)
    if not text.strip():
        raise PlanImportError(_("The document contains no text."))
    return text


def _text_from_plain(data: bytes) -> str:
    not_text = PlanImportError(
        _(
            "The file does not look like a text file. Save the plan as plain text (UTF-8), "
            "or upload the Word document or PDF instead."
        )
    )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise not_text from exc
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Older Windows programs save text as Windows-1252.
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise not_text from exc
    if any(character in _BINARY_CHARACTERS for character in text):
        raise not_text
    return text


def _text_from_docx(data: bytes) -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        lines = list(_docx_lines(document))
    except Exception as exc:  # python-docx raises zip, XML and value errors for broken files
        raise PlanImportError(
            _("The file could not be read as a Word document: %(error)s") % {"error": exc}
        ) from exc
    return "\n".join(lines)


def _docx_lines(container: Any) -> Iterator[str]:
    """Paragraphs in document order, tables included, list paragraphs marked as bullets."""
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                seen: set[int] = set()
                for cell in row.cells:
                    # A merged cell is returned once for every grid column it spans.
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    yield from _docx_lines(cell)
        else:
            text = block.text
            if text.strip() and _is_list_paragraph(block) and not text.lstrip().startswith("•"):
                text = BULLET + text.lstrip()
            yield text


def _is_list_paragraph(paragraph: Any) -> bool:
    style = paragraph.style
    style_name = (style.name or "") if style is not None else ""
    if style_name.startswith(("Heading", "Title")) or style_name == "No List":
        return False
    if "List" in style_name:
        return True
    properties = paragraph._p.pPr
    numbering = properties.numPr if properties is not None else None
    # numId 0 is how Word switches numbering off for one paragraph.
    return numbering is not None and (numbering.numId is None or numbering.numId.val != 0)


def _text_from_pdf(data: bytes) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise PlanImportError(
                _("The PDF is protected by a password. Upload a copy without a password.")
            )
        pages = [page.extract_text() or "" for page in reader.pages]
    except PlanImportError:
        raise
    except Exception as exc:  # pypdf raises many error types for broken files
        raise PlanImportError(
            _("The file could not be read as a PDF: %(error)s") % {"error": exc}
        ) from exc
    text = "\n".join(pages)
    if not text.strip():
        raise PlanImportError(
            _(
                "The PDF contains no text that can be extracted; it may be a scanned image. "
                "Upload the original Word document or a text file instead."
            )
        )
    return text
