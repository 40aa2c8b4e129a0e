from django.urls import path

from maillage.planning import loop_views, prevention_views, siting_views, views

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
    path("implantations/", siting_views.siting_new, name="siting_new"),
    path("implantations/<int:pk>/", siting_views.siting_run, name="siting_run"),
    path("implantations/<int:pk>/carte.geojson", siting_views.siting_run_geojson,
         name="siting_run_geojson"),
    path("implantations/<int:pk>/scenario/", siting_views.siting_to_scenario,
         name="siting_to_scenario"),
    path("scenarios/<int:pk>/departs-projetes/", siting_views.retirements_project,
         name="retirements_project"),
    path("priorites/", siting_views.priority, name="priority"),
    path("prevention/", prevention_views.prevention_page, name="prevention"),
    path("prevention/campagne/", prevention_views.campaign_create, name="prevention_campaign"),
    path("prevention/depistage/", prevention_views.screening_create,
         name="prevention_screening"),
    path("depistages/<int:pk>/", prevention_views.screening_detail, name="screening"),
    # The loop: publish, put to the people, decide, measure.
    path("scenarios/<int:pk>/publier/", loop_views.publish, name="publish"),
    path("voter/", loop_views.put_to_vote, name="put_to_vote"),
    path("votes/<int:pk>/", loop_views.ballot_detail, name="ballot"),
    path("votes/<int:pk>/retenir/", loop_views.ballot_decide, name="ballot_decide"),
    path("actions/", loop_views.actions_index, name="actions"),
    path("actions/<int:pk>/", loop_views.action_evaluation, name="evaluation"),
    path("actions/<int:pk>/mesure/", loop_views.action_measure, name="action_measure"),
    path("actions/<int:pk>/avis/", loop_views.action_feedback, name="action_feedback"),
]
