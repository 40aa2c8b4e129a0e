"""Settings for the test suite: fast hashing, tasks run in-process, e-mail kept in memory."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")

from maillage.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MAILLAGE_REQUIRE_MFA_FOR_PROFESSIONALS = True
ACCOUNT_RATE_LIMITS = False
MAILLAGE_API_RATE_PER_MINUTE = 100_000
