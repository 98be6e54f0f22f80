"""Shared fixtures: settings for tests and the path of the corpus copied into tests/."""
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
CORPUS_DIR = TESTS_DIR / "corpus"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Plain HTTP for the test client (production redirects to HTTPS), a fast password hasher,
    and uploaded files in a throwaway folder, never in the project's media/."""
    settings.SECURE_SSL_REDIRECT = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
