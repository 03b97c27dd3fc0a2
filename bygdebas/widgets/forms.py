from __future__ import annotations

from django import forms

from bygdebas.widgets.models import EmbedSettings


class EmbedSettingsForm(forms.ModelForm):
    class Meta:
        model = EmbedSettings
        fields = ["allowed_origins", "colour"]
        widgets = {
            "allowed_origins": forms.Textarea(attrs={"rows": 4}),
            "colour": forms.TextInput(attrs={"type": "color"}),
        }
