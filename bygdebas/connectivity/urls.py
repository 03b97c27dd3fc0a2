from django.urls import URLPattern

app_name = "connectivity"

urlpatterns: list[URLPattern] = []
