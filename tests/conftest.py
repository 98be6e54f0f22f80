"""Shared fixtures: settings for tests and the path of the corpus copied into tests/."""
import os
import tempfile
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
CORPUS_DIR = TESTS_DIR / "corpus"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """A SQLite test database in a file rather than in memory, so that the worker processes of
    tests/test_import_workers.py can open it too (PostgreSQL's is a real database anyway)."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3" and not db.get("TEST", {}).get("NAME"):
        db.setdefault("TEST", {})["NAME"] = os.path.join(tempfile.gettempdir(), f"test-reports-{os.getpid()}.sqlite3")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Plain HTTP for the test client (production redirects to HTTPS), a fast password hasher,
    uploaded files in a throwaway folder, never in the project's media/, and import tasks run
    at once in the test's own process and transaction (tests/test_import_workers.py runs real
    workers)."""
    settings.SECURE_SSL_REDIRECT = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (zh-hans): LocaleMiddleware activates a request's
    language in the thread that served it and never resets it, so an English test-client request
    would otherwise leave English on for code that later runs outside a request."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def staff_client(db):
    """A test client signed in as a staff user (no other permissions)."""
    from django.test import Client

    from tests.factories import UserFactory

    staff = Client()
    staff.force_login(UserFactory(username="staff", is_staff=True))
    return staff
