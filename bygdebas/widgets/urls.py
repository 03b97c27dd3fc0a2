from django.urls import path

from bygdebas.widgets import views

app_name = "widgets"

urlpatterns = [
    path("widget/tema.css", views.theme_css, name="theme-css"),
    path("widget/<slug:key>/", views.widget_frame, name="widget"),
    path("kansli/widgetar/", views.embed_list, name="embed-list"),
    path("kansli/widgetar/installningar/", views.embed_settings, name="embed-settings"),
]
