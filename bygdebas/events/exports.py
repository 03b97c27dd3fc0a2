"""An event's participants: grouped for the staff page, and exported to .xlsx, .csv and PDF.

``participant_list`` reads the registrations once and is shared by the page and every export, so
they always agree. The spreadsheet exports hold everyone registered and still active (confirmed,
offered a place, waiting); the printable PDF is for the door: the confirmed participants with a
tick box each, then name badges, eight to an A4 sheet.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import get_language, gettext

from bygdebas.events.models import Event, Question, Registration

FORMATS = ("xlsx", "csv", "pdf")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}
BADGES_PER_PAGE = 8  # 2 across, 4 down on A4
# A cell starting with one of these is a formula to Excel and LibreOffice. Names and answers come
# from the public registration form, so they are defused (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Participant:
    registration: Registration
    answers: list[str]  # one per question, in the questions' order


@dataclass
class ParticipantList:
    questions: list[Question]
    confirmed: list[Participant] = field(default_factory=list)
    offered: list[Participant] = field(default_factory=list)
    waiting: list[Participant] = field(default_factory=list)  # first in line first
    cancelled: list[Participant] = field(default_factory=list)  # also lapsed offers

    @property
    def active(self) -> list[Participant]:
        return [*self.confirmed, *self.offered, *self.waiting]

    @property
    def attended_count(self) -> int:
        return sum(1 for p in self.confirmed if p.registration.attended)


def _answer(registration: Registration, question: Question) -> str:
    answers = registration.answers or {}
    # Answers are stored under the question's text; the id is accepted too.
    value = answers.get(question.label, answers.get(str(question.pk), ""))
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    return str(value or "")


def participant_list(event: Event) -> ParticipantList:
    """The event's registrations by status, each with its answers (two queries)."""
    questions = list(event.questions.all())
    result = ParticipantList(questions=questions)
    groups: dict[str, list[Participant]] = {
        Registration.Status.CONFIRMED: result.confirmed,
        Registration.Status.OFFERED: result.offered,
        Registration.Status.WAITING: result.waiting,
        Registration.Status.CANCELLED: result.cancelled,
        Registration.Status.EXPIRED: result.cancelled,
    }
    for registration in event.registrations.order_by("created_at", "pk"):
        answers = [_answer(registration, question) for question in questions]
        groups[registration.status].append(Participant(registration, answers))
    return result


def filename(event: Event, fmt: str) -> str:
    slug = slugify(event.title)[:60] or "evenemang"
    return f"{slug}-{timezone.localtime(event.starts_at):%Y-%m-%d}-{gettext('participants')}.{fmt}"


def _attended(registration: Registration) -> str:
    if registration.attended is None:
        return ""
    return gettext("Yes") if registration.attended else gettext("No")


def _headers(questions: list[Question]) -> list[str]:
    return [
        gettext("Name"),
        gettext("E-mail address"),
        gettext("Organisation"),
        gettext("Status"),
        gettext("Registered"),
        gettext("Attended"),
        *(question.label for question in questions),
    ]


def _registered_at(registration: Registration) -> datetime.datetime:
    """The registration time in local time, without a zone (spreadsheets have none)."""
    return timezone.localtime(registration.created_at).replace(tzinfo=None, microsecond=0)


def _row(participant: Participant) -> list[str | datetime.datetime]:
    registration = participant.registration
    return [
        registration.name,
        registration.email,
        registration.organisation,
        str(registration.get_status_display()),
        _registered_at(registration),
        _attended(registration),
        *participant.answers,
    ]


def _defuse(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def render_csv(event: Event) -> bytes:
    """UTF-8 with a byte-order mark and semicolons, as Excel expects in Sweden."""
    participants = participant_list(event)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(_headers(participants.questions))
    for participant in participants.active:
        writer.writerow(
            f"{value:%Y-%m-%d %H:%M}" if isinstance(value, datetime.datetime) else _defuse(value)
            for value in _row(participant)
        )
    return out.getvalue().encode("utf-8-sig")


def render_xlsx(event: Event) -> bytes:
    """A spreadsheet with a header row, one row per active registration."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    participants = participant_list(event)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = gettext("Participants")[:31]
    headers = _headers(participants.questions)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for participant in participants.active:
        sheet.append(
            [
                ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
                for value in _row(participant)
            ]
        )
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # text that looks like a formula stays text
                cell.data_type = "s"
            elif isinstance(cell.value, datetime.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        longest = max(
            [len(header)]
            + [len(str(cell.value or "")) for cell in sheet[get_column_letter(index)][1:]]
        )
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest, 10) + 2, 50)
    sheet.print_title_rows = "1:1"
    workbook.properties.title = event.title
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def render_pdf(event: Event, *, base_url: str | None = None) -> bytes:
    """A4: the confirmed participants with attendance tick boxes, then their name badges."""
    import weasyprint

    participants = participant_list(event)
    people = participants.confirmed
    sheets = [people[i : i + BADGES_PER_PAGE] for i in range(0, len(people), BADGES_PER_PAGE)]
    starts_at = timezone.localtime(event.starts_at)
    html = render_to_string(
        "events/pdf/participants.html",
        {
            "event": event,
            "network": event.network,
            "participants": people,
            "questions": participants.questions,
            "badge_sheets": [
                [sheet[i : i + 2] for i in range(0, len(sheet), 2)] for sheet in sheets
            ],
            "when": date_format(starts_at, "j F Y H:i"),
            "language_code": get_language(),
        },
    )
    return weasyprint.HTML(string=html, base_url=base_url).write_pdf()


def render(event: Event, fmt: str, *, base_url: str | None = None) -> bytes:
    if fmt == "xlsx":
        return render_xlsx(event)
    if fmt == "csv":
        return render_csv(event)
    if fmt == "pdf":
        return render_pdf(event, base_url=base_url)
    raise ValueError(fmt)
