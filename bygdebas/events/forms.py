from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bygdebas.core.forms import choice_field, model_choice_field
from bygdebas.core.models import Municipality, Network
from bygdebas.core.public_forms import PublicFormMixin
from bygdebas.core.uploads import ATTACHMENT_EXTENSIONS, check_upload
from bygdebas.events.models import SDG_CHOICES, Event, EventQuerySet, Question, Registration
from bygdebas.plan.fields import ActivityChoiceField, activities_by_area
from bygdebas.plan.models import Activity, Area, Plan

# Public forms


class CalendarFilterForm(forms.Form):
    """The calendar's filters, sent by GET so the page works (and can be linked) without JS."""

    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Event.Kind.choices]
    )
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("Physical and digital")), *Event.Format.choices],
    )

    def __init__(self, data: Any, *, municipalities: Iterable[Municipality]) -> None:
        super().__init__(data)
        self.municipalities = list(municipalities)
        choice_field(self, "municipality").choices = [
            ("", _("All municipalities")),
            *((m.code, m.name) for m in self.municipalities),
        ]

    def filter(self, events: EventQuerySet) -> EventQuerySet:
        """``events`` narrowed by the valid filters; an invalid one is ignored (and shown)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("municipality"):
            events = events.filter(municipality__code=data["municipality"])
        if data.get("kind"):
            events = events.filter(kind=data["kind"])
        if data.get("format"):
            events = events.filter(format=data["format"])
        return events

    def querystring(self) -> str:
        """The valid filters as a query string, for links that keep them (pages, months)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return urlencode({key: value for key, value in data.items() if value})


