"""PLACEHOLDER: being written; every view answers 404 until then."""

from django.http import Http404, HttpRequest, HttpResponse


def event_list(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def event_month(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def event_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def event_register(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def event_ics(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def feed(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def feed_municipality(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def registration(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def registration_cancel(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def registration_accept(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
