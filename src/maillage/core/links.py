"""Links that leave the site (e-mails): a path of the site with the site's address before it."""

from __future__ import annotations

from django.conf import settings


def absolute_url(url: str) -> str:
    """`MAILLAGE_SITE_URL` before a path of the site; any other link as it is."""
    base = getattr(settings, "MAILLAGE_SITE_URL", "").rstrip("/")
    return base + url if url.startswith("/") else url
