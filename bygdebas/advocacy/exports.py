"""A consultation answer or a position as PDF (WeasyPrint, on the network's letterhead) and .docx,
and the staff calendar of case deadlines (iCalendar)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass

import icalendar
from django.template.defaultfilters import slugify
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bygdebas.advocacy.models import Case, Position
from bygdebas.core.markdown import render_markdown
from bygdebas.core.models import Network


@dataclass(frozen=True)
class Letter:
    network: Network
    title: str
    text: str
    dated: datetime.date
    recipient: str = ""
    reference: str = ""


def letter_for_case(case: Case) -> Letter:
    return Letter(
        network=case.network,
        title=_("Consultation answer: %(title)s") % {"title": case.title},
        text=case.answer,
        dated=case.sent_on or timezone.localdate(),
        recipient=case.authority,
        reference=case.reference,
    )


def letter_for_position(position: Position) -> Letter:
    return Letter(
        network=position.network,
        title=position.title,
        text=position.text,
        dated=position.published_on,
        recipient=position.case.authority if position.case else "",
        reference=position.case.reference if position.case else "",
    )


def render_pdf(letter: Letter) -> bytes:
    """The letter as an A4 PDF with the network's letterhead."""
    import weasyprint

    html = render_to_string(
        "advocacy/pdf/letter.html",
        {
            "letter": letter,
            "body": render_markdown(letter.text),
            "dated": date_format(letter.dated, "j F Y"),
            "language_code": get_language(),
        },
    )
    return bytes(weasyprint.HTML(string=html).write_pdf())


def render_docx(letter: Letter) -> bytes:
    """The letter as a Word document: letterhead, recipient, date, reference, paragraphs."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    head = document.add_paragraph()
    run = head.add_run(letter.network.name)
    run.bold = True
    run.font.size = Pt(14)
    if letter.network.contact_email:
        document.add_paragraph(letter.network.contact_email)
    meta = [date_format(letter.dated, "j F Y")]
    if letter.recipient:
        meta.append(_("To: %(recipient)s") % {"recipient": letter.recipient})
    if letter.reference:
        meta.append(_("Your reference: %(reference)s") % {"reference": letter.reference})
    for line in meta:
        document.add_paragraph(line)
    document.add_heading(letter.title, level=1)
    for block in letter.text.split("\n\n"):
        block = block.strip()
        if block.startswith("#"):
            document.add_heading(block.lstrip("#").strip(), level=2)
        elif block:
            document.add_paragraph(" ".join(block.splitlines()))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def filename(letter: Letter, extension: str) -> str:
    return f"{slugify(letter.title)[:80] or 'svar'}.{extension}"


def deadlines_ics(cases: Iterable[Case], *, name: str, base_url: str) -> str:
    """Open cases' deadlines as all-day events."""
    host = base_url.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "bygdebas"
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Bygdebas//Remisser//SV")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for case in cases:
        if case.deadline_on is None:
            continue
        url = base_url.rstrip("/") + case.get_absolute_url()
        event = icalendar.Event()
        event.add("uid", f"case-{case.pk}@{host}")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", case.deadline_on)
        event.add("dtend", case.deadline_on + datetime.timedelta(days=1))
        event.add(
            "summary",
            _("Deadline: %(title)s (%(authority)s)")
            % {"title": case.title, "authority": case.authority},
        )
        event.add("url", url)
        event.add("description", f"{case.reference}\n{url}".strip())
        cal.add_component(event)
    return bytes(cal.to_ical()).decode("utf-8")
