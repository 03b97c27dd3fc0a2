"""Crisis preparedness: the groups' profiles and contact chains, the contact tree, alerts."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bygdebas.conditions.models import (
    Alert,
    AlertRecipient,
    ChainMember,
    PreparednessProfile,
)
from bygdebas.conditions.sms import TextMessage, send_sms
from bygdebas.conditions.tokens import reply_url
from bygdebas.core.mail import send_templated_mail
from bygdebas.core.models import Municipality, Network, User
from bygdebas.core.services import record_audit
from bygdebas.members.models import Organisation
from bygdebas.plan import services as plan_services
from bygdebas.plan.matching import find_activities

CRISIS = (("krisberedskap*",), ("kris*", "beredskap*"))
PROFILE_FIELDS = (
    "meeting_point",
    "municipality",
    "lat",
    "lon",
    *PreparednessProfile.MEETING_POINT_FIELDS,
    *PreparednessProfile.RESOURCE_FIELDS,
    "resources_note",
    "households",
    "first_aid_trained",
    "crisis_support_trained",
)


@dataclass(frozen=True)
class ChainEntry:
    name: str
    phone: str
    email: str = ""
    has_consent: bool = False


def profile_for(organisation: Organisation) -> PreparednessProfile:
    """The organisation's profile, unsaved and empty if it has none yet."""
    try:
        return organisation.preparedness
    except PreparednessProfile.DoesNotExist:
        return PreparednessProfile(
            network_id=organisation.network_id,
            organisation=organisation,
            municipality_id=organisation.municipality_id,
        )


def save_profile(
    *,
    organisation: Organisation,
    by: User,
    values: Mapping[str, Any],
    chain: Sequence[ChainEntry],
) -> PreparednessProfile:
    """Save the group's profile and replace its contact chain (each person with consent)."""
    for number, entry in enumerate(chain, start=1):
        if not entry.has_consent:
            raise ValidationError(
                _("Person %(n)d in the contact chain: tick that they agreed to be listed.")
                % {"n": number},
                code="consent",
            )
    with transaction.atomic():
        profile = profile_for(organisation)
        is_new = profile.pk is None
        for name in PROFILE_FIELDS:
            if name in values:
                setattr(profile, name, values[name])
        profile.updated_by = by
        profile.full_clean()
        profile.save()
        old = {(m.name, m.phone, m.email): m.consent_at for m in profile.chain.all()}
        profile.chain.all().delete()
        now = timezone.now()
        for position, entry in enumerate(chain):
            key = (entry.name.strip(), entry.phone.strip(), entry.email.strip().lower())
            ChainMember.objects.create(
                profile=profile,
                position=position,
                name=key[0],
                phone=key[1],
                email=key[2],
                consent_at=old.get(key, now),
            )
        record_audit(
            network=organisation.network,
            actor=by,
            verb="preparedness.created" if is_new else "preparedness.changed",
            obj=profile,
            changes={"chain": [len(old), len(chain)]},
        )
    return profile


@dataclass
class MunicipalityReadiness:
    municipality: Municipality
    profiles: list[PreparednessProfile] = field(default_factory=list)

    @property
    def households(self) -> int:
        return sum(p.households for p in self.profiles)

    @property
    def missing(self) -> list[str]:
        """What no group in the municipality has."""
        gaps = []
        if not self.profiles:
            return [_("No group has a preparedness profile")]
        if not any(p.meeting_point for p in self.profiles):
            gaps.append(_("meeting point"))
        for name in (*PreparednessProfile.RESOURCE_FIELDS, "has_heat", "has_first_aid"):
            if not any(getattr(p, name) for p in self.profiles):
                gaps.append(PreparednessProfile.label(name))
        if not any(p.chain.all() for p in self.profiles):
            gaps.append(_("contact chain"))
        return gaps


