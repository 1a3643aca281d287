"""Compile the translation catalogues before tests, so a bare `pytest` sees the same pages as `make test`."""

import django
import pytest
from django.core.management import call_command


def pytest_configure(config):
    import tempfile

    from django.conf import settings

    django.setup()
    call_command("compile_catalogues", verbosity=0)
    # Built matching indexes go to a throwaway folder, never into the developer's data/.
    settings.INDEX_DIR = tempfile.mkdtemp(prefix="innobridge-index-")
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="innobridge-media-")
    # Tests create and sign in hundreds of users (every demo load resets eleven passwords): the
    # production hasher's 1,000,000 PBKDF2 rounds are deliberate cost, which tests need not pay.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Background jobs run at once, inside the test's transaction, unless a test says otherwise.
    settings.JOBS_MODE = "eager"


@pytest.fixture(autouse=True)
def _fresh_matching_indexes(settings, tmp_path_factory):
    """Each test sees indexes built from its own rows, not ones cached by an earlier test.

    Tests roll their writes back, and a rolled-back database can repeat an earlier test's
    state, so neither the in-process indexes nor the index files may carry over.
    """
    from django.core.cache import cache

    from innobridge.matching import index

    settings.INDEX_DIR = str(tmp_path_factory.mktemp("index"))
    index.clear_cache()
    cache.clear()  # page fragments (the directory's cards) drawn from another test's rows
    yield
    index.clear_cache()
