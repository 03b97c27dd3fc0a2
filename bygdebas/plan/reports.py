"""The draft annual report (verksamhetsberättelse) for a year's plan, as PDF and as .docx.

``build_report`` turns the follow-up into plain, already formatted text; the PDF template and the
Word writer only lay that text out, so both files always say the same thing. Everything is
rendered under the active language: the view activates it.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.formats import number_format as _number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst, slugify
from django.utils.translation import get_language, gettext, ngettext

from bygdebas.core.models import Network
from bygdebas.plan.followup import Status, TargetOutcome, build_follow_up
from bygdebas.plan.models import Action, Plan

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph as DocxParagraph

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Longer descriptions are left out: the report is a draft for the board to edit, not an export.
SHORT_DESCRIPTION_CHARS = 300
# An activity text longer than this becomes a shortened heading followed by the full text.
HEADING_CHARS = 160

DOCX_LANGUAGES = {"sv": "sv-SE", "en": "en-GB"}


@dataclass(frozen=True)
class TextSection:
    heading: str
    paragraphs: list[str]


@dataclass(frozen=True)
class SummaryLine:
    label: str
    value: str
    is_detail: bool = False  # an indented breakdown of the line above


@dataclass(frozen=True)
class ReportTarget:
    text: str  # "Actions logged: 4 of 3, target met" (with an en dash)
    is_met: bool


@dataclass(frozen=True)
class ReportAction:
    performed_on: datetime.date
    date: str  # "14 mars 2025" under Swedish
    title: str
    details: str  # "Örebro, 25 participants, Source: …"
    description: str


@dataclass(frozen=True)
class ReportActivity:
    number: str
    heading: str  # "1.2 Arrange a rural conference"
    text: str  # the full text when the heading had to be shortened, else ""
    status: str
    status_label: str
    targets: list[ReportTarget]
    actions: list[ReportAction]


@dataclass(frozen=True)
class ReportArea:
    number: int
    heading: str  # "1 Opinion and communication"
    activities: list[ReportActivity]


@dataclass(frozen=True)
class Report:
    title: str
    network_name: str
    tagline: str
    contact: list[str]
    draft_label: str
    draft_note: str
    generated_on: datetime.date
    foundation: list[TextSection]
    summary: list[SummaryLine]
    areas: list[ReportArea] = field(default_factory=list)


def number_format(value: int) -> str:
    """A whole number grouped the way the active language writes it (Swedish: 1 000)."""
    return _number_format(value, force_grouping=True)


def build_report(*, network: Network, plan: Plan) -> Report:
    """The report's content as formatted text, shared by the PDF and the .docx."""
    follow_up = build_follow_up(network=network, plan=plan, with_actions=True)
    sources = _load_sources(action for row in follow_up.rows for action in row.actions)
    generated_on = timezone.localdate()

    foundation = [
        TextSection(heading=str(capfirst(label)), paragraphs=_paragraphs(text))
        for label, text in [
            (Plan._meta.get_field("vision").verbose_name, plan.vision),
            (Plan._meta.get_field("values").verbose_name, plan.values),
            (Plan._meta.get_field("overall_goal").verbose_name, plan.overall_goal),
            (Plan._meta.get_field("target_groups").verbose_name, plan.target_groups),
            (Plan._meta.get_field("purpose").verbose_name, plan.purpose),
        ]
        if text.strip()
    ]

    status_counts = follow_up.status_counts()
    summary = [
        SummaryLine(gettext("Actions logged"), number_format(follow_up.total_actions)),
        SummaryLine(
            gettext("Participants in actions"), number_format(follow_up.total_participants)
        ),
        SummaryLine(gettext("Activities in the plan"), number_format(len(follow_up.rows))),
        *(
            SummaryLine(str(Status.labels[status]), number_format(status_counts[status]), True)
            for status in (Status.TARGET_MET, Status.UNDER_WAY, Status.NOT_STARTED)
        ),
    ]

    areas = []
    for section in follow_up.sections:
        activities = []
        for row in section.rows:
            text = " ".join(row.activity.text.split())
            is_short = len(text) <= HEADING_CHARS
            activities.append(
                ReportActivity(
                    number=row.number,
                    heading=f"{row.number} {text if is_short else row.activity.short_text}",
                    text="" if is_short else row.activity.text.strip(),
                    status=row.status,
                    status_label=row.status_label,
                    targets=[
                        ReportTarget(text=_target_text(outcome), is_met=outcome.is_met)
                        for outcome in row.targets
                    ],
                    actions=[_report_action(action, sources) for action in row.actions],
                )
            )
        areas.append(
            ReportArea(
                number=section.number,
                heading=f"{section.number} {section.area.title}",
                activities=activities,
            )
        )

    return Report(
        title=gettext("Annual report %(year)s") % {"year": plan.year},
        network_name=network.name,
        tagline=network.tagline,
        contact=[
            line
            for line in [
                ", ".join(part.strip() for part in network.address.splitlines() if part.strip()),
                network.contact_email,
                network.website,
            ]
            if line
        ],
        draft_label=gettext("Draft"),
        draft_note=gettext("Draft generated on %(date)s") % {"date": _date(generated_on)},
        generated_on=generated_on,
        foundation=foundation,
        summary=summary,
        areas=areas,
    )


