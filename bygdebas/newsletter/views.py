"""Staff pages of the newsletter: issues and their composer, items, subscribers and import."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bygdebas.core.access import READ_ROLES, WRITE_ROLES, role_required
from bygdebas.core.agenda import upcoming
from bygdebas.core.forms import add_service_errors
from bygdebas.core.http import NetworkRequest
from bygdebas.newsletter import sending, services
from bygdebas.newsletter.access import (
    get_entry_for_user,
    get_issue_for_user,
    get_item_for_user,
)
from bygdebas.newsletter.forms import (
    ImportForm,
    InsertForm,
    IssueForm,
    ItemEditForm,
    ItemForm,
    NewIssueForm,
    ScheduleForm,
)
from bygdebas.newsletter.models import Issue, IssueEntry, Item, Subscription
from bygdebas.plan.models import Action

PAGE_SIZE = 100


@role_required(READ_ROLES)
@require_GET
def issue_list(request: NetworkRequest) -> HttpResponse:
    issues = Issue.objects.for_network(request.network).annotate(n_entries=Count("entries"))
    counts = {
        "subscribers": Subscription.objects.for_network(request.network).active().count(),
        "waiting": Item.objects.for_network(request.network).pending().count(),
    }
    return render(request, "newsletter/issue_list.html", {"issues": issues, "counts": counts})


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def issue_create(request: NetworkRequest) -> HttpResponse:
    form = NewIssueForm(request.POST or None)
    if form.is_valid():
        issue = services.create_issue(
            network=request.network,
            actor=request.user,
            title=form.cleaned_data["title"],
            introduction=form.cleaned_data["introduction"],
        )
        return redirect("newsletter:issue-detail", pk=issue.pk)
    return render(
        request, "newsletter/issue_form.html", {"form": form}, status=400 if form.errors else 200
    )


@role_required(READ_ROLES)
@require_GET
def issue_detail(request: NetworkRequest, pk: int) -> HttpResponse:
    """The composer: the issue's items, and what can be inserted with one click."""
    issue = get_issue_for_user(request.user, request.network, pk)
    entries = issue.entries.select_related("item", "item__organisation")
    used = {entry.item_id for entry in entries}
    context = {
        "issue": issue,
        "entries": entries,
        "member_items": [
            i for i in services.member_items_waiting(request.network) if i.pk not in used
        ],
        "staff_items": Item.objects.for_network(request.network)
        .approved()
        .filter(organisation__isnull=True)
        .unused()[:20],
        "events": upcoming(request.network) if issue.is_editable else [],
        "actions": services.actions_since_last_issue(request.network) if issue.is_editable else [],
        "schedule_form": ScheduleForm(initial={"scheduled_at": issue.scheduled_at}),
        "recipients": services.recipients(issue).count()
        if issue.is_editable
        else issue.recipients_count,
        "deliveries": services.delivery_counts(issue) if not issue.is_editable else [],
    }
    return render(request, "newsletter/issue_detail.html", context)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def issue_edit(request: NetworkRequest, pk: int) -> HttpResponse:
    issue = get_issue_for_user(request.user, request.network, pk, write=True)
    form = IssueForm(request.POST or None, instance=issue, network=request.network)
    if form.is_valid():
        try:
            services.update_issue(
                issue=issue,
                title=form.cleaned_data["title"],
                introduction=form.cleaned_data["introduction"],
                segment_topics=form.cleaned_data["segment_topics"],
                segment_municipalities=form.cleaned_data["segment_municipalities"],
                segment_member_contacts=form.cleaned_data["segment_member_contacts"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("newsletter:issue-detail", pk=issue.pk)
    return render(
        request,
        "newsletter/issue_form.html",
        {"form": form, "issue": issue},
        status=400 if form.errors else 200,
    )


@role_required(WRITE_ROLES)
@require_POST
def issue_insert(request: NetworkRequest, pk: int) -> HttpResponse:
    """One click in the composer: insert an item, an upcoming event or a logged action."""
    issue = get_issue_for_user(request.user, request.network, pk, write=True)
    form = InsertForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.non_field_errors()))
        if form.cleaned_data["item"]:
            item = get_item_for_user(request.user, request.network, form.cleaned_data["item"])
            services.add_item(issue=issue, item=item)
        elif form.cleaned_data["event"]:
            services.add_event(issue=issue, actor=request.user, key=form.cleaned_data["event"])
        else:
            action = (
                Action.objects.for_network(request.network)
                .filter(pk=form.cleaned_data["action"])
                .first()
            )
            if action is None:
                raise ValidationError(_("The action no longer exists."))
            services.add_action(issue=issue, actor=request.user, action=action)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Inserted in the issue."))
    return redirect("newsletter:issue-detail", pk=issue.pk)


@role_required(WRITE_ROLES)
@require_POST
def entry_remove(request: NetworkRequest, pk: int) -> HttpResponse:
    entry = get_entry_for_user(request.user, request.network, pk, write=True)
    try:
        services.remove_entry(entry=entry)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("newsletter:issue-detail", pk=entry.issue_id)


@role_required(WRITE_ROLES)
@require_POST
def entry_move(request: NetworkRequest, pk: int) -> HttpResponse:
    entry = get_entry_for_user(request.user, request.network, pk, write=True)
    try:
        services.move_entry(entry=entry, up=request.POST.get("direction") != "down")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("newsletter:issue-detail", pk=entry.issue_id)


