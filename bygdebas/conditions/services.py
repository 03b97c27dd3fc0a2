"""Reports from residents: reporting, confirming, "me too", moderation steps, dossiers."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bygdebas.conditions import geometry
from bygdebas.conditions.models import (
    CLOSED_STATUSES,
    Category,
    CategorySetting,
    Dossier,
    MeToo,
    Report,
    ReportLog,
    ReportPhoto,
    ReportUpdate,
    Status,
)
from bygdebas.conditions.tokens import unsubscribe_url
from bygdebas.core import moderation
from bygdebas.core.confirmation import confirmation_days, confirmation_url
from bygdebas.core.hooks import emit
from bygdebas.core.images import ProcessedImage, save_image
from bygdebas.core.mail import send_templated_mail
from bygdebas.core.models import Municipality, Network, Town, User
from bygdebas.core.moderation import ModerationEvent
from bygdebas.plan import services as plan_services
from bygdebas.plan.matching import find_activities

MAX_PHOTOS = 3
NEARBY_RADIUS_M = 500
# The plan's activity a dossier is logged against: infrastructure, broadband, roads.
INFRASTRUCTURE = (("infrastruktur*",), ("bredband*", "vägnät*"))


@dataclass(frozen=True)
class Photo:
    image: ProcessedImage
    alt_text: str


def is_held(network: Network, category: str) -> bool:
    """Whether staff hold the category's reports for moderation."""
    return (
        CategorySetting.objects.for_network(network)
        .filter(category=category, is_held=True)
        .exists()
    )


def set_held_categories(*, network: Network, categories: Sequence[str]) -> None:
    """Hold exactly these categories for moderation."""
    with transaction.atomic():
        for value in Category.values:
            CategorySetting.objects.for_network(network).update_or_create(
                category=value,
                defaults={"network": network, "is_held": value in categories},
            )


def locate(network: Network, lat: float, lon: float) -> Municipality:
    """The network's municipality the point lies in; ValidationError when none."""
    for municipality in network.municipalities().defer(None).only("pk", "name", "boundary"):
        if geometry.contains(municipality.boundary, lat, lon):
            return municipality
    raise ValidationError(
        {
            "lat": _(
                "The point is outside the network's municipalities. Choose a place inside them."
            )
        },
        code="outside",
    )


def place_position(municipality: Municipality, locality: str) -> tuple[float, float]:
    """The position of a locality typed without the map: a known town's, else the seat's."""
    if locality.strip():
        town = Town.objects.filter(municipality=municipality, name__iexact=locality.strip()).first()
        if town is not None:
            return town.lat, town.lon
    if municipality.seat_lat is not None and municipality.seat_lon is not None:
        return municipality.seat_lat, municipality.seat_lon
    box = geometry.bounds(municipality.boundary)
    if box is None:
        raise ValidationError(
            {"municipality": _("We have no position for this municipality; use the map.")}
        )
    return (box[1] + box[3]) / 2, (box[0] + box[2]) / 2


def nearby_reports(
    *, network: Network, category: str, lat: float, lon: float, radius_m: float = NEARBY_RADIUS_M
) -> list[Report]:
    """Published reports of the category near the point, nearest first ("is it one of these?")."""
    west, south, east, north = geometry.box_around(lat, lon, radius_m)
    rows = (
        Report.objects.for_network(network)
        .published()
        .filter(category=category)
        .in_box(west, south, east, north)
        .with_me_too_count()[:50]
    )
    found = [(geometry.distance_m(lat, lon, r.lat, r.lon), r) for r in rows]
    return [r for d, r in sorted(found, key=lambda pair: pair[0]) if d <= radius_m][:5]


