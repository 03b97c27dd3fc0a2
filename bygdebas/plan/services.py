"""Every write to plans, activities, targets and actions goes through here."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Max
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from bygdebas.core.hooks import emit
from bygdebas.core.models import Municipality, Network, User
from bygdebas.plan.metrics import registry
from bygdebas.plan.models import Action, Activity, Area, Plan, Target

PLAN_TEXT_FIELDS = ("title", "vision", "values", "overall_goal", "target_groups", "purpose")


class PlanExistsError(ValidationError):
    pass


def _check_targets(targets: Iterable[Mapping[str, Any]]) -> None:
    for target in targets:
        if target["metric"] not in registry:
            raise ValidationError(_("Unknown metric: %(key)s") % {"key": target["metric"]})
        if int(target["value"]) < 1:
            raise ValidationError(_("A target must be at least 1."))


@transaction.atomic
def create_plan(
    *,
    network: Network,
    year: int,
    data: Mapping[str, Any],
    source_filename: str = "",
) -> Plan:
    """Create a whole plan from the importer's dictionary shape, all or nothing.

    ``data`` has the keys of ``ParsedPlan.to_dict()``: the five headed texts (and optionally a
    title) and ``areas``, each with a ``title`` and ``activities`` with ``text`` and ``targets``.
    """
    if Plan.objects.for_network(network).filter(year=year).exists():
        raise PlanExistsError(
            _("There is already a plan for %(year)s. Edit it, or delete it first.") % {"year": year}
        )
    areas = list(data.get("areas") or [])
    if not areas or not any(area.get("activities") for area in areas):
        raise ValidationError(_("A plan needs at least one area with at least one activity."))
    plan = Plan.objects.create(
        network=network,
        year=year,
        source_filename=source_filename[:255],
        **{name: (data.get(name) or "").strip() for name in PLAN_TEXT_FIELDS},
    )
    targets: list[Target] = []
    for area_index, area_data in enumerate(areas):
        title = (area_data.get("title") or "").strip()
        if not title:
            raise ValidationError(_("Area %(n)s has no title.") % {"n": area_index + 1})
        area = Area.objects.create(plan=plan, title=title, order=area_index)
        for index, activity_data in enumerate(area_data.get("activities") or []):
            text = (activity_data.get("text") or "").strip()
            if not text:
                raise ValidationError(
                    _("An activity under %(area)s has no text.") % {"area": title}
                )
            activity = Activity.objects.create(area=area, text=text, order=index)
            _check_targets(activity_data.get("targets") or [])
            targets.extend(
                Target(
                    activity=activity,
                    metric=target["metric"],
                    value=int(target["value"]),
                    period=target.get("period") or Target.Period.YEAR,
                    note=target.get("note", ""),
                )
                for target in activity_data.get("targets") or []
            )
    Target.objects.bulk_create(targets)
    return plan


def update_plan(*, plan: Plan, data: Mapping[str, Any]) -> Plan:
    """Change the plan's headed texts."""
    for name in PLAN_TEXT_FIELDS:
        if name in data:
            setattr(plan, name, (data[name] or "").strip())
    plan.save()
    return plan


def delete_plan(*, plan: Plan) -> None:
    """Delete a plan with its areas, activities and targets; actions stay, unlinked."""
    plan.delete()


def approve_plan(*, plan: Plan, user: User, approved_on: datetime.date) -> Plan:
    """Record that the board adopted the plan."""
    plan.approved_on = approved_on
    plan.approved_by = user
    plan.save(update_fields=["approved_on", "approved_by", "updated_at"])
    return plan


def add_area(*, plan: Plan, title: str) -> Area:
    """Append an area to the plan."""
    last = plan.areas.aggregate(m=Max("order"))["m"]
    return Area.objects.create(
        plan=plan, title=title.strip(), order=0 if last is None else last + 1
    )


def update_area(*, area: Area, title: str) -> Area:
    """Rename an area."""
    area.title = title.strip()
    area.save(update_fields=["title"])
    return area


def delete_area(*, area: Area) -> None:
    """Delete an area; refused while it has activities with logged actions."""
    if Action.objects.filter(activities__area=area).exists():
        raise ValidationError(
            _("Actions are logged against activities in this area. Move or delete them first.")
        )
    area.delete()


@transaction.atomic
def save_activity(
    *,
    area: Area,
    text: str,
    targets: Sequence[Mapping[str, Any]],
    activity: Activity | None = None,
) -> Activity:
    """Create or change an activity and replace its targets."""
    if area.plan_id != (activity.area.plan_id if activity else area.plan_id):
        raise ValidationError(_("An activity can only move between areas of the same plan."))
    _check_targets(targets)
    if activity is None:
        last = area.activities.aggregate(m=Max("order"))["m"]
        activity = Activity.objects.create(
            area=area, text=text.strip(), order=0 if last is None else last + 1
        )
    else:
        if activity.area_id != area.pk:
            last = area.activities.aggregate(m=Max("order"))["m"]
            activity.order = 0 if last is None else last + 1
        activity.area = area
        activity.text = text.strip()
        activity.save()
        activity.targets.all().delete()
    Target.objects.bulk_create(
        Target(
            activity=activity,
            metric=t["metric"],
            value=int(t["value"]),
            note=t.get("note", ""),
            period=t.get("period") or Target.Period.YEAR,
        )
        for t in targets
    )
    return activity


def delete_activity(*, activity: Activity) -> None:
    """Delete an activity; refused while actions are logged against it."""
    if activity.actions.exists():
        raise ValidationError(
            _("%(n)s actions are logged against this activity. Move them first.")
            % {"n": activity.actions.count()}
        )
    activity.delete()


