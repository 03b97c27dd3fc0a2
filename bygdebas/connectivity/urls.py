from django.urls import path

from bygdebas.connectivity import views

app_name = "connectivity"

urlpatterns = [
    path("", views.analysis_list, name="analysis-list"),
    path("analyser/ny/", views.analysis_create, name="analysis-create"),
    path("analyser/<int:pk>/", views.analysis_detail, name="analysis-detail"),
    path("analyser/<int:pk>/forlopp/", views.analysis_progress, name="analysis-progress"),
    path("analyser/<int:pk>/karta.json", views.analysis_map, name="analysis-map"),
    path("analyser/<int:pk>/analys.<str:fmt>", views.analysis_export, name="analysis-export"),
    path("analyser/<int:pk>/ta-bort/", views.analysis_delete, name="analysis-delete"),
    path("analyser/<int:pk>/kor-igen/", views.analysis_rerun, name="analysis-rerun"),
    path("trafikdata/", views.feed_list, name="feed-list"),
    path("trafikdata/ladda-upp/", views.feed_upload, name="feed-upload"),
    path("trafikdata/<int:pk>/", views.feed_detail, name="feed-detail"),
    path("trafikdata/<int:pk>/ta-bort/", views.feed_delete, name="feed-delete"),
]
