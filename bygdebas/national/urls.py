from django.urls import path

from bygdebas.national import views

app_name = "national"

urlpatterns = [
    path("riks/", views.overview, name="overview"),
    path("kansli/riks/omraden/<int:year>/", views.area_mapping, name="area-mapping"),
    path("kansli/planer-fran-andra/", views.plan_sources, name="plan-sources"),
    path("kansli/planer-fran-andra/<int:pk>/", views.plan_copy, name="plan-copy"),
]