@transaction.atomic
def move(*, obj: Area | Activity, direction: int) -> None:
    """Swap an area or activity with its neighbour (direction -1 = up, +1 = down)."""
    siblings: models.QuerySet[Any]
    ordered: list[Any]
    if isinstance(obj, Area):
        siblings = Area.objects.filter(plan_id=obj.plan_id)
    else:
        siblings = Activity.objects.filter(area_id=obj.area_id)
    ordered = list(siblings.order_by("order", "pk"))
    # Renumber first so that equal or sparse orders never make a swap a no-op.
    for index, item in enumerate(ordered):
        item.order = index
    position = next(i for i, item in enumerate(ordered) if item.pk == obj.pk)
    other = position + direction
    if 0 <= other < len(ordered):
        ordered[position].order, ordered[other].order = other, position
    siblings.model._default_manager.bulk_update(ordered, ["order"])


@transaction.atomic
def copy_plan(*, plan: Plan, year: int, network: Network | None = None) -> Plan:
    """Copy a plan's texts, areas, activities and targets (not its actions) to ``year``.

    With ``network`` (another network than the plan's), the copy starts that network's plan and
    notes where it came from (``copied_from``).
    """
    data = {
        **{name: getattr(plan, name) for name in PLAN_TEXT_FIELDS},
        "areas": [
            {
                "title": area.title,
                "activities": [
                    {
                        "text": activity.text,
                        "targets": [
                            {
                                "metric": t.metric,
                                "value": t.value,
                                "period": t.period,
                                "note": t.note,
                            }
                            for t in activity.targets.all()
                        ],
                    }
                    for activity in area.activities.all()
                ],
            }
            for area in plan.areas.prefetch_related("activities__targets")
        ],
    }
    if plan.title and str(plan.year) in plan.title:
        data["title"] = plan.title.replace(str(plan.year), str(year))
    target = network or plan.network
    copy = create_plan(network=target, year=year, data=data, source_filename="")
    if target.pk != plan.network_id:
        copy.copied_from = plan
        copy.save(update_fields=["copied_from", "updated_at"])
    return copy


def _check_action(
    *, network: Network, performed_on: datetime.date, activities: Sequence[Activity]
) -> None:
    if not activities:
        raise ValidationError(_("Choose at least one activity the action serves."))
    for activity in activities:
        plan = activity.area.plan
        if plan.network_id != network.pk:
            raise ValidationError(_("The activity does not belong to this network."))
        if plan.year != performed_on.year:
            raise ValidationError(
                _(
                    "“%(activity)s” is in the plan for %(plan_year)s, but the action is dated "
                    "%(year)s."
                )
                % {
                    "activity": activity.short_text,
                    "plan_year": plan.year,
                    "year": performed_on.year,
                }
            )


@transaction.atomic
def log_action(
    *,
    network: Network,
    performed_on: datetime.date,
    title: str,
    activities: Sequence[Activity],
    description: str = "",
    municipality: Municipality | None = None,
    participants: int | None = None,
    link: str = "",
    attachment: UploadedFile | None = None,
    source: models.Model | None = None,
    created_by: User | None = None,
) -> Action:
    """Log an action (insats) against one or more activities of the plan for its year.

    Other apps call this when something countable happens, passing ``source`` so the report can
    link back to it.
    """
    activities = list(activities)
    _check_action(network=network, performed_on=performed_on, activities=activities)
    action = Action(
        network=network,
        performed_on=performed_on,
        title=title.strip(),
        description=description.strip(),
        municipality=municipality,
        participants=participants,
        link=link,
        created_by=created_by,
    )
    if source is not None:
        action.source_type = ContentType.objects.get_for_model(source)
        action.source_id = str(source.pk)
    if attachment is not None:
        action.attachment.save(attachment.name or "attachment", attachment, save=False)
    action.save()
    action.activities.set(activities)
    emit(
        network,
        "action.logged",
        {
            "id": action.pk,
            "title": action.title,
            "performed_on": action.performed_on,
            "municipality": municipality.name if municipality else None,
            "participants": action.participants,
            "activities": [{"id": a.pk, "text": a.text} for a in activities],
            "source": source._meta.model_name if source is not None else None,
        },
    )
    return action


@transaction.atomic
def update_action(
    *,
    action: Action,
    performed_on: datetime.date,
    title: str,
    activities: Sequence[Activity],
    description: str = "",
    municipality: Municipality | None = None,
    participants: int | None = None,
    link: str = "",
    attachment: UploadedFile | bool | None = None,
) -> Action:
    """Change an action. ``attachment=False`` removes the attachment; ``None`` keeps it."""
    activities = list(activities)
    _check_action(network=action.network, performed_on=performed_on, activities=activities)
    action.performed_on = performed_on
    action.title = title.strip()
    action.description = description.strip()
    action.municipality = municipality
    action.participants = participants
    action.link = link
    if attachment is False:
        _delete_file_on_commit(action.attachment)
        action.attachment = None
    elif attachment is not None and attachment is not True:
        action.attachment.save(attachment.name or "attachment", attachment, save=False)
    action.save()
    action.activities.set(activities)
    return action


def _delete_file_on_commit(file: FieldFile) -> None:
    # A rolled-back transaction keeps the row, so it must keep the file too.
    storage, name = file.storage, file.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def delete_action(*, action: Action) -> None:
    """Delete an action, and its attachment once the deletion is committed."""
    _delete_file_on_commit(action.attachment)
    action.delete()
