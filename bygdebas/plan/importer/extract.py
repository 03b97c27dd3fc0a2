"""Get the text out of an uploaded activity plan: plain text, Markdown, Word or PDF."""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _

from bygdebas.core.archives import DOCUMENT_LIMITS, ArchiveError, check_zip
from bygdebas.core.sizes import binary_size
from bygdebas.plan.importer.parser import PlanImportError, normalise_text

SUPPORTED_EXTENSIONS = (".txt", ".md", ".docx", ".pdf")

BULLET = "• "

# Control characters that never occur in a text file but always in binary ones.
# (0x1A is the old DOS end-of-file mark, harmless.)
_BINARY_CHARACTERS = frozenset(map(chr, [*range(0x09), *range(0x0E, 0x20), 0x7F])) - {"\x1a"}
_BINARY_CHARACTER_RE = re.compile("[" + re.escape("".join(sorted(_BINARY_CHARACTERS))) + "]")


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
    if _BINARY_CHARACTER_RE.search(text):
        raise not_text
    return text


def _text_from_docx(data: bytes) -> str:
    import docx

    try:
        # python-docx inflates every part into memory: refuse a bomb before it does.
        check_zip(data, DOCUMENT_LIMITS)
    except ArchiveError as error:
        raise PlanImportError(
            _("The file could not be read as a Word document: %(error)s") % {"error": error}
        ) from None
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
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    from bygdebas.plan.importer.pdf import typeset_lines

    _check_pdf(data)
    try:
        lines = typeset_lines(data)
    except PDFPasswordIncorrect:
        raise PlanImportError(_password_message()) from None
    except Exception as exc:  # pdfminer raises many error types for broken files
        raise PlanImportError(
            _("The file could not be read as a PDF: %(error)s") % {"error": exc}
        ) from exc
    text = "\n".join(lines)
    if not text.strip():
        raise PlanImportError(
            _(
                "The PDF contains no text that can be extracted; it may be a scanned image. "
                "Upload the original Word document or a text file instead."
            )
        )
    return text


def _password_message() -> str:
    return _("The PDF is protected by a password. Upload a copy without a password.")


# What the text of a plan needs at most: its pages, and the decoded content streams, fonts and
# other non-image streams together (a 100-page plan has a few MB). Beyond these the file is
# refused before its text is read, so that a small PDF that inflates to gigabytes (a
# decompression bomb) costs neither the memory nor the time.
MAX_PDF_PAGES = 300
MAX_PDF_STREAM_BYTES = 32 * 1024 * 1024
MAX_PDF_DECODED_BYTES = 96 * 1024 * 1024


def _is_not_read(stream: Any) -> bool:
    """Images, attachments and metadata: streams the text extraction never inflates."""
    return stream.get("/Subtype") == "/Image" or stream.get("/Type") in {
        "/EmbeddedFile",
        "/Metadata",
    }


def _check_pdf(data: bytes) -> None:
    """Refuse a PDF with a password, too many pages or streams that inflate too far.

    pdfminer.six, which reads the text, inflates every stream it needs without a limit; pypdf
    inflates with limits, so it decodes every stream but the images (which the text does not
    need) first, one at a time, counting.
    """
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError
    from pypdf.generic import StreamObject

    too_large = PlanImportError(
        _(
            "The PDF holds more data than a plan does (it inflates to over %(size)s); it may be "
            "damaged or made to exhaust the server. Export the plan to PDF again."
        )
        % {"size": binary_size(MAX_PDF_DECODED_BYTES)}
    )
    limits = apply_configuration(
        zlib_maximum_output_length=MAX_PDF_STREAM_BYTES,
        lzw_maximum_output_length=MAX_PDF_STREAM_BYTES,
        run_length_maximum_output_length=MAX_PDF_STREAM_BYTES,
        array_based_stream_maximum_output_length=MAX_PDF_STREAM_BYTES,
        maximum_declared_stream_length=MAX_PDF_STREAM_BYTES,
    )
    try:
        with limits:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise PlanImportError(_password_message())
            pages = len(reader.pages)
            if pages > MAX_PDF_PAGES:
                raise PlanImportError(
                    _(
                        "The PDF has %(pages)s pages; a plan can have at most %(max)s. Upload "
                        "the plan without its appendices."
                    )
                    % {"pages": pages, "max": MAX_PDF_PAGES}
                )
            numbers = [number for table in reader.xref.values() for number in table]
            decoded = 0
            for number in sorted({*numbers, *reader.xref_objStm}):
                try:
                    stream = reader.get_object(number)
                    if not isinstance(stream, StreamObject) or _is_not_read(stream):
                        continue
                    decoded += len(stream.get_data())
                except LimitReachedError:
                    raise
                except Exception:  # a broken object the text may not need
                    continue
                if decoded > MAX_PDF_DECODED_BYTES:
                    raise too_large
    except PlanImportError:
        raise
    except LimitReachedError:
        raise too_large from None
    except Exception as exc:  # pypdf raises many error types for broken files
        raise PlanImportError(
            _("The file could not be read as a PDF: %(error)s") % {"error": exc}
        ) from exc
