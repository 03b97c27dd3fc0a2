"""What the advocacy app registers with core's and plan's registries (from ``ready()``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bygdebas.advocacy import privacy
from bygdebas.advocacy.metrics import register_advocacy_metrics
from bygdebas.advocacy.models import Case, Entry, Position
from bygdebas.core.audit import register_audit_words
from bygdebas.core.navigation import register_menu_entry
from bygdebas.core.personal_data import register_personal_data
from bygdebas.core.search import SearchDocumentData, Visibility, register_searchable
from bygdebas.plan.importer.proposals import register_target_proposal


def entry_document(entry: Entry) -> SearchDocumentData | None:
    if not entry.is_match:
        return None
    return SearchDocumentData(
        title=entry.title,
        body=entry.summary,
        url=entry.get_absolute_url(),
        visibility=Visibility.STAFF,
        published_at=entry.published_at or entry.fetched_at,
    )


def case_document(case: Case) -> SearchDocumentData:
    return SearchDocumentData(
        title=case.title,
        body=f"{case.authority} {case.reference}\n{case.answer}",
        url=case.get_absolute_url(),
        visibility=Visibility.STAFF,
        published_at=case.created_at,
    )


def position_document(position: Position) -> SearchDocumentData | None:
    if not position.is_published:
        return None
    return SearchDocumentData(
        title=position.title,
        body=position.text,
        url=position.get_absolute_url(),
        visibility=Visibility.PUBLIC,
        published_at=position.published_at,
    )


def register() -> None:
    register_advocacy_metrics()
    register_target_proposal(
        "advocacy.answers",
        about=("remiss*", "remissvar*"),
        metric="advocacy.answers_sent",
    )
    register_searchable(
        Entry, kind="advocacy.entry", label=_("Watched entries"), document=entry_document
    )
    register_searchable(
        Case, kind="advocacy.case", label=_("Consultation cases"), document=case_document
    )
    register_searchable(
        Position, kind="advocacy.position", label=_("Positions"), document=position_document
    )
    register_menu_entry(
        "office", "advocacy.inbox", label=_("Advocacy"), url_name="advocacy:inbox", order=112
    )
    register_menu_entry(
        "public",
        "advocacy.positions",
        label=_("Positions"),
        url_name="advocacy:position-list",
        order=35,
    )
    register_audit_words(
        verbs={
            "case.created": _("Consultation case created"),
            "case.changed": _("Consultation case changed"),
            "case.moved": _("Consultation case moved"),
            "case.approved": _("Consultation answer approved"),
            "case.sent_back": _("Consultation answer sent back"),
            "case.sent": _("Consultation answer sent"),
            "position.published": _("Position published"),
            "position.saved": _("Position saved"),
        }
    )
    register_personal_data(
        "advocacy.contributions",
        label=_("Views sent in on consultation cases"),
        extract=privacy.extract,
        erase=privacy.erase,
    )
