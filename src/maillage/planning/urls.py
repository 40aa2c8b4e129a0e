from django.urls import path

from maillage.planning import views

app_name = "planning"
urlpatterns = [
    path("", views.index, name="index"),
    path("nouveau/", views.scenario_new, name="new"),
    path("comparer/", views.compare, name="compare"),
    path("scenarios/<int:pk>/", views.scenario_detail, name="scenario"),
    path("scenarios/<int:pk>/carte.geojson", views.scenario_geojson, name="scenario_geojson"),
    path("scenarios/<int:pk>/changements/", views.change_add, name="change_add"),
    path("scenarios/<int:pk>/changements/<int:change>/retirer/", views.change_remove,
         name="change_remove"),
    path("scenarios/<int:pk>/calculer/", views.compute, name="compute"),
    path("scenarios/<int:pk>/supprimer/", views.delete, name="delete"),
]
