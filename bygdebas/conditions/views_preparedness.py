"""Crisis preparedness: a group's profile (self-service), the county overview, the contact tree,
alerts and their status board; and the app's signed links (unsubscribe, alert reply)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bygdebas.conditions import exports, preparedness, services
from bygdebas.conditions.access import get_alert_for_user, get_recipient_for_user
from bygdebas.conditions.forms import AlertForm, ChainFormSet, ProfileForm, ReplyForm
from bygdebas.conditions.models import Alert, AlertRecipient, Report
from bygdebas.conditions.tokens import REPLY, REPLY_MAX_AGE, UNSUBSCRIBE, UNSUBSCRIBE_MAX_AGE
from bygdebas.core.access import (
    READ_ROLES,
    WRITE_ROLES,
    fetch_in_network,
    role_required,
)
from bygdebas.core.confirmation import SignedLinkView
from bygdebas.core.forms import add_service_errors
from bygdebas.core.http import NetworkRequest
from bygdebas.core.models import Network
from bygdebas.core.signed_links import LinkInvalidError, read_token
from bygdebas.members.access import (
    check_contact,
    contact_login_required,
    get_contact_organisation,
    organisations_for_contact,
)


@contact_login_required
@require_GET
def profile_home(request: NetworkRequest) -> HttpResponse:
    """The contact person's groups: straight to the profile when there is one."""
    check_contact(request.user, request.network)
    organisations = list(organisations_for_contact(request.user, request.network))
    if len(organisations) == 1:
        return redirect("conditions:profile-edit", organisations[0].pk)
    return render(
        request, "conditions/selfservice/profile_home.html", {"organisations": organisations}
    )


