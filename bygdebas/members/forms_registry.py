"""Forms of the registry's staff pages: list filters, organisations, people and their roles.

The edit forms are ModelForms without an instance: they validate the fields and hand the cleaned
values to ``members.services.registry``, which saves them and audits what changed (a bound
instance would be changed in place before the service could see the old values).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from bygdebas.core.forms import model_choice_field
from bygdebas.core.models import Municipality
from bygdebas.members.filters import NO_MEMBERSHIP, ORGANISATION_SORTS, PERSON_SORTS
from bygdebas.members.models import Engagement, Membership, Organisation, Person, Tag
from bygdebas.members.normalise import normalise_org_number, normalise_phone
from bygdebas.members.services.registry import ORGANISATION_FIELDS, PERSON_FIELDS

if TYPE_CHECKING:
    from collections.abc import Iterator

    from bygdebas.core.models import Network


# --- Quick rendering of the registry's forms ------------------------------------------------------


def _e(value: Any) -> str:
    """``conditional_escape`` without its lazy-string wrapper, which a 5,000-option menu feels."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def _attrs(attrs: dict[str, Any]) -> str:
    """``django/forms/attrs.html`` in Python: `` name="value"``, bare for True, none for False."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {name}")
        elif value is not False and value is not None:
            parts.append(f' {name}="{_e(value)}"')
    return "".join(parts)


def _input(context: dict[str, Any]) -> str:
    widget = context["widget"]
    value = widget["value"]
    shown = "" if value is None else f' value="{_e(value)}"'
    return f'<input type="{_e(widget["type"])}" name="{_e(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'


def _select(context: dict[str, Any]) -> str:
    widget = context["widget"]
    parts = [f'<select name="{_e(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'<optgroup label="{_e(group_name)}">')
        parts.extend(
            f'<option value="{_e(option["value"])}"{" selected" if option["selected"] else ""}>'
            f"{_e(option['label'])}</option>"
            if not option["attrs"] or option["attrs"] == {"selected": True}
            else f'<option value="{_e(option["value"])}"{_attrs(option["attrs"])}>'
            f"{_e(option['label'])}</option>"
            for option in options
        )
        if group_name:
            parts.append("</optgroup>")
    parts.append("</select>")
    return "".join(parts)


def _label(context: dict[str, Any]) -> str:
    if not context["use_tag"]:
        return _e(context["label"])
    tag = context["tag"]
    return f"<{tag}{_attrs(context['attrs'])}>{_e(context['label'])}</{tag}>"


def _errors(context: dict[str, Any]) -> str:
    errors = context["errors"]
    if not errors:
        return ""
    field_id = getattr(errors, "field_id", None)
    shown = f' id="{_e(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{_e(error)}</li>" for error in errors)
    return f'<ul class="{_e(context["error_class"])}"{shown}>{items}</ul>'


_INPUTS = ("text", "search", "number", "email", "hidden", "url", "tel", "input")
QUICK_TEMPLATES = {
    **{f"django/forms/widgets/{name}.html": _input for name in _INPUTS},
    "django/forms/widgets/select.html": _select,
    "django/forms/label.html": _label,
    "django/forms/errors/list/default.html": _errors,
    "django/forms/errors/list/ul.html": _errors,
}


class QuickRenderer(DjangoTemplates):
    """Django's form templates for inputs, selects, labels and error lists, written in Python.

    The same HTML as the templates (without their whitespace), for a fraction of the time: the
    template engine costs about a millisecond a widget and far more for a select with many
    options, which the list pages' filter forms and the person page's organisation menu are.
    Anything else is rendered by the templates as usual.
    """

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        quick = QUICK_TEMPLATES.get(template_name)
        if quick is None:
            return super().render(template_name, context, request=request)
        return SafeString(quick(context))


QUICK_RENDERER = QuickRenderer()


def _sort_choices(sorts: dict[str, tuple[str, ...]], labels: dict[str, Any]) -> list:
    choices: list[tuple[str, Any]] = [("", _("Name"))]
    for key in sorts:
        if key != "name":
            choices.append((key, labels[key]))
    return choices


class _FetchedChoices(ModelChoiceIterator):
    """A short menu's choices from one plain query.

    Django's iterator reads with ``QuerySet.iterator()``, which on PostgreSQL is a server-side
    cursor: three round trips (DECLARE, FETCH, CLOSE) for a dozen rows.
    """

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ShortModelChoiceField(forms.ModelChoiceField):
    """A choice of a few rows (municipalities, tags).

    The rows are read once a form: the menu and the validation of the chosen value share them
    (Django would look the value up with a query of its own).
    """

    iterator = _FetchedChoices

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        key = self.to_field_name or "pk"
        rows = self.queryset
        assert rows is not None, "the form sets the rows"
        if isinstance(value, rows.model):
            value = getattr(value, key)
        for obj in rows:
            if str(getattr(obj, key)) == str(value):
                return obj
        raise ValidationError(
            self.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": value},
        )


class MunicipalityChoiceField(ShortModelChoiceField):
    """A municipality chosen by its code, so that filter links stay readable."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=Municipality.objects.none(), to_field_name="code", required=False, **kwargs
        )


class OrganisationFilterForm(forms.Form):
    default_renderer = QUICK_RENDERER
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
    tag = ShortModelChoiceField(
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
        model_choice_field(self, "municipality").queryset = network.municipalities()
        model_choice_field(self, "tag").queryset = Tag.objects.for_network(network)

    def clean_sort(self) -> str:
        sort = self.cleaned_data.get("sort") or ""
        return sort if sort.lstrip("-") in ORGANISATION_SORTS else ""


class PersonFilterForm(forms.Form):
    default_renderer = QUICK_RENDERER
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
        model_choice_field(self, "municipality").queryset = network.municipalities()

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
        model_choice_field(self, "municipality").queryset = network.municipalities()

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


class _NameChoices(ModelChoiceIterator):
    """The choices (pk, name) straight from the database, without a model instance each."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", "name")


class _LongSelect(forms.Select):
    """A select of thousands of plain options: one small dict an option, no per-option attrs."""

    def optgroups(self, name: str, value: list[str], attrs: Any = None) -> list:
        chosen = set(value)
        options = []
        for option_value, label in self.choices:
            selected = str(option_value) in chosen
            options.append(
                {
                    "value": option_value,
                    "label": label,
                    "selected": selected,
                    "attrs": {"selected": True} if selected else {},
                }
            )
        return [(None, options, 0)]


class OrganisationChoiceField(forms.ModelChoiceField):
    """An organisation of the network chosen by name, from a menu of thousands."""

    iterator = _NameChoices
    widget = _LongSelect


class PersonEngagementForm(forms.Form):
    """Give this person a role in one of the network's organisations."""

    default_renderer = QUICK_RENDERER

    organisation = OrganisationChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=Engagement.Role.choices, initial=Engagement.Role.CONTACT
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A menu of every organisation: only what an option needs, ordered by name.
        model_choice_field(self, "organisation").queryset = (
            Organisation.objects.for_network(network).only("pk", "name").order_by("name", "pk")
        )


class StatisticsYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200, required=False)
