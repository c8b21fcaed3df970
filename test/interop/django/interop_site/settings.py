"""
A minimal Django project serving djangorestframework-simplejwt's views, for the interop test.

Everything that differs between runs comes from the environment, so that the test can start it
with the key and settings it shares with nest-rest-jwt:
- INTEROP_DB_DIR (required): the directory of the SQLite database (a temporary one).
- DJANGO_SECRET_KEY: Django's SECRET_KEY (and so simplejwt's default SIGNING_KEY).
- DJANGO_PASSWORD_HASHERS: Django's PASSWORD_HASHERS, comma-separated (the test picks a cheap one:
  every login hashes, and the machine is shared; Django's default otherwise).
- SIMPLE_JWT_<NAME>: the SIMPLE_JWT setting <NAME>, read as its default's type: lifetimes in
  seconds, booleans as true/false, tuples comma-separated, LEEWAY as a number, the rest as text.
  An unknown <NAME> stops the start-up, as a typo must not pass silently.
"""
import os
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def _required(name):
    value = os.environ.get(name)
    if not value:
        raise ImproperlyConfigured(f"{name} must be set (see interop_site/settings.py)")
    return value


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "interop-only-" + os.urandom(16).hex()
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "interop_site",
]
# No middleware: the views are DRF's (CSRF-exempt, no sessions), and the URLs accept a path with
# or without its trailing slash themselves (CommonMiddleware would redirect instead).
MIDDLEWARE = []
ROOT_URLCONF = "interop_site.urls"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(Path(_required("INTEROP_DB_DIR")) / "db.sqlite3"),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"

if os.environ.get("DJANGO_PASSWORD_HASHERS"):
    PASSWORD_HASHERS = [name.strip() for name in os.environ["DJANGO_PASSWORD_HASHERS"].split(",") if name.strip()]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ("rest_framework_simplejwt.authentication.JWTAuthentication",),
    "DEFAULT_PERMISSION_CLASSES": ("rest_framework.permissions.AllowAny",),
    "DEFAULT_RENDERER_CLASSES": ("rest_framework.renderers.JSONRenderer",),
}

# The types of simplejwt's defaults (5.2.2), to read SIMPLE_JWT_<NAME> as the setting expects.
_TIMEDELTAS = {
    "ACCESS_TOKEN_LIFETIME",
    "REFRESH_TOKEN_LIFETIME",
    "SLIDING_TOKEN_LIFETIME",
    "SLIDING_TOKEN_REFRESH_LIFETIME",
}
_BOOLEANS = {"ROTATE_REFRESH_TOKENS", "BLACKLIST_AFTER_ROTATION", "UPDATE_LAST_LOGIN"}
_TUPLES = {"AUTH_HEADER_TYPES", "AUTH_TOKEN_CLASSES"}
_NUMBERS = {"LEEWAY"}
_TEXTS = {
    "ALGORITHM",
    "SIGNING_KEY",
    "VERIFYING_KEY",
    "AUDIENCE",
    "ISSUER",
    "AUTH_HEADER_NAME",
    "USER_ID_FIELD",
    "USER_ID_CLAIM",
    "TOKEN_TYPE_CLAIM",
    "JTI_CLAIM",
    "SLIDING_TOKEN_REFRESH_EXP_CLAIM",
}


def _simple_jwt_from_environment():
    settings = {}
    for variable, text in os.environ.items():
        if not variable.startswith("SIMPLE_JWT_"):
            continue
        name = variable[len("SIMPLE_JWT_"):]
        if name in _TIMEDELTAS:
            settings[name] = timedelta(seconds=float(text))
        elif name in _BOOLEANS:
            if text not in ("true", "false"):
                raise ImproperlyConfigured(f"{variable} must be true or false, not {text!r}")
            settings[name] = text == "true"
        elif name in _TUPLES:
            settings[name] = tuple(part.strip() for part in text.split(",") if part.strip())
        elif name in _NUMBERS:
            settings[name] = float(text)
        elif name in _TEXTS:
            settings[name] = text
        else:
            raise ImproperlyConfigured(f"{variable}: no SIMPLE_JWT setting of that name is read here")
    return settings


SIMPLE_JWT = _simple_jwt_from_environment()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    # Errors (a 500's traceback) reach stderr, which the test shows when something fails.
    "loggers": {"django": {"handlers": ["stderr"], "level": "ERROR"}},
}
