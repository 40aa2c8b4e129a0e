from django.urls import path

from maillage.mobilization import views

app_name = "mobilization"
urlpatterns = [
    path("", views.index, name="index"),
    path("petitions/", views.petitions, name="petitions"),
    path("petitions/nouvelle/", views.petition_create, name="petition_create"),
    path("petitions/<int:pk>/", views.petition, name="petition"),
    path("petitions/<int:pk>/signer/", views.petition_sign, name="petition_sign"),
    path("petitions/<int:pk>/repondre/", views.petition_answer, name="petition_answer"),
    path("petitions/<int:pk>/moderer/", views.petition_moderate, name="petition_moderate"),
    path("petitions/<int:pk>/clore/", views.petition_close, name="petition_close"),
    path("petitions/<int:pk>/signatures.csv", views.petition_signatures_csv,
         name="petition_csv"),
    path("petitions/<int:pk>/petition.pdf", views.petition_pdf, name="petition_pdf"),
    path("moderation/", views.moderation, name="moderation"),
    path("dossier/", views.dossier, name="dossier"),
    path("dossier/dossier.pdf", views.dossier_pdf, name="dossier_pdf"),
    path("forums/", views.threads, name="threads"),
    path("forums/nouvelle/", views.thread_create, name="thread_create"),
    path("forums/<int:pk>/", views.thread, name="thread"),
    path("forums/<int:pk>/repondre/", views.post_create, name="post_create"),
    path("forums/<int:pk>/meilleure-reponse/", views.thread_best, name="thread_best"),
    path("forums/<int:pk>/suivre/", views.thread_follow, name="thread_follow"),
    path("forums/messages/<int:pk>/reagir/", views.post_react, name="post_react"),
    path("moderer/<str:kind>/<int:pk>/<str:action>/", views.content_moderate,
         name="moderate"),
    path("campagnes/", views.campaigns, name="campaigns"),
    path("campagnes/nouvelle/", views.campaign_create, name="campaign_create"),
    path("campagnes/<int:pk>/", views.campaign, name="campaign"),
    path("campagnes/<int:pk>/messages/", views.campaign_message, name="campaign_message"),
    path("campagnes/preferences/", views.campaign_preferences, name="campaign_preferences"),
    path("campagnes/desinscription/<str:token>/", views.campaign_unsubscribe,
         name="unsubscribe"),
    path("campagnes/<int:pk>/evenements/", views.event_create, name="event_create"),
    path("evenements/<int:pk>/inscription/", views.event_register, name="event_register"),
]
