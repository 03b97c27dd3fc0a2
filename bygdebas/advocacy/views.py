"""Staff pages: watched sources and the inbox, consultation cases, positions, national issues.

Thin: parse a form, fetch through access, call one service, render or redirect.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bygdebas.advocacy import exports
from bygdebas.advocacy.access import (
    get_case_for_user,
    get_document_for_user,
    get_entry_for_user,
    get_national_issue_for_user,
    get_position_for_user,
    get_source_for_user,
)
from bygdebas.advocacy.forms import (
    AnswerForm,
    CaseForm,
    CommentForm,
    DocumentForm,
    EntryForm,
    InboxFilterForm,
    MoveForm,
    NationalIssueForm,
    PositionForm,
    PublishForm,
    ReviewForm,
    SearchForm,
    SentForm,
    SourceForm,
    TopicForm,
)
from bygdebas.advocacy.models import (
    Case,
    DigestRecipient,
    Entry,
    NationalIssue,
    Position,
    Source,
)
from bygdebas.advocacy.services import cases as case_services
from bygdebas.advocacy.services import watch
from bygdebas.advocacy.versions import with_changes
from bygdebas.core.access import (
    APPROVE_ROLES,
    READ_ROLES,
    WRITE_ROLES,
    current_network,
    role_in,
    role_required,
)
from bygdebas.core.forms import add_service_errors
from bygdebas.core.http import NetworkRequest
from bygdebas.core.models import Network, User
from bygdebas.core.rows import attach
from bygdebas.core.search import search
from bygdebas.core.signed_links import LinkError, make_token, read_token

PAGE_SIZE = 50
SEARCH_KINDS = ["advocacy.entry", "advocacy.case", "advocacy.position"]


def _page(request: NetworkRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _query(request: NetworkRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _status(request: NetworkRequest) -> int:
    return 400 if request.method == "POST" else 200


# --- the inbox ---------------------------------------------------------------------------------


@role_required(READ_ROLES)
@require_GET
def inbox(request: NetworkRequest) -> HttpResponse:
    """Matched entries, newest first, with filters."""
    network = request.network
    filters = InboxFilterForm(request.GET or None, network=network)
    entries = filters.filter(
        Entry.objects.for_network(network)
        .matched()
        .select_related("source", "assigned_to", "case", "topic"),
        request.user,
    ).order_by("-fetched_at", "-pk")
    is_digest = DigestRecipient.objects.for_network(network).filter(user=request.user).exists()
    return render(
        request,
        "advocacy/inbox.html",
        {
            "page": _page(request, entries),
            "filters": filters,
            "query": _query(request),
            "is_digest": is_digest,
        },
    )


@role_required(READ_ROLES)
@require_GET
def entry_detail(request: NetworkRequest, pk: int) -> HttpResponse:
    entry = get_entry_for_user(request.user, request.network, pk)
    return _entry_page(request, entry)


def _entry_page(
    request: NetworkRequest,
    entry: Entry,
    *,
    form: EntryForm | None = None,
    topic_form: TopicForm | None = None,
    status: int = 200,
) -> HttpResponse:
    network = request.network
    form = form or EntryForm(
        network=network,
        initial={
            "relevance": entry.relevance,
            "assigned_to": entry.assigned_to_id,
            "comment": entry.comment,
        },
    )
    topic_form = topic_form or TopicForm(network=network, initial={"topic": entry.topic_id})
    return render(
        request,
        "advocacy/entry_detail.html",
        {"entry": entry, "form": form, "topic_form": topic_form},
        status=status,
    )


@role_required(WRITE_ROLES)
@require_POST
def entry_update(request: NetworkRequest, pk: int) -> HttpResponse:
    entry = get_entry_for_user(request.user, request.network, pk, write=True)
    form = EntryForm(request.POST, network=request.network)
    if not form.is_valid():
        return _entry_page(request, entry, form=form, status=400)
    data = form.cleaned_data
    watch.update_entry(
        entry=entry,
        relevance=data["relevance"],
        assigned_to=data["assigned_to"],
        unassign=data["assigned_to"] is None,
        comment=data["comment"],
    )
    messages.success(request, _("The entry was saved."))
    return redirect("advocacy:entry-detail", pk=entry.pk)


@role_required(WRITE_ROLES)
@require_POST
def entry_topic(request: NetworkRequest, pk: int) -> HttpResponse:
    entry = get_entry_for_user(request.user, request.network, pk, write=True)
    form = TopicForm(request.POST, network=request.network)
    if form.is_valid():
        try:
            topic = watch.file_entry_under_topic(
                entry=entry, topic=form.cleaned_data["topic"], name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The entry was filed under “%(topic)s”.") % {"topic": topic.name}
            )
            return redirect("advocacy:entry-detail", pk=entry.pk)
    return _entry_page(request, entry, topic_form=form, status=400)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def entry_case(request: NetworkRequest, pk: int) -> HttpResponse:
    """Turn an inbox entry into a consultation case."""
    entry = get_entry_for_user(request.user, request.network, pk, write=True)
    if entry.case_id:
        return redirect("advocacy:case-detail", pk=entry.case_id)
    today = timezone.localdate()
    initial = {
        "title": entry.title[:300],
        "authority": entry.source.name[:200],
        "received_on": today,
        "responsible": request.user.pk,
    }
    return _case_form_page(request, initial=initial, entry=entry)


@role_required(READ_ROLES)
@require_POST
def digest_toggle(request: NetworkRequest) -> HttpResponse:
    wanted = request.POST.get("wanted") == "1"
    watch.set_digest(network=request.network, user=request.user, wanted=wanted)
    messages.success(
        request,
        _("You will get the daily digest of new matches.")
        if wanted
        else _("You will no longer get the daily digest."),
    )
    return redirect("advocacy:inbox")


# --- sources -----------------------------------------------------------------------------------


@role_required(READ_ROLES)
@require_GET
def source_list(request: NetworkRequest) -> HttpResponse:
    sources = Source.objects.for_network(request.network).order_by("name", "pk")
    return render(request, "advocacy/source_list.html", {"sources": sources})


def _source_form_page(request: NetworkRequest, *, source: Source | None = None) -> HttpResponse:
    form = SourceForm(request.POST or None, instance=source)
    if request.method == "POST" and form.is_valid():
        try:
            watch.save_source(
                network=request.network,
                source=source,
                **{name: form.cleaned_data[name] for name in SourceForm.Meta.fields},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The source was saved."))
            return redirect("advocacy:source-list")
    return render(
        request,
        "advocacy/source_form.html",
        {"form": form, "source": source},
        status=_status(request),
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def source_create(request: NetworkRequest) -> HttpResponse:
    return _source_form_page(request)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def source_edit(request: NetworkRequest, pk: int) -> HttpResponse:
    source = get_source_for_user(request.user, request.network, pk, write=True)
    return _source_form_page(request, source=source)


@role_required(WRITE_ROLES)
@require_POST
def source_fetch(request: NetworkRequest, pk: int) -> HttpResponse:
    """Fetch one source now (not more often than the interval unless it has never worked)."""
    source = get_source_for_user(request.user, request.network, pk, write=True)
    force = source.state in (Source.State.NEW, Source.State.ERROR)
    report = watch.fetch_source(source=source, force=force)
    if report.errors:
        messages.error(request, report.errors[0]["message"])
    elif not (report.fetched or report.not_modified):
        messages.info(request, _("The source was fetched a moment ago; try again later."))
    else:
        messages.success(
            request,
            _("Fetched: %(new)s new entries, %(matched)s matching the rules.")
            % {"new": report.new_entries, "matched": report.matched},
        )
    return redirect("advocacy:source-list")


# --- cases -------------------------------------------------------------------------------------


@role_required(READ_ROLES)
@require_GET
def case_list(request: NetworkRequest) -> HttpResponse:
    """Open cases by deadline (overdue and due this week marked), then the closed ones."""
    cases = Case.objects.for_network(request.network).select_related("responsible")
    show_closed = request.GET.get("closed") == "1"
    rows = cases.by_deadline() if show_closed else cases.open().by_deadline()
    page = _page(request, rows)
    today = timezone.localdate()
    for case in page:
        attach(case, overdue=case.is_overdue(today), due_soon=case.is_due_this_week(today))
    return render(
        request,
        "advocacy/case_list.html",
        {
            "page": page,
            "today": today,
            "show_closed": show_closed,
            "calendar_url": request.build_absolute_uri(
                reverse(
                    "advocacy:case-calendar-feed",
                    args=[calendar_token(request.user, request.network)],
                )
            ),
            "query": _query(request),
        },
    )


def _case_form_page(
    request: NetworkRequest,
    *,
    case: Case | None = None,
    initial: dict[str, Any] | None = None,
    entry: Entry | None = None,
) -> HttpResponse:
    network = request.network
    year = case.received_on.year if case else timezone.localdate().year
    form = CaseForm(
        request.POST or None,
        network=network,
        year=year,
        instance=case,
        initial=initial or {},
    )
    if case is None and not form.is_bound and form.plan is not None:
        form.initial["activities"] = [
            a.pk for a in case_services.advocacy_activities(network, year)
        ]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = case_services.save_case(
                network=network,
                actor=request.user,
                case=case,
                entry=entry,
                authority=data["authority"],
                title=data["title"],
                reference=data["reference"],
                received_on=data["received_on"],
                deadline_on=data["deadline_on"],
                responsible=data["responsible"],
                topic=data["topic"],
                activities=list(data["activities"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The case was saved."))
            return redirect("advocacy:case-detail", pk=saved.pk)
    return render(
        request,
        "advocacy/case_form.html",
        {"form": form, "case": case, "entry": entry},
        status=_status(request),
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def case_create(request: NetworkRequest) -> HttpResponse:
    return _case_form_page(request, initial={"received_on": timezone.localdate()})


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def case_edit(request: NetworkRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, request.network, pk, write=True)
    return _case_form_page(request, case=case)


def _case_page(
    request: NetworkRequest, case: Case, *, status: int = 200, **forms: Any
) -> HttpResponse:
    context: dict[str, Any] = {
        "case": case,
        "today": timezone.localdate(),
        "can_approve": role_in(request.user, request.network) in APPROVE_ROLES,
        "moves": case_services.allowed_moves(case),
        "activities": list(case.activities.select_related("area__plan")),
        "documents": list(case.documents.all()),
        "comments": list(case.comments.select_related("author")),
        "contributions": list(case.contributions.all()),
        "versions": list(case.versions.select_related("author")[:20]),
        "entries": list(case.entries.select_related("source")),
        "position": Position.objects.for_network(request.network).filter(case=case).first(),
        "move_form": forms.get("move_form") or MoveForm(case=case),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "document_form": forms.get("document_form") or DocumentForm(),
        "review_form": forms.get("review_form") or ReviewForm(),
        "sent_form": forms.get("sent_form") or SentForm(),
        "publish_form": forms.get("publish_form") or PublishForm(),
        "contribution_url": request.build_absolute_uri(case_services.contribution_url(case)),
    }
    return render(request, "advocacy/case_detail.html", context, status=status)


@role_required(READ_ROLES)
@require_GET
def case_detail(request: NetworkRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, request.network, pk)
    return _case_page(request, case)


@role_required(WRITE_ROLES)
@require_POST
def case_move(request: NetworkRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, request.network, pk, write=True)
    form = MoveForm(request.POST, case=case)
    if form.is_valid():
        try:
            case_services.move_case(
                case=case,
                actor=request.user,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The case was moved."))
            return redirect("advocacy:case-detail", pk=case.pk)
    return _case_page(request, case, move_form=form, status=400)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def case_answer(request: NetworkRequest, pk: int) -> HttpResponse:
    """Draft the answer; every save keeps a version."""
    case = get_case_for_user(request.user, request.network, pk, write=True)
    form = AnswerForm(request.POST or None, initial={"text": case.answer})
    if request.method == "POST" and form.is_valid():
        try:
            version = case_services.save_answer(
                case=case, actor=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if version is None:
                messages.info(request, _("Nothing changed."))
            else:
                messages.success(request, _("The answer was saved as a new version."))
            return redirect("advocacy:case-detail", pk=case.pk)
    versions = with_changes(case.versions.select_related("author")[:21], shown=20)
    return render(
        request,
        "advocacy/case_answer.html",
        {"case": case, "form": form, "versions": versions},
        status=_status(request),
    )


@role_required(READ_ROLES)
@require_POST
def case_comment(request: NetworkRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, request.network, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        case_services.add_comment(case=case, actor=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("The comment was added."))
        return redirect("advocacy:case-detail", pk=case.pk)
    return _case_page(request, case, comment_form=form, status=400)


@role_required(WRITE_ROLES)
@require_POST
def case_document(request: NetworkRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, request.network, pk, write=True)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        case_services.add_document(
            case=case,
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["file"],
            url=form.cleaned_data["url"],
        )
        messages.success(request, _("The document was added."))
        return redirect("advocacy:case-detail", pk=case.pk)
    return _case_page(request, case, document_form=form, status=400)


@role_required(WRITE_ROLES)
@require_POST
def case_invite(request: NetworkRequest, pk: int) -> HttpResponse:
    """Mail the contribution link to the member organisations' contact persons."""
    case = get_case_for_user(request.user, request.network, pk, write=True)
    try:
        invited = case_services.invite_members(case=case, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The invitation was mailed to %(n)s contact persons.") % {"n": invited},
        )
    return redirect("advocacy:case-detail", pk=case.pk)


