"""Funding calls as iCalendar (RFC 5545): each call's deadline as an all-day event."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import icalendar
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bygdebas.projects.models import FundingCall

PRODID = "-//Bygdebas//Utlysningar//SV"


def calls_ics(calls: Iterable[FundingCall], *, name: str, base_url: str) -> str:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    host = base_url.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "bygdebas"
    page = base_url.rstrip("/") + reverse("projects:call-list")
    for call in calls:
        entry = icalendar.Event()
        entry.add("uid", f"funding-call-{call.pk}@{host}")
        entry.add("dtstamp", timezone.now())
        entry.add("dtstart", call.deadline_on)
        entry.add("dtend", call.deadline_on + datetime.timedelta(days=1))
        entry.add(
            "summary",
            _("Deadline: %(funder)s – %(title)s") % {"funder": call.funder, "title": call.title},
        )
        entry.add("url", call.url or page)
        lines = [call.description.strip(), call.eligible.strip(), call.url or page]
        entry.add("description", "\n\n".join(line for line in lines if line))
        entry.add("last-modified", call.updated_at)
        entry.add("transp", "TRANSPARENT")
        cal.add_component(entry)
    return cal.to_ical().decode("utf-8")
