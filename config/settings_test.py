"""Settings for the test suite: the real settings with a test key and immediate background jobs."""

from __future__ import annotations

import os

os.environ.setdefault("KAOHE_SECRET_KEY", "test-suite-only-key")
os.environ.setdefault("KAOHE_SECURE_COOKIES", "0")
os.environ.setdefault("KAOHE_SSL_REDIRECT", "0")  # the test client speaks plain HTTP

from config.settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
