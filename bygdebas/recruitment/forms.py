"""Forms for prospects, their contact log, moving them on the board and making them members."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bygdebas.core.forms import choice_field, model_choice_field
from bygdebas.core.models import Municipality, Network, User
from bygdebas.core.phone import normalise_phone
from bygdebas.members.models import Membership, Organisation
from bygdebas.members.normalise import name_key
from bygdebas.plan.fields import ActivityChoiceField, activities_by_area
from bygdebas.plan.models import Activity, Area, Plan
from bygdebas.recruitment.models import Prospect, ProspectContact, Status
from bygdebas.recruitment.services import (
    allowed_moves,
    find_recruitment_activities,
    responsible_choices,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ResponsibleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.email


class ProspectForm(forms.ModelForm):
    responsible = ResponsibleChoiceField(
        label=_("Responsible"), queryset=User.objects.none(), required=False
    )

    class Meta:
        model = Prospect
        fields = [
            "name",
            "municipality",
            "locality",
            "is_youth_focus",
            "contact_name",
            "contact_email",
            "contact_phone",
            "responsible",
            "next_step",
            "next_step_on",
            "notes",
        ]
        widgets = {"next_step_on": DATE_WIDGET, "notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "municipality").queryset = network.municipalities()
        model_choice_field(self, "responsible").queryset = responsible_choices(network)

    def clean_contact_phone(self) -> str:
        return normalise_phone(self.cleaned_data.get("contact_phone") or "")

    def _post_clean(self) -> None:
        # The service validates and saves; the form must not touch the instance.
        pass


class ProspectFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    responsible = ResponsibleChoiceField(
        label=_("Responsible"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Anyone"),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("All municipalities"),
    )
    youth = forms.BooleanField(label=_("Youth focus only"), required=False)
    overdue = forms.BooleanField(label=_("Overdue next step only"), required=False)

    def __init__(self, *args: Any, network: Network, with_status: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choice_field(self, "status").choices = [("", _("All")), *Status.choices]
        model_choice_field(self, "responsible").queryset = responsible_choices(network)
        model_choice_field(self, "municipality").queryset = network.municipalities()
        if not with_status:
            del self.fields["status"]

    def filter(self, prospects: Any, today: datetime.date) -> Any:
        """``prospects`` narrowed to what the form asks for (all of them when it is invalid)."""
        if not self.is_valid():
            return prospects
        data = self.cleaned_data
        if data.get("q"):
            needle = data["q"].strip()
            prospects = prospects.filter(name__icontains=needle) | prospects.filter(
                locality__icontains=needle
            )
        if data.get("status"):
            prospects = prospects.filter(status=data["status"])
        if data.get("responsible"):
            prospects = prospects.filter(responsible=data["responsible"])
        if data.get("municipality"):
            prospects = prospects.filter(municipality=data["municipality"])
        if data.get("youth"):
            prospects = prospects.filter(is_youth_focus=True)
        if data.get("overdue"):
            prospects = prospects.overdue(today)
        return prospects


class MoveForm(forms.Form):
    status = forms.ChoiceField(label=_("Move to"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("Needed when a prospect goes back, or is reopened."),
    )

    def __init__(self, *args: Any, prospect: Prospect, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Status.choices)
        choice_field(self, "status").choices = [(s, labels[s]) for s in allowed_moves(prospect)]
        self.fields["status"].widget.attrs["id"] = f"id_status_{prospect.pk}"
        self.fields["reason"].widget.attrs["id"] = f"id_reason_{prospect.pk}"


class PlanActivitiesForm(forms.Form):
    """A form whose activities come from the network's plan for the year of its date field.

    A bound form takes the year of the submitted date, an unbound one the ``year`` it is given;
    the activities the recruitment finder picks are ticked when nothing else is.
    """

    date_field = "happened_on"
    activities = ActivityChoiceField(
        label=_("Plan activities it served"),
        queryset=Activity.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": _(
                "The activities must come from the plan for the date's year. Choose again below."
            )
        },
    )

    def setup_activities(self, network: Network, year: int, chosen: list[int] | None) -> None:
        if self.is_bound:
            year = self._submitted_year() or year
        self.year = year
        self.plan = Plan.objects.for_network(network).filter(year=year).first()
        model_choice_field(self, "activities").queryset = (
            Activity.objects.filter(area__plan=self.plan)
            .select_related("area")
            .order_by("area__order", "area_id", "order", "pk")
        )
        if not self.is_bound and self.plan is not None:
            self.initial["activities"] = chosen or [
                a.pk for a in find_recruitment_activities(network, year)
            ]

    def _submitted_year(self) -> int | None:
        try:
            value = self.fields[self.date_field].clean(
                self.data.get(self.add_prefix(self.date_field))
            )
        except ValidationError:
            return None
        return value.year if value else None

    def require_activities(self, data: dict[str, Any]) -> None:
        on: datetime.date | None = data.get(self.date_field)
        if on is None:
            return
        if self.plan is None:
            self.add_error(
                self.date_field,
                _(
                    "There is no plan for %(year)s to log this against. Import or create the plan "
                    "for %(year)s first, or log it as a note."
                )
                % {"year": on.year},
            )
        elif not data.get("activities") and "activities" not in self.errors:
            self.add_error("activities", _("Choose at least one plan activity it served."))

    def grouped_activities(self) -> list[tuple[Area, list[Any]]]:
        """The activity checkboxes grouped under their area, for the template."""
        return activities_by_area(self)


class ContactForm(PlanActivitiesForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (ProspectContact.Kind.CONTACT, ProspectContact.Kind.CONTACT.label),
            (ProspectContact.Kind.MEETING, ProspectContact.Kind.MEETING.label),
            (ProspectContact.Kind.NOTE, ProspectContact.Kind.NOTE.label),
        ],
        widget=forms.RadioSelect,
        help_text=_("Contacts and meetings are logged as actions in the plan follow-up."),
    )
    happened_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    text = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    participants = forms.IntegerField(
        label=_("Number of participants"), min_value=0, required=False
    )

    field_order = ["kind", "happened_on", "text", "participants", "activities"]

    def __init__(
        self,
        *args: Any,
        prospect: Prospect,
        contact: ProspectContact | None = None,
        **kwargs: Any,
    ) -> None:
        if contact is not None:
            kwargs.setdefault(
                "initial",
                {
                    "kind": contact.kind,
                    "happened_on": contact.happened_on,
                    "text": contact.text,
                    "participants": contact.participants,
                },
            )
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.initial.setdefault("happened_on", today)
        self.initial.setdefault("kind", ProspectContact.Kind.CONTACT)
        chosen = None
        if contact is not None and contact.action_id is not None:
            chosen = list(
                Activity.objects.filter(actions=contact.action_id).values_list("pk", flat=True)
            )
        year = contact.happened_on.year if contact else today.year
        self.setup_activities(prospect.network, year, chosen)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") in {ProspectContact.Kind.CONTACT, ProspectContact.Kind.MEETING}:
            self.require_activities(data)
        return data


class ConvertForm(PlanActivitiesForm):
    date_field = "converted_on"
    organisation = forms.ModelChoiceField(
        label=_("Already in the registry as"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("No: add it as a new organisation"),
        help_text=_(
            "If the group is already in the registry, choose it instead of adding it twice."
        ),
    )
    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=Organisation.Kind.choices,
        initial=Organisation.Kind.LOCAL_GROUP,
    )
    is_youth_led = forms.BooleanField(label=_("Youth-led"), required=False)
    membership_status = forms.ChoiceField(
        label=_("Membership"),
        choices=[
            (Membership.Status.ACTIVE, Membership.Status.ACTIVE.label),
            (Membership.Status.APPLIED, Membership.Status.APPLIED.label),
        ],
        initial=Membership.Status.ACTIVE,
    )
    converted_on = forms.DateField(label=_("Became a member on"), widget=DATE_WIDGET)

    field_order = [
        "organisation",
        "kind",
        "is_youth_led",
        "membership_status",
        "converted_on",
        "activities",
    ]

    def __init__(self, *args: Any, prospect: Prospect, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        network = prospect.network
        # The likely duplicates: the same name written differently, or a group in the same place.
        alike = Q(name_key=name_key(prospect.name))
        if prospect.municipality_id is not None:
            alike |= Q(municipality_id=prospect.municipality_id)
        model_choice_field(self, "organisation").queryset = (
            Organisation.objects.for_network(network).filter(alike).order_by("name", "pk")
        )
        today = timezone.localdate()
        self.initial.setdefault("converted_on", today)
        self.initial.setdefault("is_youth_led", prospect.is_youth_focus)
        self.setup_activities(network, today.year, None)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.require_activities(data)
        return data