@role_required(READ_ROLES)
@require_GET
def document_file(request: NetworkRequest, pk: int) -> FileResponse:
    document = get_document_for_user(request.user, request.network, pk)
    if not document.file:
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=(document.file.name or "document").rsplit("/", 1)[-1],
    )


@role_required(APPROVE_ROLES)
@require_POST
def case_review(request: NetworkRequest, pk: int) -> HttpResponse:
    """The board approves the answer, or sends it back with what should change."""
    case = get_case_for_user(request.user, request.network, pk, roles=APPROVE_ROLES)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                case_services.approve(case=case, actor=request.user)
                messages.success(request, _("The answer was approved."))
            else:
                case_services.send_back(
                    case=case, actor=request.user, comment=form.cleaned_data["comment"]
                )
                messages.success(request, _("The answer was sent back for drafting."))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("advocacy:case-detail", pk=case.pk)
    return _case_page(request, case, review_form=form, status=400)


@role_required(WRITE_ROLES)
@require_POST
def case_sent(request: NetworkRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, request.network, pk, write=True)
    form = SentForm(request.POST)
    if form.is_valid():
        try:
            case_services.mark_sent(
                case=case, actor=request.user, sent_on=form.cleaned_data["sent_on"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The answer was marked as sent and logged in the plan."))
            return redirect("advocacy:case-detail", pk=case.pk)
    return _case_page(request, case, sent_form=form, status=400)


@role_required(WRITE_ROLES)
@require_POST
def case_publish(request: NetworkRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, request.network, pk, write=True)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            position = case_services.publish_case_answer(
                case=case, actor=request.user, title=form.cleaned_data["title"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The answer was published as a position."))
            return redirect("advocacy:position-detail", pk=position.pk)
    return _case_page(request, case, publish_form=form, status=400)


def _letter_response(letter: exports.Letter, kind: str) -> HttpResponse:
    if kind == "pdf":
        response = HttpResponse(exports.render_pdf(letter), content_type="application/pdf")
    else:
        response = HttpResponse(
            exports.render_docx(letter),
            content_type=(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            ),
        )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(letter, kind)}"'
    return response


@role_required(READ_ROLES)
@require_GET
def case_pdf(request: NetworkRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, request.network, pk)
    return _letter_response(exports.letter_for_case(case), "pdf")


@role_required(READ_ROLES)
@require_GET
def case_docx(request: NetworkRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, request.network, pk)
    return _letter_response(exports.letter_for_case(case), "docx")


CALENDAR = "advocacy.calendar"
CALENDAR_DAYS = datetime.timedelta(days=366)


def calendar_token(user: User, network: Network) -> str:
    """A staff member's own address for the deadline calendar (a calendar app cannot log in)."""
    return make_token(purpose=CALENDAR, network_id=network.pk, u=user.pk)


@role_required(READ_ROLES)
@require_GET
def case_calendar(request: NetworkRequest) -> HttpResponse:
    """The open cases' deadlines as an iCalendar feed, for staff."""
    return _calendar(request.network)


@require_GET
def case_calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The same feed at the staff member's signed address, for as long as they have the role."""
    network = current_network(request)
    try:
        values = read_token(token, purpose=CALENDAR, network=network, max_age=CALENDAR_DAYS)
    except LinkError:
        raise Http404 from None
    user_id = values.get("u")
    user = User.objects.filter(pk=int(user_id), is_active=True).first() if user_id else None
    if role_in(user, network) not in READ_ROLES:
        raise Http404
    return _calendar(network)


def _calendar(network: Network) -> HttpResponse:
    cases = Case.objects.for_network(network).open().filter(deadline_on__isnull=False)
    ics = exports.deadlines_ics(
        cases.by_deadline(),
        name=_("Consultation deadlines – %(network)s") % {"network": network.name},
        base_url=network.base_url,
    )
    return HttpResponse(ics, content_type="text/calendar; charset=utf-8")


# --- positions and national issues (staff) --------------------------------------------------


@role_required(READ_ROLES)
@require_GET
def position_admin_list(request: NetworkRequest) -> HttpResponse:
    positions = (
        Position.objects.for_network(request.network)
        .select_related("topic", "case")
        .order_by("-published_on", "-pk")
    )
    return render(
        request,
        "advocacy/position_admin_list.html",
        {"page": _page(request, positions), "query": _query(request)},
    )


def _position_form_page(
    request: NetworkRequest, *, position: Position | None = None
) -> HttpResponse:
    initial: dict[str, Any] = {"published_on": timezone.localdate()}
    if position is not None:
        initial = {
            "title": position.title,
            "text": position.text,
            "topic": position.topic_id,
            "published_on": position.published_on,
            "is_published": position.is_published,
        }
    form = PositionForm(request.POST or None, network=request.network, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = case_services.save_position(
                network=request.network,
                actor=request.user,
                position=position,
                title=data["title"],
                text=data["text"],
                topic=form.chosen_topic(),
                published_on=data["published_on"],
                is_published=data["is_published"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The position was saved."))
            return (
                redirect("advocacy:position-admin-list")
                if not saved.is_published
                else (redirect("advocacy:position-detail", pk=saved.pk))
            )
    return render(
        request,
        "advocacy/position_form.html",
        {"form": form, "position": position},
        status=_status(request),
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def position_create(request: NetworkRequest) -> HttpResponse:
    return _position_form_page(request)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def position_edit(request: NetworkRequest, pk: int) -> HttpResponse:
    position = get_position_for_user(request.user, request.network, pk, write=True)
    return _position_form_page(request, position=position)


@role_required(READ_ROLES)
@require_GET
def national_list(request: NetworkRequest) -> HttpResponse:
    """Issues raised with the national organisation, by year, for the annual report."""
    issues = NationalIssue.objects.for_network(request.network).order_by("-raised_on", "-pk")
    year = request.GET.get("year", "")
    if year.isdigit():
        issues = issues.filter(raised_on__year=int(year))
    return render(
        request,
        "advocacy/national_list.html",
        {"page": _page(request, issues), "year": year, "query": _query(request)},
    )


def _national_form_page(
    request: NetworkRequest, *, issue: NationalIssue | None = None
) -> HttpResponse:
    form = NationalIssueForm(
        request.POST or None,
        instance=issue,
        initial={} if issue else {"raised_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case_services.save_national_issue(
                network=request.network,
                issue=issue,
                **{name: form.cleaned_data[name] for name in NationalIssueForm.Meta.fields},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The issue was saved."))
            return redirect("advocacy:national-list")
    return render(
        request,
        "advocacy/national_form.html",
        {"form": form, "issue": issue},
        status=_status(request),
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def national_create(request: NetworkRequest) -> HttpResponse:
    return _national_form_page(request)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def national_edit(request: NetworkRequest, pk: int) -> HttpResponse:
    issue = get_national_issue_for_user(request.user, request.network, pk, write=True)
    return _national_form_page(request, issue=issue)


# --- search ------------------------------------------------------------------------------------


@role_required(READ_ROLES)
@require_GET
def staff_search(request: NetworkRequest) -> HttpResponse:
    """One search over watched entries, cases and positions."""
    form = SearchForm(request.GET or None)
    page = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        page = search(
            form.cleaned_data["q"],
            network=request.network,
            user=request.user,
            kinds=SEARCH_KINDS,
            page=request.GET.get("page"),
        )
    return render(request, "advocacy/search.html", {"form": form, "results": page})
