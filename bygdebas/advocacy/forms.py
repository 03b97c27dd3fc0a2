"""Forms of the advocacy app: sources, the inbox, cases, positions, issues raised nationally."""

from __future__ import annotations

import contextlib
import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bygdebas.advocacy.models import Case, Entry, NationalIssue, Source, Topic
from bygdebas.advocacy.services.cases import MOVES
from bygdebas.core.access import WRITE_ROLES
from bygdebas.core.forms import choice_field, model_choice_field
from bygdebas.core.models import Network, User
from bygdebas.core.public_forms import PublicFormMixin
from bygdebas.core.uploads import ATTACHMENT_EXTENSIONS, check_upload
from bygdebas.plan.fields import ActivityChoiceField, activities_by_area, plan_activities
from bygdebas.plan.models import Activity, Area, Plan


def staff_users(network: Network) -> Any:
    return User.objects.with_role_in(network, WRITE_ROLES).order_by("first_name", "email")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.email


class OwnIdsForm(forms.Form):
    """Forms that share the case page get ids of their own (no two fields with one id)."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class SourceForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = ("name", "url", "keywords", "exclusions", "is_active")
        widgets = {
            "keywords": forms.Textarea(attrs={"rows": 3}),
            "exclusions": forms.Textarea(attrs={"rows": 2}),
        }


class EntryForm(forms.Form):
    relevance = forms.ChoiceField(label=_("Relevance"), choices=Entry.Relevance.choices)
    assigned_to = StaffChoiceField(
        label=_("Assigned to"), queryset=User.objects.none(), required=False
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "assigned_to").queryset = staff_users(network)


class TopicForm(forms.Form):
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.none(), required=False)
    name = forms.CharField(label=_("Or a new topic"), max_length=100, required=False)

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "topic").queryset = Topic.objects.for_network(network)


class CaseForm(forms.ModelForm):
    responsible = StaffChoiceField(
        label=_("Responsible"), queryset=User.objects.none(), required=False
    )
    activities = ActivityChoiceField(
        label=_("Plan activities it serves"),
        queryset=Activity.objects.none(),
        required=False,
        help_text=_("From the plan for the year the case came; the answer is logged against them."),
    )

    class Meta:
        model = Case
        fields = (
            "authority",
            "title",
            "reference",
            "received_on",
            "deadline_on",
            "responsible",
            "topic",
            "activities",
        )
        widgets = {
            "received_on": forms.DateInput(attrs={"type": "date"}),
            "deadline_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, network: Network, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "responsible").queryset = staff_users(network)
        model_choice_field(self, "topic").queryset = Topic.objects.for_network(network)
        if self.is_bound:
            received = self.data.get(self.add_prefix("received_on"), "")
            with contextlib.suppress(ValueError):
                year = datetime.date.fromisoformat(str(received)).year
        self.plan = Plan.objects.for_network(network).filter(year=year).first()
        model_choice_field(self, "activities").queryset = plan_activities(self.plan)

    def grouped_activities(self) -> list[tuple[Area, list[Any]]]:
        return activities_by_area(self)


class MoveForm(OwnIdsForm):
    id_prefix = "move"
    status = forms.ChoiceField(label=_("Move to"))
    reason = forms.CharField(
        label=_("Reason for declining"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Case.Status.choices)
        choice_field(self, "status").choices = [(s, labels[s]) for s in MOVES[case.status]]


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_("Markdown. Every save keeps a version."),
    )


class CommentForm(OwnIdsForm):
    id_prefix = "comment"
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class DocumentForm(OwnIdsForm):
    id_prefix = "doc"
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"), required=False)
    url = forms.URLField(
        label=_("Or a link"), max_length=1000, required=False, assume_scheme="https"
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        return check_upload(upload, ATTACHMENT_EXTENSIONS) if upload else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("file") and not data.get("url") and not self.errors:
            raise forms.ValidationError(_("Upload a file or give a link."))
        return data


class ReviewForm(OwnIdsForm):
    id_prefix = "review"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("send_back", _("Send back"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("What should change"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class SentForm(OwnIdsForm):
    id_prefix = "sent"
    sent_on = forms.DateField(label=_("Sent on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sent_on"].initial = timezone.localdate()


class PublishForm(OwnIdsForm):
    id_prefix = "publish"
    title = forms.CharField(label=_("Title of the position"), max_length=300, required=False)


class PositionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 14}), help_text=_("Markdown.")
    )
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.none(), required=False)
    new_topic = forms.CharField(label=_("Or a new topic"), max_length=100, required=False)
    published_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    is_published = forms.BooleanField(label=_("Published on the public site"), required=False)

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.network = network
        model_choice_field(self, "topic").queryset = Topic.objects.for_network(network)

    def chosen_topic(self) -> Topic | None:
        name = self.cleaned_data.get("new_topic", "").strip()
        if name:
            topic, _created = Topic.objects.for_network(self.network).get_or_create(
                name=name, defaults={"network": self.network}
            )
            return topic
        chosen: Topic | None = self.cleaned_data.get("topic")
        return chosen


class NationalIssueForm(forms.ModelForm):
    class Meta:
        model = NationalIssue
        fields = ("kind", "title", "text", "raised_on", "channel", "status", "outcome")
        widgets = {
            "raised_on": forms.DateInput(attrs={"type": "date"}),
            "text": forms.Textarea(attrs={"rows": 6}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }


class ContributionForm(PublicFormMixin, forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your e-mail address"))
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    text = forms.CharField(label=_("Your views"), widget=forms.Textarea(attrs={"rows": 10}))


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)


class PositionFilterForm(SearchForm):
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.none(), required=False)

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "topic").queryset = Topic.objects.for_network(network)


class InboxFilterForm(forms.Form):
    relevance = forms.ChoiceField(
        label=_("Relevance"),
        choices=[("", _("All")), *Entry.Relevance.choices],
        required=False,
    )
    source = forms.ModelChoiceField(
        label=_("Source"), queryset=Source.objects.none(), required=False
    )
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "source").queryset = Source.objects.for_network(network)

    def filter(self, entries: Any, user: User) -> Any:
        if not self.is_valid():
            return entries
        data = self.cleaned_data
        if data.get("relevance"):
            entries = entries.filter(relevance=data["relevance"])
        if data.get("source"):
            entries = entries.filter(source=data["source"])
        if data.get("mine"):
            entries = entries.filter(assigned_to=user)
        return entries
