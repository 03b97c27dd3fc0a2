"""The endpoint form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bygdebas.core.forms import choice_field
from bygdebas.core.hooks import event_types
from bygdebas.webhooks.models import Endpoint


class EndpointForm(forms.ModelForm):
    event_names = forms.MultipleChoiceField(
        label=_("Events"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none to receive every event, including those added later."),
    )

    class Meta:
        model = Endpoint
        fields = ["url", "description"]
        help_texts = {
            "url": _("Where Bygdebas sends each event as a signed POST request (https)."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "event_names").choices = [(t.name, t.label) for t in event_types()]
        if self.instance.pk:
            self.initial["event_names"] = self.instance.event_names

    def clean_url(self) -> str:
        from django.conf import settings

        url: str = self.cleaned_data["url"]
        if settings.PRODUCTION and not url.startswith("https://"):
            raise forms.ValidationError(_("Use an https address."), code="not_https")
        return url
