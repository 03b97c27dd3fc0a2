"""Forms of the self-service pages (contact persons) and of the staff privacy pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bygdebas.core.forms import model_choice_field
from bygdebas.core.models import AuditEntry, Network
from bygdebas.core.public_forms import PublicFormMixin
from bygdebas.members.models import Engagement, Organisation, Person

# Self-service


class LoginLinkForm(PublicFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("The address the network has for you as the contact person."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class OrganisationSelfServiceForm(forms.ModelForm):
    """What a contact person may change about their organisation (not staff notes or tags)."""

    class Meta:
        model = Organisation
        fields = (
            "name",
            "org_number",
            "street_address",
            "postal_code",
            "postal_town",
            "locality",
            "municipality",
            "website",
            "email",
            "phone",
            "founded_year",
            "is_youth_led",
        )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "municipality").queryset = network.municipalities()

    def _post_clean(self) -> None:
        # The service validates the normalised values (org number, phone); not the raw ones here.
        pass

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


ROLE_CHOICES = Engagement.Role.choices


class PersonSelfServiceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=24, required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles in the organisation"),
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )

    def person_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("name", "email", "phone")}


# Staff privacy pages


class ConsentForm(forms.Form):
    purpose = forms.CharField(
        label=_("What the person agreed to"),
        max_length=200,
        help_text=_("For example: the newsletter, photos on the website."),
    )
    text = forms.CharField(
        label=_("Text agreed to"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    source_detail = forms.CharField(
        label=_("How it was given"),
        max_length=200,
        required=False,
        help_text=_("For example: signed paper form at the annual meeting."),
    )


class LegalBasisForm(forms.Form):
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=Person.LegalBasis.choices)


class AuditFilterForm(forms.Form):
    """The audit log's filters, sent by GET so that a filtered page can be linked."""

    person = forms.IntegerField(label=_("Person (number)"), required=False, min_value=1)
    verb = forms.CharField(label=_("What"), max_length=40, required=False)
    source = forms.ChoiceField(
        label=_("Source"),
        required=False,
        choices=[("", _("All sources")), *AuditEntry.Source.choices],
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