def readiness(network: Network) -> list[MunicipalityReadiness]:
    """Each of the network's municipalities with its groups' profiles (a fixed number of queries)."""
    rows = {m.pk: MunicipalityReadiness(m) for m in network.municipalities()}
    profiles = (
        PreparednessProfile.objects.for_network(network)
        .select_related("organisation", "municipality")
        .prefetch_related("chain")
        .order_by("organisation__name")
    )
    for profile in profiles:
        municipality_id = profile.municipality_id or profile.organisation.municipality_id
        if municipality_id in rows:
            rows[municipality_id].profiles.append(profile)
    return list(rows.values())


def profiles_in(
    network: Network, municipalities: Sequence[Municipality]
) -> list[PreparednessProfile]:
    ids = [m.pk for m in municipalities]
    return list(
        PreparednessProfile.objects.for_network(network)
        .filter(
            Q(municipality_id__in=ids)
            | Q(municipality__isnull=True, organisation__municipality_id__in=ids)
        )
        .select_related("organisation", "municipality")
        .prefetch_related("chain")
        .order_by("organisation__name")
    )


def send_alert(
    *,
    network: Network,
    by: User,
    message: str,
    municipalities: Sequence[Municipality],
    is_drill: bool = False,
    sent_on: datetime.date | None = None,
) -> Alert:
    """Send ``message`` to the contact chains in ``municipalities`` (mail and SMS); a drill is
    logged as an action against the plan's crisis-preparedness activity."""
    if not message.strip():
        raise ValidationError({"message": _("Write the message.")})
    if not municipalities:
        raise ValidationError({"municipalities": _("Choose at least one municipality.")})
    profiles = profiles_in(network, municipalities)
    members = [(p, m) for p in profiles for m in p.chain.all()]
    if not members:
        raise ValidationError(
            {"municipalities": _("No group in these municipalities has a contact chain.")},
            code="nobody",
        )
    with transaction.atomic():
        alert = Alert.objects.create(
            network=network, message=message.strip(), is_drill=is_drill, sent_by=by
        )
        alert.municipalities.set(municipalities)
        texts = []
        for profile, member in members:
            recipient = AlertRecipient.objects.create(
                alert=alert, organisation=profile.organisation, member=member, name=member.name
            )
            link = reply_url(recipient)
            if member.email:
                send_templated_mail(
                    network=network,
                    to=[member.email],
                    template="conditions/mail/alert",
                    context={"alert": alert, "recipient": recipient, "link": link},
                )
            if member.phone:
                texts.append(TextMessage(to=member.phone, body=f"{alert.message} {link}"))
        if is_drill:
            day = sent_on or timezone.localdate()
            activities = find_activities(network, day.year, tiers=CRISIS)
            if activities:
                alert.action = plan_services.log_action(
                    network=network,
                    performed_on=day,
                    title=_("Crisis drill: alert to %(n)d contact persons") % {"n": len(members)},
                    description=alert.message,
                    activities=activities,
                    participants=len(members),
                    source=alert,
                    created_by=by,
                )
                alert.save(update_fields=["action"])
        transaction.on_commit(lambda: send_sms(texts))
    return alert


def record_reply(
    *, recipient: AlertRecipient, reply: str, note: str = "", by: User | None = None
) -> AlertRecipient:
    """A reply to an alert ("we are fine", "we need help"), by link or noted by staff."""
    if reply not in (AlertRecipient.Reply.FINE, AlertRecipient.Reply.HELP):
        raise ValidationError({"reply": _("Choose a reply.")})
    recipient.reply = reply
    recipient.reply_note = note.strip()[:300]
    recipient.replied_at = timezone.now()
    recipient.save(update_fields=["reply", "reply_note", "replied_at"])
    return recipient


def record_tree_printed(*, network: Network, municipality: Municipality, by: User) -> None:
    """Who printed a municipality's contact tree, when: it holds personal data."""
    record_audit(
        network=network,
        actor=by,
        verb="preparedness.tree_printed",
        obj=municipality,
        changes={},
    )