@contact_login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: NetworkRequest, pk: int) -> HttpResponse:
    """The contact person keeps their own group's profile and contact chain."""
    organisation = get_contact_organisation(request.user, request.network, pk)
    profile = preparedness.profile_for(organisation)
    initial_chain = [
        {"name": m.name, "phone": m.phone, "email": m.email, "has_consent": True}
        for m in (profile.chain.all() if profile.pk else [])
    ]
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=profile, network=request.network)
        chain = ChainFormSet(request.POST, initial=initial_chain, prefix="chain")
        if form.is_valid() and chain.is_valid():
            entries = [
                preparedness.ChainEntry(
                    name=row["name"],
                    phone=row["phone"],
                    email=row.get("email") or "",
                    has_consent=row["has_consent"],
                )
                for row in chain.cleaned_data
                if row.get("name")
            ]
            try:
                preparedness.save_profile(
                    organisation=organisation,
                    by=request.user,
                    values=form.cleaned_data,
                    chain=entries,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The preparedness profile is saved."))
                return redirect("conditions:profile-edit", organisation.pk)
        status = 400
    else:
        form = ProfileForm(instance=profile, network=request.network)
        chain = ChainFormSet(initial=initial_chain, prefix="chain")
        status = 200
    return render(
        request,
        "conditions/selfservice/profile_form.html",
        {"organisation": organisation, "form": form, "chain": chain, "profile": profile},
        status=status,
    )


@role_required(READ_ROLES)
@require_GET
def preparedness_overview(request: NetworkRequest) -> HttpResponse:
    """The county: meeting points and resources on a map, and what is missing per municipality."""
    rows = preparedness.readiness(request.network)
    points = [
        {
            "lat": p.lat,
            "lon": p.lon,
            "name": f"{p.organisation.name}: {p.meeting_point}",
            "resources": ", ".join(p.meeting_point_offers + p.resources),
        }
        for row in rows
        for p in row.profiles
        if p.lat is not None and p.lon is not None
    ]
    return render(
        request,
        "conditions/staff/preparedness.html",
        {"rows": rows, "points": points},
    )


@role_required(WRITE_ROLES)
@require_GET
def contact_tree(request: NetworkRequest, code: str) -> HttpResponse:
    """The printable contact tree of a municipality, made now (with the date) for the network's
    outage; each print is written to the audit log."""
    municipality = request.network.municipalities().filter(code=code).first()
    if municipality is None:
        return render(request, "404.html", status=404)
    profiles = preparedness.profiles_in(request.network, [municipality])
    preparedness.record_tree_printed(
        network=request.network, municipality=municipality, by=request.user
    )
    pdf = exports.contact_tree_pdf(
        network=request.network, municipality=municipality, profiles=profiles
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kontaktkedja-{municipality.code}.pdf"'
    return response


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def alert_list(request: NetworkRequest) -> HttpResponse:
    form = AlertForm(request.POST or None, network=request.network)
    if request.method == "POST" and form.is_valid():
        try:
            alert = preparedness.send_alert(
                network=request.network,
                by=request.user,
                message=form.cleaned_data["message"],
                municipalities=list(form.cleaned_data["municipalities"]),
                is_drill=form.cleaned_data["is_drill"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The alert is sent."))
            return redirect("conditions:alert-detail", alert.pk)
    alerts = Alert.objects.for_network(request.network).annotate(
        total=Count("recipients"),
        fine=Count("recipients", filter=Q(recipients__reply=AlertRecipient.Reply.FINE)),
        help=Count("recipients", filter=Q(recipients__reply=AlertRecipient.Reply.HELP)),
    )[:50]
    return render(
        request,
        "conditions/staff/alert_list.html",
        {"form": form, "alerts": alerts},
        status=400 if form.is_bound else 200,
    )


@role_required(WRITE_ROLES)
@require_GET
def alert_detail(request: NetworkRequest, pk: int) -> HttpResponse:
    """The status board: who replied what, "we need help" first."""
    alert = get_alert_for_user(request.user, request.network, pk)
    recipients = sorted(
        alert.recipients.select_related("organisation"),
        key=lambda r: ({"help": 0, "": 1, "fine": 2}[r.reply], r.organisation.name, r.name),
    )
    return render(
        request,
        "conditions/staff/alert_detail.html",
        {"alert": alert, "recipients": recipients, "form": ReplyForm()},
    )


@role_required(WRITE_ROLES)
@require_POST
def alert_record_reply(request: NetworkRequest, pk: int) -> HttpResponse:
    """Staff note a reply that came by phone."""
    recipient = get_recipient_for_user(request.user, request.network, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        preparedness.record_reply(
            recipient=recipient,
            reply=form.cleaned_data["reply"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
        messages.success(request, _("The reply is noted."))
    else:
        messages.error(request, _("Choose a reply."))
    return redirect("conditions:alert-detail", recipient.alert_id)


class ReportUnsubscribeView(SignedLinkView):
    """The reporter stops the status mail about one report."""

    templates = {
        "page": ["conditions/public/unsubscribe.html"],
        "done": ["conditions/public/unsubscribe_done.html"],
        "invalid": ["core/signed_link/invalid.html"],
    }

    def load(self, network: Network, token: str) -> Any:
        values = read_token(
            token, purpose=UNSUBSCRIBE, network=network, max_age=UNSUBSCRIBE_MAX_AGE
        )
        try:
            return fetch_in_network(network, Report, values.get("r"))
        except Exception:
            raise LinkInvalidError("No such report.") from None

    def is_used(self, obj: Any) -> bool:
        return not obj.is_subscribed

    def act(self, obj: Any) -> bool:
        return services.unsubscribe_reporter(report=obj)


class AlertReplyView(SignedLinkView):
    """A contact-chain member answers an alert: "we are fine" or "we need help"."""

    templates = {
        "page": ["conditions/public/alert_reply.html"],
        "done": ["conditions/public/alert_reply_done.html"],
        "invalid": ["core/signed_link/invalid.html"],
    }

    def load(self, network: Network, token: str) -> Any:
        values = read_token(token, purpose=REPLY, network=network, max_age=REPLY_MAX_AGE)
        try:
            return fetch_in_network(
                network, AlertRecipient.objects.select_related("alert"), values.get("r")
            )
        except Exception:
            raise LinkInvalidError("No such recipient.") from None

    def get_context_data(self, obj: Any) -> dict[str, Any]:
        return {"object": obj, "form": ReplyForm(initial={"reply": obj.reply or None})}

    def act(self, obj: Any) -> bool:
        form = ReplyForm(self.request.POST)
        if not form.is_valid():
            return False
        preparedness.record_reply(
            recipient=obj, reply=form.cleaned_data["reply"], note=form.cleaned_data["note"]
        )
        return True