def render_pdf(*, network: Network, plan: Plan, base_url: str | None = None) -> bytes:
    """The draft annual report as an A4 PDF."""
    import weasyprint

    report = build_report(network=network, plan=plan)
    html = render_to_string(
        "plan/report.html",
        {
            "report": report,
            "language_code": get_language(),
            "page_counter": _page_counter_css(),
            "footer_left": _css_string(f"{report.draft_label} · {report.title}"),
        },
    )
    return weasyprint.HTML(string=html, base_url=base_url).write_pdf()


def render_docx(*, network: Network, plan: Plan) -> bytes:
    """The draft annual report as a Word document the board can edit."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    report = build_report(network=network, plan=plan)
    document = Document()

    properties = document.core_properties
    properties.title = f"{report.title} – {report.network_name}"
    properties.author = report.network_name
    properties.subject = report.draft_note
    properties.language = DOCX_LANGUAGES.get(get_language() or "", get_language() or "")
    properties.created = timezone.now()
    _set_proofing_language(document, properties.language)

    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(25)
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        footer = section.footer.paragraphs[0]
        footer.text = f"{report.draft_label} · {report.title} · {report.network_name} · "
        _add_page_number(footer)

    document.add_heading(report.title, level=0)
    document.add_paragraph(report.network_name, style="Subtitle")
    if report.tagline:
        document.add_paragraph(report.tagline)
    draft = document.add_paragraph().add_run(report.draft_note)
    draft.bold = True
    if report.contact:
        document.add_paragraph(" · ".join(report.contact)).runs[0].font.size = Pt(9)

    if report.foundation:
        document.add_heading(gettext("The plan"), level=1)
        for text_section in report.foundation:
            document.add_heading(text_section.heading, level=2)
            for paragraph in text_section.paragraphs:
                document.add_paragraph(paragraph)

    document.add_heading(gettext("Summary"), level=1)
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for line in report.summary:
        label, value = table.add_row().cells
        label.text = line.label
        if line.is_detail:
            label.paragraphs[0].paragraph_format.left_indent = Mm(6)
        value.text = line.value
        value.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT

    for area in report.areas:
        document.add_heading(area.heading, level=1)
        if not area.activities:
            document.add_paragraph(gettext("No activities in this area."))
        for activity in area.activities:
            document.add_heading(activity.heading, level=2)
            if activity.text:
                document.add_paragraph(activity.text)
            status = document.add_paragraph()
            status.add_run(gettext("Status") + ": ").bold = True
            status.add_run(activity.status_label)
            if activity.targets:
                document.add_paragraph().add_run(gettext("Targets")).bold = True
                for target in activity.targets:
                    target_line = document.add_paragraph(
                        ("✓ " if target.is_met else "") + target.text
                    )
                    target_line.paragraph_format.left_indent = Mm(6)
            document.add_paragraph().add_run(gettext("What was done")).bold = True
            if not activity.actions:
                document.add_paragraph(gettext("Nothing logged yet.")).runs[0].italic = True
            for action in activity.actions:
                item = document.add_paragraph(style="List Bullet")
                item.add_run(f"{action.date} – ")
                item.add_run(action.title).bold = True
                if action.details:
                    item.add_run(f" ({action.details})")
                if action.description:
                    item.add_run().add_break()
                    item.add_run(action.description).italic = True

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def filename(plan: Plan, extension: str) -> str:
    """An ASCII file name such as ``verksamhetsberattelse-2025-orebro-lan.pdf``."""
    name = slugify(gettext("Annual report %(year)s") % {"year": plan.year})
    return f"{name}-{slugify(plan.network.slug)}.{extension}"


# --- Helpers -----------------------------------------------------------------------------------


def _date(value: datetime.date) -> str:
    return date_format(value, "DATE_FORMAT")


def _paragraphs(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n", text.strip()) if part.strip()]


def _target_text(outcome: TargetOutcome) -> str:
    label = outcome.label
    if outcome.target.note:
        label = f"{label} ({outcome.target.note})"
    values: dict[str, object] = {"label": label, "target": number_format(outcome.target.value)}
    if outcome.achieved is None:
        return gettext("%(label)s: target %(target)s – cannot be counted") % values
    values.update(achieved=number_format(outcome.achieved), percent=outcome.percent)
    if outcome.is_met:
        return gettext("%(label)s: %(achieved)s of %(target)s – target met") % values
    return gettext("%(label)s: %(achieved)s of %(target)s – %(percent)s%% of the target") % values


def _load_sources(actions: Iterable[Action]) -> dict[int, str]:
    """The str of each action's source object, in one query per source type."""
    actions = [action for action in actions if action.source_type_id and action.source_id]
    # A source type whose model is gone (an uninstalled app) cannot be loaded; skip it.
    actions = [
        action
        for action in actions
        if ContentType.objects.get_for_id(action.source_type_id or 0).model_class() is not None
    ]
    prefetch_related_objects(actions, "source")
    source_field = Action._meta.get_field("source")
    return {
        action.pk: str(action.source)
        for action in actions
        if source_field.is_cached(action) and action.source is not None
    }


