"""Checking and cleaning a testimony's photo before it is stored.

The type is read from the content with Pillow, never from the name or the browser's claim; the
image is re-encoded to JPEG, which drops EXIF (GPS position, camera serial), XMP and ICC data.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# Beyond this, decoding alone could exhaust memory (a "decompression bomb").
MAX_PIXELS = 40_000_000
LONGEST_SIDE = 2000


def max_bytes() -> int:
    return int(getattr(settings, "MAILLAGE_INITIATIVES_PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES))


def photo_clean(upload: Any, field_name: str = "photo") -> ContentFile:
    """A JPEG without metadata from an uploaded file, or a ValidationError naming the field."""
    limit = max_bytes()
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            {field_name: _("La photo dépasse %(mb)s Mo.") % {"mb": round(limit / 1024 / 1024, 1)}},
            code="too_large")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            width, height = probe.size
            probe.verify()
        if kind not in ACCEPTED_FORMATS:
            raise ValidationError(
                {field_name: _("Format non accepté : envoyez une photo JPEG, PNG ou WebP.")},
                code="bad_type")
        if width * height > MAX_PIXELS:
            raise ValidationError({field_name: _("Image trop grande (%(w)s × %(h)s pixels).")
                                   % {"w": width, "h": height}}, code="too_many_pixels")
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGB")
            image.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
            out = io.BytesIO()
            # No exif= / icc_profile= argument: the new file carries no metadata.
            image.save(out, format="JPEG", quality=85, optimize=True)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            {field_name: _("Ce fichier n'est pas une image lisible (JPEG, PNG ou WebP).")},
            code="bad_type") from exc
    return ContentFile(out.getvalue(), name="photo.jpg")
