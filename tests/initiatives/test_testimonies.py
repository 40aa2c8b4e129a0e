"""Testimonies: always moderated before publication, name or anonymous, checked photos."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.initiatives import models as initiative_models
from maillage.initiatives import selectors, services
from tests.initiatives.conftest import image_bytes

pytestmark = pytest.mark.django_db


def _bodies(viewer, initiative):
    return [r.testimony.body for r in selectors.testimonies_of(viewer=viewer,
                                                               initiative=initiative)]


def test_a_testimony_waits_for_moderation_before_anyone_else_sees_it(people, make_initiative):
    initiative = make_initiative()
    testimony = services.testimony_create(actor=people["resident"], initiative=initiative,
                                          body="Sans eux je n'irais plus chez le cardiologue.")
    assert testimony.status == "pending"
    assert _bodies(people["other"], initiative) == []
    assert _bodies(people["anonymous"], initiative) == []
    assert _bodies(people["resident"], initiative) == [testimony.body]
    assert selectors.pending_testimonies(viewer=people["moderator"]) == [testimony]
    assert selectors.pending_testimonies(viewer=people["far_moderator"]) == []
    services.testimony_moderate(actor=people["moderator"], testimony=testimony, approve=True)
    assert _bodies(people["anonymous"], initiative) == [testimony.body]


def test_only_a_moderator_of_the_territory_decides(people, make_initiative):
    initiative = make_initiative()
    testimony = services.testimony_create(actor=people["resident"], initiative=initiative,
                                          body="Merci.")
    for who in ("far_moderator", "owner", "resident"):
        with pytest.raises(PermissionDenied):
            services.testimony_moderate(actor=people[who], testimony=testimony, approve=True)


def test_a_refusal_needs_a_reason_and_the_author_is_told(people, make_initiative):
    from maillage.participation.models import Notification

    initiative = make_initiative()
    testimony = services.testimony_create(actor=people["resident"], initiative=initiative,
                                          body="Propos injurieux")
    with pytest.raises(ValidationError):
        services.testimony_moderate(actor=people["moderator"], testimony=testimony,
                                    approve=False, reason="")
    services.testimony_moderate(actor=people["moderator"], testimony=testimony, approve=False,
                                reason="Propos injurieux envers une personne.")
    assert _bodies(people["anonymous"], initiative) == []
    assert Notification.objects.filter(user=people["resident"],
                                       title__contains="n'a pas été publié").exists()
    with pytest.raises(ValidationError):
        services.testimony_moderate(actor=people["moderator"], testimony=testimony,
                                    approve=True)


def test_the_author_chooses_a_name_or_anonymity(people, make_initiative):
    initiative = make_initiative()
    named = services.testimony_create(actor=people["resident"], initiative=initiative,
                                      body="Avec mon nom", show_name=True)
    hidden = services.testimony_create(actor=people["other"], initiative=initiative,
                                       body="Sans mon nom")
    assert selectors.author_label(named) == "Rosa"
    assert selectors.author_label(hidden) == "Anonyme"


def test_unverified_people_cannot_testify_and_empty_text_is_refused(people, make_initiative):
    initiative = make_initiative()
    with pytest.raises(PermissionDenied):
        services.testimony_create(actor=people["unverified"], initiative=initiative, body="x")
    with pytest.raises(ValidationError) as caught:
        services.testimony_create(actor=people["resident"], initiative=initiative, body="  ")
    assert "body" in caught.value.message_dict
    assert not initiative_models.Testimony.objects.exists()


def test_owners_and_followers_hear_of_a_published_testimony(people, make_initiative):
    from maillage.participation.models import Notification

    initiative = make_initiative()
    services.initiative_follow(actor=people["other"], initiative=initiative)
    testimony = services.testimony_create(actor=people["resident"], initiative=initiative,
                                          body="Formidable.")
    assert Notification.objects.filter(user=people["moderator"],
                                       title__contains="à modérer").exists()
    services.testimony_moderate(actor=people["moderator"], testimony=testimony, approve=True)
    for who in ("other", "owner"):
        assert Notification.objects.filter(user=people[who],
                                           title__contains="Nouveau témoignage").exists()


# Photos ------------------------------------------------------------------------------------

def test_a_photo_is_re_encoded_without_its_metadata(people, make_initiative, upload):
    from PIL import Image

    raw = image_bytes("JPEG", exif=True)
    assert b"SecretCam" in raw
    testimony = services.testimony_create(
        actor=people["resident"], initiative=make_initiative(), body="Photo du minibus",
        photo=upload(raw), photo_description="Le minibus devant la mairie")
    stored = testimony.photo.read()
    assert b"SecretCam" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
    assert testimony.photo.name.startswith("initiatives/temoignages/")


def test_a_png_becomes_a_jpeg(people, make_initiative, upload):
    testimony = services.testimony_create(
        actor=people["resident"], initiative=make_initiative(), body="png",
        photo=upload(image_bytes("PNG"), name="x.png", content_type="image/png"),
        photo_description="Un carré rouge")
    assert testimony.photo.read()[:3] == b"\xff\xd8\xff"


@pytest.mark.parametrize("content", [
    b"%PDF-1.4 not an image at all",
    b"<script>alert(1)</script>",
    image_bytes("GIF"),
])
def test_a_file_that_is_not_an_accepted_image_is_refused_whatever_its_name(
        people, make_initiative, upload, content, media_in_tmp):
    initiative = make_initiative()
    with pytest.raises(ValidationError) as caught:
        services.testimony_create(actor=people["resident"], initiative=initiative,
                                  body="texte", photo=upload(content, name="photo.jpg"),
                                  photo_description="une photo")
    assert "photo" in caught.value.message_dict
    assert not initiative_models.Testimony.objects.exists()
    assert not [p for p in media_in_tmp.rglob("*") if p.is_file()]


def test_a_photo_too_large_is_refused(people, make_initiative, upload, settings):
    settings.MAILLAGE_INITIATIVES_PHOTO_MAX_BYTES = 500
    with pytest.raises(ValidationError) as caught:
        services.testimony_create(actor=people["resident"], initiative=make_initiative(),
                                  body="texte", photo=upload(image_bytes(size=(400, 400))),
                                  photo_description="grande")
    assert "Mo" in caught.value.message_dict["photo"][0]
    assert not initiative_models.Testimony.objects.exists()


def test_a_photo_needs_a_description(people, make_initiative, upload):
    with pytest.raises(ValidationError) as caught:
        services.testimony_create(actor=people["resident"], initiative=make_initiative(),
                                  body="texte", photo=upload())
    assert "photo_description" in caught.value.message_dict
    assert not initiative_models.Testimony.objects.exists()


def test_a_pending_photo_is_served_to_its_author_and_moderators_only(
        people, make_initiative, upload, client):
    from django.urls import reverse

    testimony = services.testimony_create(
        actor=people["resident"], initiative=make_initiative(), body="texte", photo=upload(),
        photo_description="une photo")
    url = reverse("initiatives:testimony_photo", args=[testimony.pk])
    assert client.get(url).status_code == 404
    client.force_login(people["other"])
    assert client.get(url).status_code == 404
    client.force_login(people["moderator"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    services.testimony_moderate(actor=people["moderator"], testimony=testimony, approve=True)
    client.logout()
    assert client.get(url).status_code == 200