def report_problem(
    *,
    network: Network,
    category: str,
    title: str,
    description: str,
    name: str,
    email: str,
    lat: float | None = None,
    lon: float | None = None,
    municipality: Municipality | None = None,
    locality: str = "",
    address: str = "",
    photos: Sequence[Photo] = (),
    language: str | None = None,
    base_url: str | None = None,
) -> Report:
    """A resident's report, unpublished until they confirm by the link mailed to them."""
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(
            {"photos": _("At most %(n)d photos.") % {"n": MAX_PHOTOS}}, code="too_many"
        )
    approximate = False
    if lat is not None and lon is not None:
        municipality = locate(network, lat, lon)
    elif municipality is not None:
        if not network.municipalities().filter(pk=municipality.pk).exists():
            raise ValidationError(
                {"municipality": _("Choose one of the network's municipalities.")}
            )
        lat, lon = place_position(municipality, locality)
        approximate = True
    else:
        raise ValidationError(
            {"lat": _("Click on the map where the problem is, or choose a municipality.")},
            code="no_place",
        )
    with transaction.atomic():
        report = Report(
            network=network,
            category=category,
            title=title.strip(),
            description=description.strip(),
            municipality=municipality,
            locality=locality.strip(),
            address=address.strip(),
            lat=lat,
            lon=lon,
            is_position_approximate=approximate,
            submitter_name=name.strip(),
            submitter_email=email.strip().lower(),
            submitter_language=language or translation.get_language() or "sv",
            reported_title=title.strip(),
            reported_description=description.strip(),
        )
        report.full_clean(exclude=["original", "moderation_status"])
        report.save()
        for position, photo in enumerate(photos):
            image = save_image(network=network, image=photo.image, alt_text=photo.alt_text)
            ReportPhoto.objects.create(report=report, image=image, position=position)
        send_templated_mail(
            network=network,
            to=[report.submitter_email],
            template="conditions/mail/report_confirm",
            context={
                "report": report,
                "link": confirmation_url(report, base_url=base_url),
                "days": confirmation_days(Report.confirmation_purpose),
            },
            language=report.submitter_language,
        )
    return report


def report_confirmed(report: Report) -> None:
    """The reporter followed the link: publish, or send in for moderation if the category is held."""
    held = is_held(report.network, report.category)
    # Webhook receivers learn what the public may learn of the report (never the reporter).
    emit(
        report.network_id,
        "report.confirmed",
        {
            "id": report.pk,
            "category": report.category,
            "title": report.title,
            "municipality": report.municipality.code if report.municipality_id else None,
            "lat": report.lat,
            "lon": report.lon,
            "status": report.status,
            "held_for_moderation": held,
            "confirmed_at": report.confirmed_at,
        },
    )
    if held:
        moderation.submit(
            report,
            name=report.submitter_name,
            email=report.submitter_email,
            language=report.submitter_language,
        )
        return
    report.moderation_status = moderation.ModerationStatus.APPROVED
    report.save(update_fields=["moderation_status"])
    _publish(report, actor=None)


def report_approved(report: Report, event: ModerationEvent) -> None:
    """Staff let a held report through: it is published (the ``on_approve`` hook)."""
    _publish(report, actor=event.actor)


def _publish(report: Report, *, actor: User | None) -> None:
    report.published_at = timezone.now()
    report.save(update_fields=["published_at"])
    ReportLog.objects.create(report=report, action=ReportLog.Action.PUBLISHED, actor=actor)


def add_me_too(*, report: Report, name: str, email: str, base_url: str | None = None) -> MeToo:
    """Ask ``email`` to confirm their "me too" (counted once per address)."""
    if not report.is_public:
        raise ValidationError(_("This report cannot be supported."), code="not_public")
    email = email.strip().lower()
    with transaction.atomic():
        existing = (
            MeToo.objects.filter(report=report)
            .annotate(address=Lower("email"))
            .filter(address=email)
            .first()
        )
        if existing is not None and existing.is_confirmed:
            return existing
        if existing is not None and existing.is_confirmation_expired():
            existing.delete()
            existing = None
        if existing is None:
            try:
                with transaction.atomic():
                    existing = MeToo.objects.create(report=report, name=name.strip(), email=email)
            except IntegrityError:
                existing = MeToo.objects.annotate(address=Lower("email")).get(
                    report=report, address=email
                )
        send_templated_mail(
            network=report.network,
            to=[email],
            template="conditions/mail/me_too_confirm",
            context={
                "report": report,
                "link": confirmation_url(existing, base_url=base_url),
                "days": confirmation_days(MeToo.confirmation_purpose),
            },
        )
    return existing


