"""Compile the translation catalogues before tests, so a bare `pytest` sees the same pages as `make test`."""

import django
from django.core.management import call_command


def pytest_configure(config):
    django.setup()
    call_command("compile_catalogues", verbosity=0)
