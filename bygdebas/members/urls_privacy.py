"""URLs of the privacy pages (included by members.urls)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
