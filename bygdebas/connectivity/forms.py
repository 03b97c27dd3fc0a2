from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bygdebas.connectivity import runner, services
from bygdebas.connectivity.dates import has_little_service
from bygdebas.connectivity.models import Analysis, Feed
from bygdebas.core.forms import model_choice_field
from bygdebas.core.models import Network
from bygdebas.core.numbers import parse_decimal, parse_int
from bygdebas.core.sizes import binary_size
from bygdebas.plan.models import Activity

DEFAULT_MAX_FEED_BYTES = 200 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
# Every pair is searched on three days; beyond this the analysis takes minutes, not seconds.
MAX_PLACES = 150


def max_feed_bytes() -> int:
    return int(getattr(settings, "BYGDEBAS_MAX_FEED_BYTES", DEFAULT_MAX_FEED_BYTES))


class FeedUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("GTFS file (.zip)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("E.g. “SJ, winter timetable 2023”. The file's name if left empty."),
    )
    credit = forms.CharField(
        label=gettext_lazy("Data source"),
        max_length=300,
        required=False,
        help_text=gettext_lazy(
            "Who publishes the data and under which licence, for the credit line."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix != ".zip":
            raise ValidationError(
                _("Files of type “%(suffix)s” are not accepted. Use one of: %(allowed)s.")
                % {"suffix": suffix or _("(none)"), "allowed": ".zip"}
            )
        if upload.size > max_feed_bytes():
            raise ValidationError(
                _("The file is %(size)s; the largest accepted is %(max)s.")
                % {"size": binary_size(upload.size), "max": binary_size(max_feed_bytes())}
            )
        head = upload.read(4)
        upload.seek(0)
        if head != ZIP_MAGIC:
            raise ValidationError(_("The file is not a zip archive."))
        return upload


def format_places(rows: list[dict[str, Any]]) -> str:
    """Places as the form's lines: name;lat;lon;population."""
    lines = []
    for row in rows:
        population = "" if row.get("population") is None else str(row["population"])
        lines.append(f"{row['name']};{row['lat']};{row['lon']};{population}".rstrip(";"))
    return "\n".join(lines)


def _number(text: str) -> float:
    """A number as people copy it ("59,27", "126 000", "−15.03"); ValueError when it is not."""
    number = parse_decimal(text)
    if number is None:
        raise ValueError(text)
    return float(number)


def parse_places(text: str) -> list[dict[str, Any]]:
    """Parse lines of name;lat;lon[;population]; ValidationError naming every bad line."""
    places: list[dict[str, Any]] = []
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [part.strip() for part in line.split(";")]
        if len(parts) not in (3, 4) or not parts[0]:
            errors.append(
                _(
                    "Line %(line)s: write name;latitude;longitude;population (population may be left out)."
                )
                % {"line": number}
            )
            continue
        try:
            lat, lon = _number(parts[1]), _number(parts[2])
        except ValueError:
            errors.append(
                _("Line %(line)s: the latitude and longitude must be numbers, e.g. 59.27;15.21.")
                % {"line": number}
            )
            continue
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            errors.append(
                _("Line %(line)s: the position %(lat)s, %(lon)s is not on the map.")
                % {"line": number, "lat": parts[1], "lon": parts[2]}
            )
            continue
        population: int | None = None
        if len(parts) == 4 and parts[3]:
            population = parse_int(parts[3])
            if population is None or population < 0:
                errors.append(
                    _("Line %(line)s: the population must be a whole number.") % {"line": number}
                )
                continue
        places.append({"name": parts[0][:100], "lat": lat, "lon": lon, "population": population})
    names = [p["name"] for p in places]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        errors.append(_("Place names must be unique: %(names)s") % {"names": ", ".join(duplicates)})
    if not errors and len(places) < 2:
        errors.append(_("Give at least two places."))
    if len(places) > MAX_PLACES:
        errors.append(_("Give at most %(max)s places.") % {"max": MAX_PLACES})
    if errors:
        raise ValidationError(errors)
    return places


def low_service_warning(feed: Feed, date: datetime.date) -> str:
    """A warning when the date has much less service than the feed's typical weekday, or ""."""
    trips, typical = feed.trips_on(date), feed.typical_weekday_trips
    if trips is None or typical is None or not has_little_service(trips, typical):
        return ""
    return _(
        "%(date)s has much less service than a typical weekday of this feed: %(trips)s trips "
        "against %(typical)s. The result will show few journeys; the suggested date is %(suggested)s."
    ) % {
        "date": date.isoformat(),
        "trips": trips,
        "typical": typical,
        "suggested": feed.suggested_on.isoformat() if feed.suggested_on else "–",
    }


class FeedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Feed) -> str:
        return f"{obj.name} ({obj.valid_from:%Y-%m-%d} – {obj.valid_until:%Y-%m-%d})"


class AnalysisChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Analysis) -> str:
        return f"{obj.feed.name}, {obj.date:%Y-%m-%d} (#{obj.pk})"


class ActivityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Activity) -> str:
        return f"{obj.area.title}: {obj.short_text}"


class AnalysisForm(forms.Form):
    feed = FeedChoiceField(label=gettext_lazy("Timetable feed"), queryset=Feed.objects.none())
    date = forms.DateField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy(
            "A typical weekday with the feed's usual service is suggested (Tuesday to Thursday, "
            "outside holidays and school breaks); the weekend of the same week is analysed too."
        ),
    )
    low_service_ok = forms.BooleanField(
        label=gettext_lazy("Analyse this date anyway"),
        required=False,
        help_text=gettext_lazy("The date has much less service than a typical weekday."),
    )
    places = forms.CharField(
        label=gettext_lazy("Places"),
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text=gettext_lazy(
            "One place a line: name;latitude;longitude;population. Filled in with the county's "
            "municipal seats and the neighbouring towns."
        ),
    )
    radius_m = forms.IntegerField(
        label=gettext_lazy("Stops within (m)"), min_value=50, max_value=5000, initial=1000
    )
    min_transfer_s = forms.IntegerField(
        label=gettext_lazy("Minimum change time (s)"), min_value=0, max_value=3600, initial=120
    )
    walk_m = forms.IntegerField(
        label=gettext_lazy("Walk between stops (m)"),
        min_value=0,
        max_value=2000,
        initial=0,
        help_text=gettext_lazy("0: change only within a station."),
    )
    compared_with = AnalysisChoiceField(
        label=gettext_lazy("Compare with"),
        queryset=Analysis.objects.none(),
        required=False,
        empty_label=gettext_lazy("(no comparison)"),
    )
    activity = ActivityChoiceField(
        label=gettext_lazy("Log against the plan activity"),
        queryset=Activity.objects.none(),
        required=False,
        empty_label=gettext_lazy("(the one mentioning public transport, if any)"),
    )

    def __init__(self, *args: Any, network: Network, feed: Feed | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.network = network
        # Set by clean() when the date runs much less than a typical weekday.
        self.low_service_warning = ""
        self.feeds = feeds = Feed.objects.for_network(network).ready()
        model_choice_field(self, "feed").queryset = feeds
        model_choice_field(self, "compared_with").queryset = (
            Analysis.objects.for_network(network).done().select_related("feed")
        )
        year = timezone.localdate().year
        activities = (
            Activity.objects.for_network(network).for_year(year).select_related("area__plan")
        )
        model_choice_field(self, "activity").queryset = activities
        if not self.is_bound:
            feed = feed or feeds.first()
            if feed is not None:
                self.initial.setdefault("feed", feed.pk)
                self.initial.setdefault("date", feed.suggested_on or feed.valid_from)
            self.initial.setdefault("places", format_places(services.default_places(network)))
            matching = runner.plan_activities(network, year)
            if matching:
                self.initial.setdefault("activity", matching[0].pk)

    def clean_places(self) -> list[dict[str, Any]]:
        return parse_places(self.cleaned_data["places"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        feed, date = data.get("feed"), data.get("date")
        if feed is None or date is None:
            return data
        if not feed.valid_from <= date <= feed.valid_until:
            self.add_error(
                "date",
                _("The feed has timetables from %(start)s to %(end)s; choose a date in between.")
                % {"start": feed.valid_from.isoformat(), "end": feed.valid_until.isoformat()},
            )
            return data
        self.low_service_warning = low_service_warning(feed, date)
        if self.low_service_warning and not data.get("low_service_ok"):
            self.add_error("date", self.low_service_warning)
        return data


class CompareForm(forms.Form):
    """Choose the earlier analysis to compare with (a GET form on the result page)."""

    jamfor = AnalysisChoiceField(
        label=gettext_lazy("Compare with"),
        queryset=Analysis.objects.none(),
        required=False,
        empty_label=gettext_lazy("(no comparison)"),
    )

    def __init__(self, *args: Any, analysis: Analysis, **kwargs: Any):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "jamfor").queryset = (
            Analysis.objects.for_network(analysis.network_id)
            .done()
            .exclude(pk=analysis.pk)
            .select_related("feed")
        )
