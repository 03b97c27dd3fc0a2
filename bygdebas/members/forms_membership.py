"""Forms of the membership pages: the public join form, the renewal link, and the staff pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bygdebas.core.forms import choice_field, model_choice_field
from bygdebas.core.models import Municipality, Network
from bygdebas.core.public_forms import PublicFormMixin
from bygdebas.members.models import Membership, Organisation, Person
from bygdebas.members.normalise import normalise_org_number, normalise_phone
from bygdebas.members.services.membership import next_statuses


class DateInput(forms.DateInput):
    """A browser date picker; without JavaScript a text field taking 2026-01-31."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def consent_text(network: Network) -> str:
    """What an applicant agrees to, in the language of the page; stored with the consent."""
    return gettext(
        "I agree that %(network)s stores the organisation's details and my name, e-mail address "
        "and phone number (and birth year, if I give it) to handle the membership and to contact "
        "us about it. I can withdraw my consent at any time by writing to %(network)s."
    ) % {"network": network.name}


class _CleanContactFields:
    cleaned_data: dict[str, Any]

    def clean_org_number(self) -> str:
        return normalise_org_number(self.cleaned_data.get("org_number", ""))

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data.get("phone", ""))

    def clean_contact_phone(self) -> str:
        return normalise_phone(self.cleaned_data.get("contact_phone", ""))


class JoinForm(PublicFormMixin, _CleanContactFields, forms.Form):
    """The public "become a member" form: the organisation, its contact person and the consent."""

    honeypot_field = "homepage"  # the organisation's website is a real field here
    ORGANISATION_FIELDS = (
        "name", "kind", "org_number", "municipality", "locality", "email", "phone", "website",
        "is_youth_led",
    )  # fmt: skip

    name = forms.CharField(
        label=_("Name of the organisation"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=Organisation.Kind.choices,
        initial=Organisation.Kind.LOCAL_GROUP,
    )
    org_number = forms.CharField(
        label=_("Organisation number"),
        max_length=13,
        required=False,
        help_text=_("Optional. Ten digits, as 802412-3450."),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), required=False
    )
    locality = forms.CharField(label=_("Village or locality"), max_length=100, required=False)
    email = forms.EmailField(label=_("The organisation's e-mail address"), required=False)
    phone = forms.CharField(label=_("The organisation's phone"), max_length=24, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    is_youth_led = forms.BooleanField(
        label=_("The organisation is run by young people"), required=False
    )
    contact_name = forms.CharField(
        label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    contact_email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send the confirmation and our answer here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_phone = forms.CharField(
        label=_("Your phone"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
    )
    contact_birth_year = forms.IntegerField(
        label=_("Your birth year"),
        required=False,
        help_text=_("Optional, only for our statistics on young people's engagement."),
    )
    message = forms.CharField(
        label=_("Message to us"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent = forms.BooleanField(label="", required=True)

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.network = network
        municipalities = network.municipalities()
        model_choice_field(self, "municipality").queryset = municipalities
        self.fields["municipality"].required = municipalities.exists()
        self.fields["consent"].label = consent_text(network)
        self.fields["consent"].error_messages["required"] = _(
            "We need your consent to handle the application."
        )
        year = timezone.localdate().year
        self.fields["contact_birth_year"].validators += [
            MinValueValidator(1900),
            MaxValueValidator(year),
        ]

    def organisation_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.ORGANISATION_FIELDS}

    def person_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["contact_name"],
            "email": data["contact_email"],
            "phone": data["contact_phone"],
            "birth_year": data["contact_birth_year"],
        }


class RenewalForm(_CleanContactFields, forms.Form):
    """The renewal link's form: confirm, and correct the organisation's and one's own details."""

    ORGANISATION_FIELDS = (
        "name", "email", "phone", "website", "street_address", "postal_code", "postal_town",
        "locality",
    )  # fmt: skip

    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    email = forms.EmailField(label=_("The organisation's e-mail address"), required=False)
    phone = forms.CharField(label=_("The organisation's phone"), max_length=24, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    street_address = forms.CharField(label=_("Street address"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=6, required=False)
    postal_town = forms.CharField(label=_("Postal town"), max_length=100, required=False)
    locality = forms.CharField(label=_("Village or locality"), max_length=100, required=False)
    contact_email = forms.EmailField(label=_("Your e-mail address"))
    contact_phone = forms.CharField(label=_("Your phone"), max_length=24, required=False)

    def __init__(
        self, *args: Any, organisation: Organisation, person: Person | None, **kwargs: Any
    ) -> None:
        initial = {name: getattr(organisation, name) for name in self.ORGANISATION_FIELDS}
        if person is not None:
            initial.update(contact_email=person.email, contact_phone=person.phone)
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.person = person
        if person is None:
            del self.fields["contact_email"]
            del self.fields["contact_phone"]

    def organisation_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.ORGANISATION_FIELDS}

    def person_data(self) -> dict[str, Any]:
        if self.person is None:
            return {}
        return {
            "email": self.cleaned_data["contact_email"],
            "phone": self.cleaned_data["contact_phone"],
        }


# Staff forms


class MembershipFilterForm(forms.Form):
    ar = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2999, required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *Membership.Status.choices],
    )


class MembershipForm(forms.Form):
    """Fee, invoice and payment, and the status (only the moves the service allows)."""

    status = forms.ChoiceField(label=_("Status"))
    fee = forms.DecimalField(
        label=_("Fee (SEK)"), max_digits=9, decimal_places=2, min_value=0, required=False
    )
    invoiced_on = forms.DateField(label=_("Invoiced"), required=False, widget=DateInput())
    paid_on = forms.DateField(label=_("Paid"), required=False, widget=DateInput())

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "status": membership.status,
                "fee": membership.fee,
                "invoiced_on": membership.invoiced_on,
                "paid_on": membership.paid_on,
            },
        )
        super().__init__(*args, **kwargs)
        labels = dict(Membership.Status.choices)
        choice_field(self, "status").choices = [
            (status, labels[status]) for status in next_statuses(membership)
        ]


class RegisterMembershipForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2999)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (Membership.Status.ACTIVE, Membership.Status.ACTIVE.label),
            (Membership.Status.APPLIED, Membership.Status.APPLIED.label),
        ],
    )
    fee = forms.DecimalField(
        label=_("Fee (SEK)"), max_digits=9, decimal_places=2, min_value=0, required=False
    )
    invoiced_on = forms.DateField(label=_("Invoiced"), required=False, widget=DateInput())
    paid_on = forms.DateField(label=_("Paid"), required=False, widget=DateInput())

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organisation").queryset = Organisation.objects.for_network(
            network
        ).order_by("name", "pk")


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the applicant)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RenewalYearForm(forms.Form):
    year = forms.IntegerField(min_value=1900, max_value=2999, widget=forms.HiddenInput)
