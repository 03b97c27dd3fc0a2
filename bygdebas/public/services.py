"""Writes from the public site."""

from __future__ import annotations

from django.utils.translation import gettext as _

from bygdebas.core.mail import send_templated_mail
from bygdebas.core.models import Network


class NoContactAddressError(Exception):
    pass


def send_contact_message(*, network: Network, name: str, email: str, message: str) -> None:
    """Forward a message from the contact form to the network's office."""
    if not network.contact_email:
        raise NoContactAddressError(_("This network has no contact address yet."))
    send_templated_mail(
        network=network,
        to=[network.contact_email],
        reply_to=[email],
        template="public/mail/contact",
        context={"name": name, "email": email, "message": message},
    )
