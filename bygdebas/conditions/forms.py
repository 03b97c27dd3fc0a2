from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bygdebas.conditions.models import (
    Category,
    PreparednessProfile,
    Report,
    Status,
)
from bygdebas.conditions.services import MAX_PHOTOS, Photo
from bygdebas.core.forms import model_choice_field
from bygdebas.core.images import ImageUploadField
from bygdebas.core.models import Municipality, Network
from bygdebas.core.public_forms import PublicFormMixin


def _municipalities(form: forms.BaseForm, name: str, network: Network) -> None:
    model_choice_field(form, name).queryset = network.municipalities()


class ReportForm(PublicFormMixin, forms.Form):
    """A resident's report: click the map (lat/lon) or choose municipality and locality."""

    category = forms.ChoiceField(label=_("What is the problem about?"), choices=Category.choices)
    title = forms.CharField(label=_("Heading"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text=_("What is wrong, since when, and what it means for you."),
    )
    lat = forms.FloatField(
        label=_("Latitude"), required=False, min_value=-90, max_value=90, localize=True
    )
    lon = forms.FloatField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180, localize=True
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        help_text=_("Without the map: choose the municipality and type the place."),
    )
    locality = forms.CharField(label=_("Locality"), max_length=100, required=False)
    address = forms.CharField(label=_("Address or place"), max_length=200, required=False)
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send you a link to confirm the report. It is not published."),
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _municipalities(self, "municipality", network)
        for number in range(1, MAX_PHOTOS + 1):
            self.fields[f"photo_{number}"] = ImageUploadField(
                required=False, label=_("Photo %(n)d") % {"n": number}
            )
            self.fields[f"photo_{number}_alt"] = forms.CharField(
                label=_("What photo %(n)d shows") % {"n": number},
                max_length=300,
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        has_point = data.get("lat") is not None and data.get("lon") is not None
        if not has_point and not data.get("municipality") and "municipality" not in self.errors:
            self.add_error(
                "municipality",
                ValidationError(
                    _("Click on the map where the problem is, or choose a municipality."),
                    code="no_place",
                ),
            )
        for number in range(1, MAX_PHOTOS + 1):
            if data.get(f"photo_{number}") and not (data.get(f"photo_{number}_alt") or "").strip():
                self.add_error(
                    f"photo_{number}_alt",
                    ValidationError(_("Say what the photo shows."), code="alt_required"),
                )
        return data

    def photos(self) -> list[Photo]:
        return [
            Photo(
                image=self.cleaned_data[f"photo_{n}"], alt_text=self.cleaned_data[f"photo_{n}_alt"]
            )
            for n in range(1, MAX_PHOTOS + 1)
            if self.cleaned_data.get(f"photo_{n}")
        ]

    def photo_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"photo_{n}"], self[f"photo_{n}_alt"]) for n in range(1, MAX_PHOTOS + 1)]


class MeTooForm(PublicFormMixin, forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send you a link to confirm. Each address counts once."),
    )


class ReportFilterForm(forms.Form):
    """The public and staff lists' filters (all optional)."""

    category = forms.ChoiceField(label=_("Category"), choices=[("", _("All"))], required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All"))], required=False)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("All"),
        to_field_name="code",
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All")), *Category.choices]  # type: ignore[attr-defined]
        self.fields["status"].choices = [("", _("All")), *Status.choices]  # type: ignore[attr-defined]
        _municipalities(self, "municipality", network)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (for the log)"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class EditReportForm(forms.Form):
    title = forms.CharField(label=_("Heading"), max_length=120)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}))
    reason = forms.CharField(
        label=_("Why (for the log)"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MergeForm(forms.Form):
    into = forms.IntegerField(
        label=_("Number of the report to merge into"),
        min_value=1,
        help_text=_("The report this one repeats; its number is in its address."),
    )
    reason = forms.CharField(
        label=_("Why (for the log)"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    text = forms.CharField(
        label=_("Public update"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the report's page and mailed to the reporter."),
    )


class UpdateForm(forms.Form):
    text = forms.CharField(label=_("Public update"), widget=forms.Textarea(attrs={"rows": 3}))


class HeldCategoriesForm(forms.Form):
    categories = forms.MultipleChoiceField(
        label=_("Hold these categories for moderation"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class DossierForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    recipient = forms.CharField(
        label=_("Recipient"),
        max_length=200,
        help_text=_("For example the municipality or the Swedish Transport Administration."),
    )


class SentForm(forms.Form):
    sent_on = forms.DateField(
        label=_("Sent on"),
        initial=datetime.date.today,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ProfileForm(forms.ModelForm[PreparednessProfile]):
    class Meta:
        model = PreparednessProfile
        fields = [
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
        ]
        widgets = {"resources_note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _municipalities(self, "municipality", network)
        self.fields["lat"].localize = True
        self.fields["lon"].localize = True


class ChainMemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    has_consent = forms.BooleanField(label=_("Agreed to be listed"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("name") and not data.get("phone"):
            self.add_error("phone", _("A phone number, so that the message can be passed on."))
        if data.get("name") and not data.get("has_consent"):
            self.add_error("has_consent", _("Ask the person first, then tick this."))
        return data


ChainFormSet = forms.formset_factory(ChainMemberForm, extra=2, max_num=20, validate_max=True)


class AlertForm(forms.Form):
    message = forms.CharField(
        label=_("Message"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Municipalities"),
        queryset=Municipality.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    is_drill = forms.BooleanField(label=_("This is a drill"), required=False)

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipalities"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = network.municipalities()


class ReplyForm(forms.Form):
    reply = forms.ChoiceField(
        label=_("Reply"),
        choices=[("fine", _("We are fine")), ("help", _("We need help"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


def report_initial(report: Report) -> dict[str, Any]:
    return {"title": report.title, "description": report.description}