class RegistrationForm(PublicFormMixin, forms.Form):
    """Name, e-mail, organisation and one field per question of the event."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("The confirmation and your personal link to the registration are sent here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )

    def __init__(self, *args: Any, questions: Sequence[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[self.question_field(question)] = forms.CharField(
                label=question.label,
                required=question.is_required,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @staticmethod
    def question_field(question: Question) -> str:
        return f"question_{question.pk}"

    def answers(self) -> dict[str, str]:
        """Answers keyed by the question's wording: questions are re-created when staff edit
        an event, so their ids do not last, and the participant list shows the wording."""
        answers = {}
        for question in self.questions:
            value = self.cleaned_data.get(self.question_field(question), "").strip()
            if value:
                answers[question.label] = value
        return answers


# Staff forms


class DateTimeLocalInput(forms.DateTimeInput):
    """A browser date-and-time picker; without JavaScript it is still a plain text field."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class EventForm(forms.ModelForm):
    """The event's facts, with its plan activities from the plan of the event's year."""

    sdgs = forms.TypedMultipleChoiceField(
        label=_("Agenda 2030 goals"),
        choices=SDG_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    activities = ActivityChoiceField(
        label=_("Plan activities it serves"), queryset=Activity.objects.none(), required=False
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "description",
            "kind",
            "format",
            "status",
            "starts_at",
            "ends_at",
            "place_name",
            "address",
            "municipality",
            "lat",
            "lon",
            "video_url",
            "organisers",
            "target_groups",
            "sdgs",
            "activities",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "is_members_only",
            "is_open_to_networks",
            "offer_hours",
            "reminder_days",
            "follow_up_message",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "follow_up_message": forms.Textarea(attrs={"rows": 4}),
            "starts_at": DateTimeLocalInput(),
            "ends_at": DateTimeLocalInput(),
            "registration_opens_at": DateTimeLocalInput(),
            "registration_closes_at": DateTimeLocalInput(),
        }

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.network = network
        if self.instance.status != Event.Status.CANCELLED:
            # Cancelling is its own page, because everyone registered is told.
            choice_field(self, "status").choices = [
                (Event.Status.DRAFT, Event.Status.DRAFT.label),
                (Event.Status.PUBLISHED, Event.Status.PUBLISHED.label),
            ]
        model_choice_field(self, "municipality").queryset = network.municipalities()
        self.fields["lat"].widget.attrs["step"] = "any"
        self.fields["lon"].widget.attrs["step"] = "any"
        self.year = self._year()
        self.plan = Plan.objects.for_network(network).filter(year=self.year).first()
        model_choice_field(self, "activities").queryset = (
            Activity.objects.for_network(network)
            .select_related("area__plan")
            .order_by("area__order", "area_id", "order", "pk")
        )

    def _year(self) -> int:
        """The year whose plan activities are offered: that of the (submitted) start."""
        if self.is_bound:
            try:
                starts_at = self.fields["starts_at"].clean(
                    self.data.get(self.add_prefix("starts_at"))
                )
            except ValidationError:
                starts_at = None
            if starts_at:
                return timezone.localtime(starts_at).year
        if self.instance.starts_at:
            return timezone.localtime(self.instance.starts_at).year
        return timezone.localdate().year

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_at = data.get("starts_at")
        if starts_at and data.get("activities"):
            year = timezone.localtime(starts_at).year
            wrong = [a for a in data["activities"] if a.area.plan.year != year]
            if wrong:
                self.add_error(
                    "activities",
                    _("The event is in %(year)s; choose activities from the plan for %(year)s.")
                    % {"year": year},
                )
        return data

    def grouped_activities(self) -> list[tuple[Area, list[Any]]]:
        """The checkboxes of the year's activities, grouped under their area."""
        return activities_by_area(self, keep=lambda activity: activity.area.plan.year == self.year)

    def event_data(self) -> dict[str, Any]:
        """The cleaned fields for ``save_event`` (activities go separately)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "activities"}


class QuestionForm(forms.Form):
    label = forms.CharField(label=_("Question"), max_length=200, required=False)
    is_required = forms.BooleanField(label=_("Required"), required=False)


QuestionFormSet = forms.formset_factory(QuestionForm, extra=2, can_delete=True, max_num=20)


def chosen_questions(formset: Any) -> list[dict[str, Any]]:
    """The questions left after removing blank and deleted rows, in order."""
    return [
        {
            "label": form.cleaned_data["label"].strip(),
            "is_required": form.cleaned_data["is_required"],
        }
        for form in formset.forms
        if form.cleaned_data
        and not form.cleaned_data.get("DELETE")
        and form.cleaned_data.get("label", "").strip()
    ]


class AttendanceForm(forms.Form):
    attended = forms.TypedMultipleChoiceField(
        label=_("Attended"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED)
        choice_field(self, "attended").choices = list(confirmed.values_list("pk", "name"))


class CancelEventForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the participants"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("Sent with the cancellation to everyone registered, also those waiting."),
    )


class MessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 10}))
    include_waiting = forms.BooleanField(
        label=_("Also send to those on the waiting list"), required=False
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one ``<input type="file" multiple>``, cleaned to a list."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single_file_clean = super().clean
        uploads = data if isinstance(data, list | tuple) else [data]
        return [f for f in (single_file_clean(upload, initial) for upload in uploads) if f]


class OutcomeForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes and outcome"), widget=forms.Textarea(attrs={"rows": 10}), required=False
    )
    participant_count = forms.IntegerField(
        label=_("Number of participants"), min_value=0, required=False
    )
    attachments = MultipleFileField(
        label=_("Add attachments"),
        required=False,
        help_text=_("Minutes, photos, presentations… You can choose several files at once."),
    )

    def clean_attachments(self) -> list[Any]:
        uploads: list[Any] = self.cleaned_data["attachments"]
        errors: list[str] = []
        for upload in uploads:
            try:
                check_upload(upload, ATTACHMENT_EXTENSIONS)
            except ValidationError as error:
                errors.extend(f"{upload.name}: {message}" for message in error.messages)
        if errors:
            raise ValidationError(errors)
        return uploads
