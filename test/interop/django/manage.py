#!/usr/bin/env python3
"""The Django project of the simplejwt interop test (test/interop/simplejwt.e2e-spec.ts)."""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interop_site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
