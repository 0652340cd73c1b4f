"""Django settings for DSIP, read from the environment (see docs/operations.md).

Every value that differs between the demo and production comes from a
``DSIP_*`` variable through the strict readers in ``dsip.core.env``; a bad value
stops start-up with a message that names the variable.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from dsip.core.env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("DSIP_DATA_DIR", str(Path.cwd() / "data"))).resolve()

DEBUG = env_bool("DSIP_DEBUG", False)
DEMO = env_bool("DSIP_DEMO", False)
_RELAXED = DEBUG or DEMO

SECRET_KEY = env_str("DSIP_SECRET_KEY", "demo-only-insecure-secret-key-do-not-use" if _RELAXED else None)
if not _RELAXED and len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("DSIP_SECRET_KEY: must be at least 32 characters.")

ALLOWED_HOSTS = env_list("DSIP_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if _RELAXED else [])
if "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("DSIP_ALLOWED_HOSTS: '*' is not allowed; list the host names.")
CSRF_TRUSTED_ORIGINS = env_list("DSIP_CSRF_TRUSTED_ORIGINS", [])

# Field encryption: "kid:base64(32 bytes)[,kid:base64…]", first key encrypts,
# all keys decrypt. The blind index key is separate so that rotating the
# encryption key never changes lookups. See docs/keys.md.
_DEMO_FIELD_KEYS = "demo1:ZGVtby1vbmx5LWZpZWxkLWtleS0zMi1ieXRlcy0hISE="  # 32 bytes
_DEMO_INDEX_KEY = "ZGVtby1vbmx5LWJsaW5kLWluZGV4LWtleS0zMmJ5dGU="
DSIP_FIELD_KEYS = env_str("DSIP_FIELD_KEYS", _DEMO_FIELD_KEYS if _RELAXED else None)
DSIP_INDEX_KEY = env_str("DSIP_INDEX_KEY", _DEMO_INDEX_KEY if _RELAXED else None)

DSIP_AUDIT_RETENTION_DAYS = env_int("DSIP_AUDIT_RETENTION_DAYS", 400, minimum=180)

INSTALLED_APPS = [
    # First, so that its changepassword/createsuperuser (refusals that point to
    # `dsip users`) win over django.contrib.auth's: the first app with a command name wins.
    "dsip.accounts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks_db",
    "ninja",  # serves the bundled Swagger UI files for /api/v1/docs (no CDN)
    "dsip.core",
    "dsip.regions",
    "dsip.audit",
    "dsip.registry",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "dsip.core.middleware.RequestContextMiddleware",
    "dsip.accounts.middleware.TwoFactorRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dsip.urls"
WSGI_APPLICATION = "dsip.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "dsip.accounts.context_processors.navigation",
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'dsip.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(env_str("DSIP_DATABASE_URL", _default_db), conn_max_age=60)}
except ValueError as exc:  # dj_database_url's unknown-scheme error does not name our variable
    raise ImproperlyConfigured("DSIP_DATABASE_URL: not a database URL (sqlite:///path or postgres://…).") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] not in {"django.db.backends.postgresql"}:
    raise ImproperlyConfigured("DSIP_DATABASE_URL: only sqlite:// and postgres:// URLs are supported.")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "dsip.accounts.passwords.CharacterClassValidator"},
    {"NAME": "dsip.accounts.passwords.NoReuseValidator", "OPTIONS": {"history": 5}},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# MLPS level 3: lock out after 5 failures, 30-minute idle timeout.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
# Lock the account, not the IP: a county office shares one NAT address.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

SECURE_COOKIES = env_bool("DSIP_SECURE_COOKIES", not _RELAXED)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("DSIP_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

OTP_TOTP_ISSUER = "DSIP 残疾人服务平台"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# dsip/ is a package, not an app, so its static/ folder must be named here.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOG_LEVEL = env_str("DSIP_LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"DSIP_LOG_LEVEL: expected DEBUG, INFO, WARNING, ERROR or CRITICAL, got {LOG_LEVEL!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"axes": {"level": "WARNING"}},
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 500
