"""PLACEHOLDER: being written; every view answers 404 until then."""

from django.http import Http404, HttpRequest, HttpResponse


def body_list(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def body_create(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def body_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def body_edit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def meeting_create(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def meeting_edit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def meeting_delete(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
