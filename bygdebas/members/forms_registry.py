"""Forms of the registry's staff pages: list filters, organisations, people and their roles.

The edit forms are ModelForms without an instance: they validate the fields and hand the cleaned
values to ``members.services.registry``, which saves them and audits what changed (a bound
instance would be changed in place before the service could see the old values).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bygdebas.core.models import Municipality
from bygdebas.members.filters import NO_MEMBERSHIP, ORGANISATION_SORTS, PERSON_SORTS
from bygdebas.members.models import Engagement, Membership, Organisation, Person, Tag
from bygdebas.members.normalise import normalise_org_number, normalise_phone
from bygdebas.members.services.registry import ORGANISATION_FIELDS, PERSON_FIELDS

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from bygdebas.core.models import Network


def network_municipalities(network: Network) -> QuerySet[Municipality]:
    """The municipalities of the network's county (all of them when it has no county)."""
    municipalities = (
        Municipality.objects.all() if network.county_id is None else network.municipalities()
    )
    # The boundaries are big GeoJSON; lists and menus never need them.
    return municipalities.defer("boundary").order_by("name")


def _sort_choices(sorts: dict[str, tuple[str, ...]], labels: dict[str, Any]) -> list:
    choices: list[tuple[str, Any]] = [("", _("Name"))]
    for key in sorts:
        if key != "name":
            choices.append((key, labels[key]))
    return choices


class MunicipalityChoiceField(forms.ModelChoiceField):
    """A municipality chosen by its code, so that filter links stay readable."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=Municipality.objects.none(), to_field_name="code", required=False, **kwargs
        )


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Name, locality, organisation number or e-mail."),
        widget=forms.SearchInput(),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Organisation.Kind.choices]
    )
    municipality = MunicipalityChoiceField(label=_("Municipality"), empty_label=_("All"))
    year = forms.IntegerField(
        label=_("Membership year"), required=False, min_value=1900, max_value=2200
    )
    status = forms.ChoiceField(
        label=_("Membership"),
        required=False,
        choices=[
            ("", _("Any")),
            *Membership.Status.choices,
            (NO_MEMBERSHIP, _("No membership")),
        ],
    )
    tag = forms.ModelChoiceField(
        label=_("Tag"), queryset=Tag.objects.none(), required=False, empty_label=_("All")
    )
    youth_led = forms.ChoiceField(
        label=_("Youth-led"),
        required=False,
        choices=[("", _("Any")), ("yes", _("Yes")), ("no", _("No"))],
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = network_municipalities(network)  # type: ignore[attr-defined]
        self.fields["tag"].queryset = Tag.objects.filter(network=network)  # type: ignore[attr-defined]

    def clean_sort(self) -> str:
        sort = self.cleaned_data.get("sort") or ""
        return sort if sort.lstrip("-") in ORGANISATION_SORTS else ""


class PersonFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Name, e-mail or phone."),
        widget=forms.SearchInput(),
    )
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Engagement.Role.choices]
    )
    municipality = MunicipalityChoiceField(label=_("Municipality"), empty_label=_("All"))
    sort = forms.CharField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = network_municipalities(network)  # type: ignore[attr-defined]

    def clean_sort(self) -> str:
        sort = self.cleaned_data.get("sort") or ""
        return sort if sort.lstrip("-") in PERSON_SORTS else ""


class OrganisationForm(forms.ModelForm):
    tag_names = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separate tags with commas, e.g. “bygdegård, ungdom”."),
    )

    class Meta:
        model = Organisation
        fields = ORGANISATION_FIELDS
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 4}),
            "latitude": forms.NumberInput(attrs={"step": "any"}),
            "longitude": forms.NumberInput(attrs={"step": "any"}),
        }
        help_texts = {
            "latitude": _("Decimal degrees (WGS 84), e.g. 59.2741."),
            "longitude": _("Decimal degrees (WGS 84), e.g. 15.2066."),
        }

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = network_municipalities(network)  # type: ignore[attr-defined]

    def clean_org_number(self) -> str:
        return normalise_org_number(self.cleaned_data.get("org_number") or "")

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data.get("phone") or "")

    def clean_tag_names(self) -> list[str]:
        names = [name.strip() for name in (self.cleaned_data.get("tag_names") or "").split(",")]
        names = [name for name in names if name]
        if too_long := [name for name in names if len(name) > 60]:
            raise ValidationError(
                _("A tag can be at most 60 characters: “%(tag)s”."), params={"tag": too_long[0]}
            )
        return names

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        has_lat = cleaned.get("latitude") is not None
        has_lon = cleaned.get("longitude") is not None
        if has_lat != has_lon:
            raise ValidationError(_("Give both latitude and longitude, or neither."))
        return cleaned

    def organisation_data(self) -> dict[str, Any]:
        """The values for create_organisation/update_organisation."""
        data = {name: self.cleaned_data[name] for name in ORGANISATION_FIELDS}
        data["tags"] = self.cleaned_data["tag_names"]
        return data

    @staticmethod
    def initial_for(organisation: Organisation) -> dict[str, Any]:
        initial = {name: getattr(organisation, name) for name in ORGANISATION_FIELDS}
        initial["municipality"] = organisation.municipality_id
        initial["tag_names"] = ", ".join(tag.name for tag in organisation.tags.all())
        return initial


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = PERSON_FIELDS

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data.get("phone") or "")

    def person_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PERSON_FIELDS}

    @staticmethod
    def initial_for(person: Person) -> dict[str, Any]:
        return {name: getattr(person, name) for name in PERSON_FIELDS}


class NewPersonForm(PersonForm):
    """A new person, with a role in an organisation straight away when one is given."""

    role = forms.ChoiceField(
        label=_("Role"), choices=Engagement.Role.choices, initial=Engagement.Role.CONTACT
    )

    class Meta(PersonForm.Meta):
        pass

    def __init__(self, *args: Any, organisation: Organisation | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisation is None:
            del self.fields["role"]
        else:
            self.fields["role"].label = _("Role in %(organisation)s") % {
                "organisation": organisation.name
            }


class EngagementForm(forms.Form):
    """Give an existing person of the network, found by e-mail address, a role here."""

    email = forms.EmailField(
        label=_("The person's e-mail address"),
        help_text=_("Someone already in the registry. Add new people with “New person”."),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=Engagement.Role.choices, initial=Engagement.Role.CONTACT
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.network = network

    def clean_email(self) -> Person:
        email = self.cleaned_data["email"].strip().lower()
        person = Person.objects.for_network(self.network).not_erased().filter(email=email).first()
        if person is None:
            raise ValidationError(_("Nobody in the registry has that e-mail address."))
        return person


class PersonEngagementForm(forms.Form):
    """Give this person a role in one of the network's organisations."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=Engagement.Role.choices, initial=Engagement.Role.CONTACT
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.for_network(network)  # type: ignore[attr-defined]


class StatisticsYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200, required=False)
