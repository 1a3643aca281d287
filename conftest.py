"""Compile the translation catalogues before tests, so a bare `pytest` sees the same pages as `make test`."""

import django
from django.core.management import call_command


def pytest_configure(config):
    import tempfile

    from django.conf import settings

    django.setup()
    call_command("compile_catalogues", verbosity=0)
    # Built matching indexes go to a throwaway folder, never into the developer's data/.
    settings.INDEX_DIR = tempfile.mkdtemp(prefix="innobridge-index-")
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="innobridge-media-")
