from django.urls import path

from maillage.insights import views

app_name = "insights"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("comparer/", views.compare, name="compare"),
    path("comparer/export.csv", views.compare_csv, name="compare_csv"),
    path("regions/<str:region>/calculer/", views.run_start, name="run_start"),
    path("calculs/<int:pk>/", views.run_detail, name="run"),
    path("calculs/<int:pk>/export.csv", views.run_csv, name="run_csv"),
    path("calculs/<int:pk>/carte.geojson", views.run_geojson, name="run_geojson"),
    path("calculs/<int:pk>/reference-drees/", views.reference, name="reference"),
]
