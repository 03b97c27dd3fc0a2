"""Forms of the newsletter app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from bygdebas.core.forms import model_choice_field
from bygdebas.core.images import ImageFormMixin
from bygdebas.core.models import Municipality, Network
from bygdebas.core.public_forms import PublicFormMixin
from bygdebas.newsletter.models import Issue, Item, Topic


def _topics(network: Network) -> Any:
    return Topic.objects.for_network(network)


class SubscribeForm(PublicFormMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    name = forms.CharField(label=_("Name (optional)"), max_length=200, required=False)
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics of interest"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality (optional)"), queryset=Municipality.objects.none(), required=False
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "topics").queryset = _topics(network)
        model_choice_field(self, "municipality").queryset = network.municipalities()


class PreferencesForm(forms.Form):
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics of interest"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_paused = forms.BooleanField(label=_("Pause the newsletter for now"), required=False)

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "topics").queryset = _topics(network)


class ItemForm(ImageFormMixin, forms.ModelForm):
    class Meta:
        model = Item
        fields = ["title", "text", "link", "topic"]

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "topic").queryset = _topics(network)


class ItemEditForm(forms.ModelForm):
    """What staff may change when approving a member's item."""

    class Meta:
        model = Item
        fields = ["title", "text", "link"]


class IssueForm(forms.ModelForm):
    class Meta:
        model = Issue
        fields = [
            "title",
            "introduction",
            "segment_topics",
            "segment_municipalities",
            "segment_member_contacts",
        ]
        widgets = {
            "segment_topics": forms.CheckboxSelectMultiple,
            "segment_municipalities": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "segment_topics").queryset = _topics(network)
        model_choice_field(self, "segment_municipalities").queryset = network.municipalities()


class NewIssueForm(forms.ModelForm):
    class Meta:
        model = Issue
        fields = ["title", "introduction"]


class ScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("Send at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty to keep the issue as a draft."),
    )


class InsertForm(forms.Form):
    """One click in the composer: an item, an upcoming event or a logged action."""

    item = forms.IntegerField(required=False)
    event = forms.CharField(required=False, max_length=40)
    action = forms.IntegerField(required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = [name for name in ("item", "event", "action") if cleaned.get(name)]
        if len(chosen) != 1:
            raise forms.ValidationError(_("Choose one thing to insert."))
        return cleaned


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("List (.xlsx or .csv)"),
        validators=[FileExtensionValidator(["xlsx", "csv"])],
        help_text=_(
            "Columns: email, name, legal_basis (consent, contract or legitimate interest). "
            "Everyone imported gets a mail asking them to confirm; those who do not are never "
            "sent the newsletter."
        ),
    )


class TickForm(forms.Form):
    subscribe = forms.BooleanField(label=_("Send me the newsletter"), required=True)
