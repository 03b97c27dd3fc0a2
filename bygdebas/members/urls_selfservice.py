"""URLs of the selfservice pages (included by members.urls)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
