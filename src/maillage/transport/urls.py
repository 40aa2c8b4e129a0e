from django.urls import path

from maillage.transport import views

app_name = "transport"
urlpatterns = [
    path("", views.index, name="index"),
    path("demander/", views.ride_new, name="ride_new"),
    path("transports/<int:pk>/", views.ride_detail, name="ride"),
    path("transports/<int:pk>/annuler/", views.ride_cancel, name="ride_cancel"),
    path("transports/<int:pk>/recu/", views.ride_receipt, name="ride_receipt"),
    path("consultations/", views.access_log, name="access_log"),
    path("beneficiaires/<int:pk>/recus/", views.member_receipts, name="member_receipts"),
    path("beneficiaires/<int:pk>/mandats/nouveau/", views.mandate_new, name="mandate_new"),
    path("associations/<int:pk>/", views.association_detail, name="association"),
    path("associations/<int:pk>/reglages/", views.association_settings, name="settings"),
    path("associations/<int:pk>/beneficiaires/nouveau/", views.member_new, name="member_new"),
    path("associations/<int:pk>/benevoles/nouveau/", views.volunteer_new, name="volunteer_new"),
    path("associations/<int:pk>/planifier/", views.plan_start, name="plan_start"),
    path("associations/<int:pk>/rapport/", views.report, name="report"),
    path("associations/<int:pk>/territoire/", views.territory, name="territory"),
    path("benevoles/<int:pk>/", views.volunteer_detail, name="volunteer"),
    path("plannings/<int:pk>/", views.plan_detail, name="plan"),
    path("plannings/<int:pk>/publier/", views.plan_publish, name="plan_publish"),
    path("plannings/<int:pk>/replanifier/", views.plan_replan, name="plan_replan"),
    path("trajets/<int:pk>/confier/", views.leg_move, name="leg_move"),
    path("trajets/<int:pk>/<slug:action>/", views.leg_action, name="leg_action"),
    path("ma-tournee/", views.driver_day, name="driver_day"),
]
