"""Browser journeys: the `browser` and `page` fixtures live in tests/conftest.py so that one
Chromium serves every app's journeys (a second sync Playwright session would fail)."""
