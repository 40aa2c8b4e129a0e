import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.config.settings")
application = get_wsgi_application()
# Load every app's views and API now (the engines behind them take seconds to import), so that
# the first visitor after a start does not wait for them.
get_resolver().url_patterns  # noqa: B018
