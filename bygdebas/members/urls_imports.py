"""URLs of the imports pages (included by members.urls)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
