"""Checks shared by the services: field-level errors and the refusal of a right."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from maillage.territories.models import Commune


def _deny(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def _commune(code: str | None, field_name: str = "commune", *, required: bool = True
             ) -> Commune | None:
    code = (code or "").strip().upper()
    if not code:
        if required:
            raise ValidationError({field_name: _("Indiquez la commune.")}, code="required")
        return None
    commune = Commune.objects.filter(pk=code).first()
    if commune is None:
        raise ValidationError(
            {field_name: _("Aucune commune n'a le code INSEE %(code)s.") % {"code": code}},
            code="unknown_commune")
    return commune


def _text(value: str, field_name: str, *, limit: int, required: bool = False,
          label: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field_name: _("Ce champ est obligatoire.")}, code="required")
    if len(value) > limit:
        raise ValidationError(
            {field_name: _("%(n)s caractères au plus (%(got)s saisis).")
             % {"n": limit, "got": len(value)}}, code="too_long")
    return value
