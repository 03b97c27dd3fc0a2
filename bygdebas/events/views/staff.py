"""PLACEHOLDER: being written; every view answers 404 until then."""

from django.http import Http404, HttpRequest, HttpResponse


def event_list(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def event_create(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def event_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def event_edit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def event_duplicate(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def event_cancel(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def event_message(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def event_attendance(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def event_outcome(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def participants_export(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def registration_promote(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def registration_cancel(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
