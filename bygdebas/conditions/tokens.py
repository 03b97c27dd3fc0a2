"""Signed links in the app's mail: a reporter's unsubscribe link and an alert's reply link."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse

from bygdebas.core.signed_links import make_token

if TYPE_CHECKING:
    from bygdebas.conditions.models import AlertRecipient, Report

UNSUBSCRIBE = "conditions.unsubscribe"
REPLY = "conditions.alert_reply"
UNSUBSCRIBE_MAX_AGE = datetime.timedelta(days=3 * 365)
REPLY_MAX_AGE = datetime.timedelta(days=14)


def unsubscribe_url(report: Report) -> str:
    token = make_token(purpose=UNSUBSCRIBE, network_id=report.network_id, r=report.pk)
    return report.network.base_url + reverse("conditions:report-unsubscribe", args=[token])


def reply_url(recipient: AlertRecipient) -> str:
    token = make_token(purpose=REPLY, network_id=recipient.alert.network_id, r=recipient.pk)
    return recipient.alert.network.base_url + reverse("conditions:alert-reply", args=[token])
