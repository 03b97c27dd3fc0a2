"""Forms of the knowledge bank: projects, funding, advice, calls, examples and the catalogue."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bygdebas.core.forms import model_choice_field
from bygdebas.core.images import ImageFormMixin
from bygdebas.core.models import Network
from bygdebas.core.phone import normalise_phone
from bygdebas.core.uploads import ATTACHMENT_EXTENSIONS, check_upload
from bygdebas.members.models import Organisation
from bygdebas.projects.models import (
    Advice,
    Example,
    FundingCall,
    Goal,
    Project,
    ProjectFunding,
    Theme,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CHECKBOXES = forms.CheckboxSelectMultiple


class ServiceValidatedForm(forms.ModelForm):
    """A model form whose service validates and saves: the form never touches the instance."""

    def _post_clean(self) -> None:
        pass

    def model_fields(self, *exclude: str) -> dict[str, Any]:
        """The cleaned values of the model's own (not many-to-many) fields."""
        m2m = {f.name for f in self._meta.model._meta.many_to_many}
        own = set(self._meta.fields or ()) - m2m - set(exclude)
        return {name: value for name, value in self.cleaned_data.items() if name in own}


def _organisations(network: Network) -> Any:
    return Organisation.objects.for_network(network).order_by("name")


class ProjectForm(ServiceValidatedForm):
    class Meta:
        model = Project
        fields = [
            "name",
            "description",
            "organisations",
            "other_organisations",
            "municipality",
            "locality",
            "lat",
            "lon",
            "starts_on",
            "ends_on",
            "status",
            "budget",
            "goals",
            "target_groups",
            "is_youth",
            "results",
            "result_figures",
        ]
        widgets = {
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
            "goals": CHECKBOXES,
            "description": forms.Textarea(attrs={"rows": 4}),
            "results": forms.Textarea(attrs={"rows": 4}),
            "result_figures": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "municipality").queryset = network.municipalities()
        model_choice_field(self, "organisations").queryset = _organisations(network)


class FundingForm(ServiceValidatedForm):
    class Meta:
        model = ProjectFunding
        fields = ["source", "funder", "amount", "hours"]


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"))

    def clean_file(self) -> Any:
        return check_upload(self.cleaned_data["file"], ATTACHMENT_EXTENSIONS)


class AdviceForm(ServiceValidatedForm):
    class Meta:
        model = Advice
        fields = [
            "given_on",
            "organisation",
            "project",
            "recipient",
            "topic",
            "hours",
            "notes",
            "follow_up_on",
        ]
        widgets = {
            "given_on": DATE_WIDGET,
            "follow_up_on": DATE_WIDGET,
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organisation").queryset = _organisations(network)
        model_choice_field(self, "project").queryset = Project.objects.for_network(network)


class CallForm(ServiceValidatedForm):
    class Meta:
        model = FundingCall
        fields = [
            "funder",
            "title",
            "url",
            "opens_on",
            "deadline_on",
            "eligible",
            "municipalities",
            "areas",
            "themes",
            "description",
        ]
        widgets = {
            "opens_on": DATE_WIDGET,
            "deadline_on": DATE_WIDGET,
            "municipalities": CHECKBOXES,
            "themes": CHECKBOXES,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "municipalities").queryset = network.municipalities()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        opens, deadline = cleaned.get("opens_on"), cleaned.get("deadline_on")
        if opens and deadline and deadline < opens:
            self.add_error("deadline_on", _("The deadline cannot be before the call opens."))
        return cleaned


EXAMPLE_FIELDS = [
    "title",
    "summary",
    "story",
    "municipality",
    "locality",
    "lat",
    "lon",
    "goals",
    "themes",
    "is_youth",
    "contact_name",
    "contact_email",
    "contact_phone",
    "has_contact_consent",
]
EXAMPLE_WIDGETS = {
    "summary": forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    "story": forms.Textarea(attrs={"rows": 12}),
    "goals": CHECKBOXES,
    "themes": CHECKBOXES,
}


class ExampleFormBase(ImageFormMixin, ServiceValidatedForm):
    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "municipality").queryset = network.municipalities()
        if self.instance.photo_id:
            self.fields["image_alt"].initial = self.instance.photo.alt_text

    def clean_contact_phone(self) -> str:
        return normalise_phone(self.cleaned_data.get("contact_phone") or "")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        has_contact = any(
            cleaned.get(name) for name in ("contact_name", "contact_email", "contact_phone")
        )
        if has_contact and not cleaned.get("has_contact_consent"):
            self.add_error(
                "has_contact_consent",
                _(
                    "Contact details are shown only with the person's consent: tick the box, or "
                    "leave them out."
                ),
            )
        return cleaned


