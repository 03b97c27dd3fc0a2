from django.urls import path

from bygdebas.public import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("om/", views.about, name="about"),
    path("kontakt/", views.contact, name="contact"),
]