def _report_action(action: Action, sources: dict[int, str]) -> ReportAction:
    details = []
    if action.municipality is not None:
        details.append(action.municipality.name)
    if action.participants is not None:
        details.append(
            ngettext("%(count)s participant", "%(count)s participants", action.participants)
            % {"count": number_format(action.participants)}
        )
    if action.pk in sources:
        details.append(gettext("Source: %(source)s") % {"source": sources[action.pk]})
    description = " ".join(action.description.split())
    return ReportAction(
        performed_on=action.performed_on,
        date=_date(action.performed_on),
        title=action.title,
        details=", ".join(details),
        description=description if len(description) <= SHORT_DESCRIPTION_CHARS else "",
    )


def _css_string(text: str) -> SafeString:
    """``text`` as a quoted CSS string, safe inside a <style> element (escaped, so mark_safe)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return mark_safe('"' + re.sub(r"\s", " ", escaped) + '"')


def _page_counter_css() -> SafeString:
    """The footer's "Page X of Y" as a CSS content value built from the translated text."""
    marker = "\x00"
    text = gettext("Page %(page)s of %(pages)s") % {
        "page": f"{marker}page{marker}",
        "pages": f"{marker}pages{marker}",
    }
    parts = []
    for index, part in enumerate(text.split(marker)):
        if index % 2:
            parts.append(f"counter({part})")
        elif part:
            parts.append(_css_string(part))
    # Every literal went through _css_string; the rest are counter() calls.
    return mark_safe(" ".join(parts))


def _add_page_number(paragraph: DocxParagraph) -> None:
    """Append a PAGE field, which Word fills in with the page number."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _set_proofing_language(document: DocxDocument, language: str) -> None:
    """Mark the text as written in ``language`` so Word spell-checks it in the right language."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if not language:
        return
    run_properties = document.styles["Normal"].element.get_or_add_rPr()
    lang = run_properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_properties.append(lang)
    lang.set(qn("w:val"), language)