def _log(
    report: Report,
    action: str,
    *,
    by: User | None,
    reason: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> ReportLog:
    return ReportLog.objects.create(
        report=report,
        action=action,
        actor=by,
        reason=reason.strip(),
        before=before or {},
        after=after or {},
    )


def _need_reason(reason: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why, for the log.")}, code="reason")


def _locked(report: Report) -> Report:
    return (
        Report.objects.select_for_update()
        .select_related("network", "municipality")
        .get(pk=report.pk)
    )


def hide_report(*, report: Report, by: User, reason: str) -> Report:
    """Take a report off the public map and list (logged with the reason)."""
    _need_reason(reason)
    with transaction.atomic():
        row = _locked(report)
        if row.is_hidden:
            raise ValidationError(_("The report is already hidden."), code="hidden")
        row.is_hidden = True
        row.save(update_fields=["is_hidden", "updated_at"])
        _log(row, ReportLog.Action.HIDDEN, by=by, reason=reason)
    return row


def show_report(*, report: Report, by: User, reason: str) -> Report:
    _need_reason(reason)
    with transaction.atomic():
        row = _locked(report)
        if not row.is_hidden:
            raise ValidationError(_("The report is not hidden."), code="shown")
        row.is_hidden = False
        row.save(update_fields=["is_hidden", "updated_at"])
        _log(row, ReportLog.Action.SHOWN, by=by, reason=reason)
    return row


def edit_report(*, report: Report, by: User, title: str, description: str, reason: str) -> Report:
    """Change the public text; the reporter's own words stay in ``reported_*``."""
    _need_reason(reason)
    with transaction.atomic():
        row = _locked(report)
        before = {"title": row.title, "description": row.description}
        row.title, row.description = title.strip(), description.strip()
        row.full_clean(exclude=["original", "moderation_status"])
        row.save(update_fields=["title", "description", "updated_at"])
        _log(
            row,
            ReportLog.Action.EDITED,
            by=by,
            reason=reason,
            before=before,
            after={"title": row.title, "description": row.description},
        )
    return row


def merge_reports(*, duplicate: Report, into: Report, by: User, reason: str) -> Report:
    """Merge a duplicate into another report: its "me too"s move over (once per address)."""
    _need_reason(reason)
    if duplicate.pk == into.pk or into.duplicate_of_id is not None:
        raise ValidationError(
            {"into": _("Choose another report, one that is not itself merged.")}, code="self"
        )
    if into.network_id != duplicate.network_id:
        raise ValidationError({"into": _("Choose a report of this network.")})
    with transaction.atomic():
        row = _locked(duplicate)
        if row.duplicate_of_id is not None:
            raise ValidationError(_("The report is already merged."), code="merged")
        have = {
            m.lower() for m in MeToo.objects.filter(report=into).values_list("email", flat=True)
        }
        moved = 0
        for me_too in MeToo.objects.filter(report=row).confirmed():
            if me_too.email.lower() not in have:
                me_too.report = into
                me_too.save(update_fields=["report"])
                have.add(me_too.email.lower())
                moved += 1
        # The duplicate's reporter says "me too" on the report it was merged into.
        if row.submitter_email and row.submitter_email.lower() not in have and row.is_confirmed:
            MeToo.objects.create(
                report=into,
                name=row.submitter_name,
                email=row.submitter_email,
                confirmed_at=row.confirmed_at,
            )
        row.duplicate_of = into
        row.save(update_fields=["duplicate_of", "updated_at"])
        _log(row, ReportLog.Action.MERGED, by=by, reason=reason, after={"into": into.pk})
    return row


def set_status(
    *, report: Report, by: User | None, status: str, text: str = "", mail: bool = True
) -> Report:
    """Move a report to ``status`` with a public update; the reporter is told by mail."""
    if status not in Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    with transaction.atomic():
        row = _locked(report)
        if row.status == status:
            raise ValidationError({"status": _("The report already has this status.")}, code="same")
        before = row.status
        row.status = status
        row.status_changed_at = timezone.now()
        row.save(update_fields=["status", "status_changed_at", "updated_at"])
        update = ReportUpdate.objects.create(
            report=row, text=text.strip(), new_status=status, created_by=by
        )
        _log(
            row,
            ReportLog.Action.STATUS,
            by=by,
            reason=text,
            before={"status": before},
            after={"status": status},
        )
        if mail:
            _mail_reporter(row, update)
    return row


def add_update(*, report: Report, by: User, text: str) -> ReportUpdate:
    """A public update on a report (news without a change of status)."""
    if not text.strip():
        raise ValidationError({"text": _("Write the update.")}, code="required")
    with transaction.atomic():
        row = _locked(report)
        update = ReportUpdate.objects.create(report=row, text=text.strip(), created_by=by)
        _log(row, ReportLog.Action.UPDATE, by=by, after={"text": update.text})
        _mail_reporter(row, update)
    return update


def _mail_reporter(report: Report, update: ReportUpdate) -> None:
    if not (report.is_subscribed and report.submitter_email and report.is_confirmed):
        return
    url = unsubscribe_url(report)
    send_templated_mail(
        network=report.network,
        to=[report.submitter_email],
        template="conditions/mail/report_update",
        context={
            "report": report,
            "update": update,
            "link": report.network.base_url + report.get_absolute_url(),
            "unsubscribe": url,
        },
        headers={"List-Unsubscribe": f"<{url}>"},
        language=report.submitter_language or None,
    )


def unsubscribe_reporter(*, report: Report) -> bool:
    """The reporter gets no more mail about the report; False if they already did not."""
    return bool(Report.objects.filter(pk=report.pk, is_subscribed=True).update(is_subscribed=False))


# --- Dossiers ---------------------------------------------------------------------------------


def create_dossier(
    *,
    network: Network,
    by: User,
    title: str,
    recipient: str,
    reports: Sequence[Report],
    municipality: Municipality | None = None,
) -> Dossier:
    """A dossier of published reports for an authority."""
    reports = list(reports)
    if not reports:
        raise ValidationError(_("The selection has no reports."), code="empty")
    if any(r.network_id != network.pk or not r.is_public for r in reports):
        raise ValidationError(_("Only the network's published reports can go in a dossier."))
    with transaction.atomic():
        dossier = Dossier.objects.create(
            network=network,
            title=title.strip(),
            recipient=recipient.strip(),
            municipality=municipality,
            created_by=by,
        )
        dossier.reports.set(reports)
    return dossier


def mark_dossier_sent(*, dossier: Dossier, by: User, sent_on: datetime.date) -> Dossier:
    """The dossier went to the authority: log an action against the plan's infrastructure
    activity with the number of reports, and move its open reports to "sent"."""
    with transaction.atomic():
        row = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if row.sent_on is not None:
            raise ValidationError(_("The dossier is already marked as sent."), code="sent")
        reports = list(row.reports.select_related("network", "municipality"))
        activities = find_activities(dossier.network, sent_on.year, tiers=INFRASTRUCTURE)
        # Without a plan for the year there is nothing to log against; the dossier is still sent.
        action = None
        if activities:
            action = plan_services.log_action(
                network=dossier.network,
                performed_on=sent_on,
                title=ngettext(
                    "Dossier to %(recipient)s: %(n)d report",
                    "Dossier to %(recipient)s: %(n)d reports",
                    len(reports),
                )
                % {"recipient": row.recipient, "n": len(reports)},
                description=row.title,
                activities=activities,
                municipality=row.municipality,
                source=row,
                created_by=by,
            )
        row.sent_on = sent_on
        row.action = action
        row.save(update_fields=["sent_on", "action"])
        for report in reports:
            _log(report, ReportLog.Action.DOSSIER, by=by, after={"dossier": row.pk})
            if report.status == Status.OPEN:
                set_status(
                    report=report,
                    by=by,
                    status=Status.SENT,
                    text=_("Sent to %(recipient)s.") % {"recipient": row.recipient},
                )
    dossier.refresh_from_db()
    return dossier


def is_open(status: str) -> bool:
    return status not in CLOSED_STATUSES


def report_page_url(report: Report) -> str:
    return reverse("conditions:report-detail", args=[report.pk])
