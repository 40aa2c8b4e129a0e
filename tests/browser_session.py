"""A Playwright browser context already logged in as a user, for the browser journeys."""

from __future__ import annotations

from typing import Any


def logged_in_context(browser: Any, live_server: Any, user: Any, **options: Any) -> Any:
    """A French-speaking context carrying ``user``'s session cookie (no login form to fill)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="fr-FR", **options)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                          "url": live_server.url}])
    return context