@role_required(READ_ROLES)
@require_GET
def issue_preview(request: NetworkRequest, pk: int) -> HttpResponse:
    """As the recipient sees it: HTML and plain text, at desktop and phone width."""
    issue = get_issue_for_user(request.user, request.network, pk)
    if issue.is_editable:
        subject, html, text = sending.render_issue(issue)
    else:
        subject, html, text = issue.subject, issue.body_html, issue.body_text
    values = {
        "greeting": _("Hello %(name)s,") % {"name": request.user.first_name or request.user.email},
        "unsubscribe": "#",
        "preferences": "#",
    }
    return render(
        request,
        "newsletter/issue_preview.html",
        {
            "issue": issue,
            "subject": subject,
            "html": sending.personalise(_body_of(html), **values),
            "text": sending.personalise(text, **values),
        },
    )


def _body_of(html: str) -> str:
    """The inside of a letter's <body>, to show in a page of our own."""
    start = html.find(">", html.find("<body")) + 1
    end = html.rfind("</body>")
    return html[start:end] if start > 0 and end > start else html


@role_required(WRITE_ROLES)
@require_POST
def issue_test(request: NetworkRequest, pk: int) -> HttpResponse:
    issue = get_issue_for_user(request.user, request.network, pk, write=True)
    services.send_test(issue=issue, to=request.user.email)
    messages.success(request, _("A test was sent to %(email)s.") % {"email": request.user.email})
    return redirect("newsletter:issue-detail", pk=issue.pk)


@role_required(WRITE_ROLES)
@require_POST
def issue_schedule(request: NetworkRequest, pk: int) -> HttpResponse:
    issue = get_issue_for_user(request.user, request.network, pk, write=True)
    form = ScheduleForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(
                list(form.errors.get("scheduled_at") or [_("Enter a date and time.")])
            )
        services.schedule_issue(issue=issue, at=form.cleaned_data["scheduled_at"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The schedule was saved."))
    return redirect("newsletter:issue-detail", pk=issue.pk)


@role_required(WRITE_ROLES)
@require_POST
def issue_send(request: NetworkRequest, pk: int) -> HttpResponse:
    issue = get_issue_for_user(request.user, request.network, pk, write=True)
    try:
        services.start_sending(issue=issue)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The issue is being sent."))
    return redirect("newsletter:issue-detail", pk=issue.pk)


@role_required(READ_ROLES)
@require_GET
def item_list(request: NetworkRequest) -> HttpResponse:
    items = Item.objects.for_network(request.network).select_related("organisation", "topic")
    items = items.prefetch_related(
        Prefetch("entries", queryset=IssueEntry.objects.select_related("issue"))
    )
    return render(request, "newsletter/item_list.html", {"items": items[:PAGE_SIZE]})


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def item_create(request: NetworkRequest) -> HttpResponse:
    form = ItemForm(request.POST or None, request.FILES or None, network=request.network)
    if form.is_valid():
        services.create_item(
            network=request.network,
            actor=request.user,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
            link=form.cleaned_data["link"],
            topic=form.cleaned_data["topic"],
            image=form.cleaned_data["image"],
            image_alt=form.cleaned_data["image_alt"],
        )
        messages.success(request, _("The item was saved."))
        return redirect("newsletter:item-list")
    return render(
        request, "newsletter/item_form.html", {"form": form}, status=400 if form.errors else 200
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def item_edit(request: NetworkRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request.user, request.network, pk, write=True)
    form = ItemEditForm(request.POST or None, instance=item)
    if form.is_valid():
        services.update_item(item=item, actor=request.user, values=form.cleaned_data)
        messages.success(request, _("The item was saved."))
        return redirect("newsletter:item-list")
    return render(
        request,
        "newsletter/item_form.html",
        {"form": form, "item": item},
        status=400 if form.errors else 200,
    )


@role_required(READ_ROLES)
@require_GET
def subscriber_list(request: NetworkRequest) -> HttpResponse:
    rows = (
        Subscription.objects.for_network(request.network)
        .select_related("municipality")
        .prefetch_related("topics")
        .order_by("email")
    )
    return render(
        request,
        "newsletter/subscriber_list.html",
        {
            "subscriptions": rows[:PAGE_SIZE],
            "total": rows.count(),
            "active": Subscription.objects.for_network(request.network).active().count(),
        },
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def subscriber_import(request: NetworkRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if form.is_valid():
        try:
            rows = services.read_rows(form.cleaned_data["file"])
        except ValidationError as error:
            add_service_errors(form, ValidationError({"file": error.messages}))
        else:
            result = services.import_subscribers(
                network=request.network, actor=request.user, rows=rows
            )
            if result.errors:
                form.add_error("file", _("Nothing was imported: correct the rows below."))
            else:
                messages.success(
                    request,
                    _("%(n)s imported and asked to confirm; %(s)s skipped.")
                    % {"n": len(result.created), "s": len(result.skipped)},
                )
                return redirect("newsletter:subscriber-list")
    return render(
        request,
        "newsletter/subscriber_import.html",
        {"form": form, "result": result},
        status=400 if form.errors else 200,
    )
