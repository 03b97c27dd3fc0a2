"""Forms for partnership bodies and their meetings."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bygdebas.core.forms import model_choice_field
from bygdebas.core.models import Network
from bygdebas.events.models import BodyMeeting, PartnershipBody
from bygdebas.plan.fields import ActivityChoiceField, activities_by_area, plan_activities
from bygdebas.plan.models import Activity, Area, Plan

# Words that mark the plan activity for taking part in partnerships, the default for a new body.
PARTNERSHIP_WORDS = ("partnerskap", "samrådsorgan")


class BodyForm(forms.ModelForm):
    class Meta:
        model = PartnershipBody
        fields = ["name", "owner", "municipality", "representatives", "description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "municipality").queryset = network.municipalities()


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


def suggested_activities(
    *, body: PartnershipBody, activities: list[Activity], meeting: BodyMeeting | None = None
) -> list[int]:
    """The activities to tick for a meeting that has none yet.

    Those of the body's previous logged meeting, matched by text in this plan; else the
    activities that speak of partnerships or consultation bodies.
    """
    earlier = BodyMeeting.objects.filter(body=body, action__isnull=False)
    if meeting is not None:
        earlier = earlier.exclude(pk=meeting.pk)
    previous = earlier.order_by("-held_on", "-pk").first()
    if previous is not None:
        texts = set(
            Activity.objects.filter(actions=previous.action_id).values_list("text", flat=True)
        )
        chosen = [a.pk for a in activities if a.text in texts]
        if chosen:
            return chosen
    return [a.pk for a in activities if any(w in a.text.lower() for w in PARTNERSHIP_WORDS)]


class MeetingForm(forms.ModelForm):
    """A meeting, and the activities of the plan for its year that it served.

    The plan follows the date: a bound form takes the year of the submitted date, an unbound one
    the ``year`` it is given.
    """

    activities = ActivityChoiceField(
        label=_("Plan activities it served"),
        queryset=Activity.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": _(
                "The activities must come from the plan for the meeting's year. Choose again below."
            )
        },
    )

    class Meta:
        model = BodyMeeting
        fields = ["held_on", "attended_by", "is_attended", "notes", "raised"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "raised": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, body: PartnershipBody, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.body = body
        if self.is_bound:
            year = self._submitted_year() or year
        self.year = year
        self.plan = Plan.objects.for_network(body.network).filter(year=year).first()
        choices = plan_activities(self.plan)
        model_choice_field(self, "activities").queryset = choices
        if not self.is_bound and self.plan is not None:
            self.initial["activities"] = self._initial_activities(list(choices))

    def _submitted_year(self) -> int | None:
        try:
            held_on = self.fields["held_on"].clean(self.data.get(self.add_prefix("held_on")))
        except ValidationError:
            return None
        return held_on.year if held_on else None

    def _initial_activities(self, activities: list[Activity]) -> list[int]:
        meeting = self.instance if self.instance.pk else None
        if meeting is not None and meeting.action_id is not None:
            used = set(
                Activity.objects.filter(actions=meeting.action_id).values_list("pk", flat=True)
            )
            chosen = [a.pk for a in activities if a.pk in used]
            if chosen:
                return chosen
        return suggested_activities(body=self.body, activities=activities, meeting=meeting)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        held_on: datetime.date | None = data.get("held_on")
        if held_on is None:
            return data
        if data.get("is_attended"):
            if self.plan is None:
                self.add_error(
                    "held_on",
                    _(
                        "There is no plan for %(year)s, so the meeting cannot be logged against "
                        "its activities. Import or create the plan for %(year)s first."
                    )
                    % {"year": held_on.year},
                )
            elif not data.get("activities") and "activities" not in self.errors:
                self.add_error(
                    "activities", _("Choose at least one plan activity the meeting served.")
                )
        return data

    def grouped_activities(self) -> list[tuple[Area, list[Any]]]:
        """The activity checkboxes grouped under their area, for the template."""
        return activities_by_area(self)