class ExampleForm(ExampleFormBase):
    """Staff's form: everything, with the project and the organisations behind it."""

    class Meta:
        model = Example
        fields = [
            *EXAMPLE_FIELDS[:3],
            "project",
            "organisations",
            "other_organisations",
            *EXAMPLE_FIELDS[3:],
        ]
        widgets = EXAMPLE_WIDGETS

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, network=network, **kwargs)
        model_choice_field(self, "organisations").queryset = _organisations(network)
        model_choice_field(self, "project").queryset = Project.objects.for_network(network)


class SubmitExampleForm(ExampleFormBase):
    """A contact person's form: a photo is required, the organisation is chosen."""

    image_required = True
    organisation = forms.ModelChoiceField(
        label=_("Your organisation"), queryset=Organisation.objects.none()
    )

    class Meta:
        model = Example
        fields = EXAMPLE_FIELDS
        widgets = EXAMPLE_WIDGETS

    def __init__(self, *args: Any, network: Network, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, network=network, **kwargs)
        field = model_choice_field(self, "organisation")
        field.queryset = organisations
        if organisations.count() == 1:
            field.initial = organisations.first()
        self.order_fields(["organisation"])


class ResubmitExampleForm(ExampleFormBase):
    """The submitter's changes after staff asked for them; a new photo is optional."""

    class Meta:
        model = Example
        fields = [name for name in EXAMPLE_FIELDS if name not in ("lat", "lon")]
        widgets = EXAMPLE_WIDGETS


class CatalogueForm(forms.Form):
    """The public catalogue's search and filters."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    goal = forms.ModelChoiceField(
        label=_("Agenda 2030 goal"),
        queryset=Goal.objects.all(),
        required=False,
        empty_label=_("All"),
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"), queryset=Theme.objects.all(), required=False, empty_label=_("All")
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Goal.objects.none(), required=False, empty_label=_("All")
    )
    youth = forms.BooleanField(label=_("Children and young people"), required=False)

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "municipality").queryset = network.municipalities()

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "goal": data["goal"].pk if data.get("goal") else None,
            "theme": data["theme"].pk if data.get("theme") else "",
            "municipality": data["municipality"].pk if data.get("municipality") else None,
            "is_youth": bool(data.get("youth")),
        }

    def query(self) -> str:
        return (self.cleaned_data.get("q") or "").strip() if self.is_valid() else ""


class BookletForm(forms.Form):
    examples = forms.ModelMultipleChoiceField(
        label=_("Examples in the booklet"), queryset=Example.objects.none(), widget=CHECKBOXES
    )
    title = forms.CharField(label=_("Title"), max_length=120, initial=_("Good examples"))

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "examples").queryset = (
            Example.objects.for_network(network).published().order_by("title")
        )


class DigestForm(forms.Form):
    wanted = forms.BooleanField(label=_("Mail me new funding calls once a week"), required=False)


class ExampleModerationForm(forms.ModelForm):
    """What staff may edit when approving a submission: its moderated fields."""

    class Meta:
        model = Example
        fields = list(Example.moderated_fields)
        widgets = EXAMPLE_WIDGETS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "municipality").queryset = self.instance.network.municipalities()
