"""The staff form for a new API key."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bygdebas.api.models import ApiKey

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A key lives at most this long; a program that needs one longer gets a new key in time.
MAX_LIFETIME = datetime.timedelta(days=2 * 366)


def default_expiry() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=365)


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("Who uses the key and for what.")
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=ApiKey.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Give only what the program needs. Personal data (e-mail addresses, phone numbers, "
            "people) needs “Read personal data”, and every use of it is logged."
        ),
    )
    expires_on = forms.DateField(label=_("Valid until"), widget=DATE_WIDGET, initial=default_expiry)
    rate_limit = forms.IntegerField(
        label=_("Requests per minute"), min_value=1, max_value=100_000, initial=600
    )

    def clean_expires_on(self) -> datetime.date:
        expires_on: datetime.date = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if expires_on <= today:
            raise forms.ValidationError(_("The key must be valid after today."))
        if expires_on > today + MAX_LIFETIME:
            raise forms.ValidationError(_("A key can be valid for at most two years."))
        return expires_on

    def expires_at(self) -> datetime.datetime:
        """The end of the chosen day, local time."""
        day: datetime.date = self.cleaned_data["expires_on"]
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))

    def service_kwargs(self) -> dict[str, Any]:
        return {
            "name": self.cleaned_data["name"],
            "scopes": self.cleaned_data["scopes"],
            "expires_at": self.expires_at(),
            "rate_limit": self.cleaned_data["rate_limit"],
        }
