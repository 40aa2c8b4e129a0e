"""Factories for initiatives: people per role around the Lozère, an initiative, photos."""

from __future__ import annotations

import io

import pytest


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def people(geography, make_user, grant, with_totp):
    from django.contrib.auth.models import AnonymousUser

    from maillage.territories.models import Commune

    mende = Commune.objects.get(pk="48095")
    cast = {
        "anonymous": AnonymousUser(),
        "unverified": make_user(email="unverified@example.org", verified=False),
        "owner": make_user(email="owner@example.org", home_commune=mende,
                           display_name="Claire"),
        "other": make_user(email="other@example.org", display_name="Paul"),
        "resident": make_user(email="resident@example.org", home_commune=mende,
                              display_name="Rosa"),
        "moderator": make_user(email="moderator@example.org"),
        "far_moderator": make_user(email="far-moderator@example.org"),
    }
    grant(cast["moderator"], "moderator", "departement", "48")
    grant(cast["far_moderator"], "moderator", "departement", "12")
    with_totp(cast["moderator"])
    with_totp(cast["far_moderator"])
    return cast


@pytest.fixture
def make_initiative(people):
    from maillage.initiatives import services

    def make(actor=None, **extra):
        values = {
            "title": "Transport solidaire du Gévaudan", "kind": "transport_solidaire",
            "theme": "mobilite", "population": "personnes_agees",
            "summary": "Des bénévoles conduisent les habitants à leurs rendez-vous.",
            "commune": "48095", "run_by": "Association Gévaudan Mobilité",
            "contact": "contact@gevaudan-mobilite.example",
        } | extra
        return services.initiative_create(actor=actor or people["owner"], **values)

    return make


def image_bytes(fmt: str = "JPEG", size=(64, 48), exif: bool = False) -> bytes:
    from PIL import Image

    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    options = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x0131] = "Firmware 1.2"  # Software
        options["exif"] = data.tobytes()
    image.save(out, format=fmt, **options)
    return out.getvalue()


@pytest.fixture
def upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    def make(content: bytes | None = None, name: str = "photo.jpg",
             content_type: str = "image/jpeg"):
        return SimpleUploadedFile(name, content if content is not None else image_bytes(),
                                  content_type=content_type)

    return make
