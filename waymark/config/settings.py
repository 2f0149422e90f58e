"""Waymark settings: one module, read from the environment.

Local runs need no configuration: SQLite, DEBUG on, mail to the console. Setting
``WAYMARK_ENV=production`` switches on the production safety rails, which refuse to start
rather than run unsafely (no secret key, SQLite without an explicit override).
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = BASE_DIR / "waymark"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

ENVIRONMENT = env.str("WAYMARK_ENV", default="development")
if ENVIRONMENT not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"WAYMARK_ENV must be development, test or production, not {ENVIRONMENT!r}")
PRODUCTION = ENVIRONMENT == "production"

# --- Secrets -------------------------------------------------------------------------------
_DEV_SECRET_KEY = "waymark-development-only-secret-key-never-use-in-production-0123456789"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="" if PRODUCTION else _DEV_SECRET_KEY)
if PRODUCTION and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("Production needs SECRET_KEY set to a random value of 50+ characters.")

# Key for the audit hash chain (HMAC). Rows carry no key id, so this key never rotates; in
# production it must be set on its own rather than borrowed from SECRET_KEY (which rotates).
AUDIT_CHAIN_KEY = env.str("AUDIT_CHAIN_KEY", default="" if PRODUCTION else SECRET_KEY)
if PRODUCTION and (len(AUDIT_CHAIN_KEY) < 32 or AUDIT_CHAIN_KEY == SECRET_KEY):
    raise ImproperlyConfigured("Production needs its own AUDIT_CHAIN_KEY (32+ characters, not the SECRET_KEY).")

# Keys for field encryption (AES-256-GCM): "id:base64key,id:base64key"; the first encrypts,
# all decrypt, so keys rotate with `manage.py reencrypt`.
_DEV_FIELD_KEYS = "dev1:ZGV2ZWxvcG1lbnQtb25seS1maWVsZC1rZXktMzJieXQ="
FIELD_ENCRYPTION_KEYS = env.str("FIELD_ENCRYPTION_KEYS", default="" if PRODUCTION else _DEV_FIELD_KEYS)
if PRODUCTION and (not FIELD_ENCRYPTION_KEYS or FIELD_ENCRYPTION_KEYS == _DEV_FIELD_KEYS):
    raise ImproperlyConfigured("Production needs FIELD_ENCRYPTION_KEYS (see docs/deployment.md).")
# Key for blind indexes (keyed hashes of postcodes, phones, emails used for matching):
# "id:base64key". When empty it is derived from the first field key (waymark/core/crypto.py), so
# rotating the field keys would change it; production must set it on its own, because a disposed
# record's programme-firewall indexes cannot be rebuilt under a new key (docs/data-protection.md,
# "What disposal keeps") and would stop hiding a participant's address at her old home.
BLIND_INDEX_KEY = env.str("BLIND_INDEX_KEY", default="")
if PRODUCTION and not BLIND_INDEX_KEY:
    raise ImproperlyConfigured("Production needs its own BLIND_INDEX_KEY (see docs/deployment.md).")

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production: error pages would leak records.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Database ------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'waymark.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    # SQLite's page cache is 2 MB by default and each request opens its own connection: every
    # report query read its pages back from the operating system. Memory-mapped reads share the
    # operating system's cache between connections, a larger page cache serves a request's later
    # queries from memory, and sorts and materialized tables stay in memory (about 10% of the
    # outcomes dashboard since April 2013, bench/reports_bench.py). Sizes are caps, not allocations.
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA mmap_size=1073741824; PRAGMA cache_size=-32768; PRAGMA temp_store=MEMORY",
        }
    )
    if PRODUCTION and not env.bool("WAYMARK_ALLOW_SQLITE_IN_PRODUCTION", default=False):
        raise ImproperlyConfigured(
            "Production refuses SQLite: set DATABASE_URL to PostgreSQL, or set "
            "WAYMARK_ALLOW_SQLITE_IN_PRODUCTION=1 if you really mean it."
        )
if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # PostgreSQL's JIT is off. Waymark's queries are short reads of a few indexed rows, but on a
    # large table the planner's cost estimate for a scoped, joined page query (a caseload, a
    # journey) can pass jit_above_cost, and then each execution spends tens to hundreds of
    # milliseconds compiling code for a query that itself takes a few: a page under load
    # misses its 100 ms. Nothing Waymark runs is a long analytical scan that JIT would repay
    # (reports aggregate indexed columns). Set WAYMARK_PG_JIT=on to measure the difference.
    DATABASES["default"].setdefault("OPTIONS", {})
    jit = "on" if env.bool("WAYMARK_PG_JIT", default=False) else "off"
    DATABASES["default"]["OPTIONS"]["options"] = (
        DATABASES["default"]["OPTIONS"].get("options", "") + f" -c jit={jit}"
    ).strip()
# A read replica for reports (docs/deployment.md): `manage.py report` reads from it.
if env.str("REPORTS_DATABASE_URL", default=""):
    DATABASES["reports"] = env.db("REPORTS_DATABASE_URL")
    DATABASES["reports"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    DATABASES["reports"]["TEST"] = {"MIRROR": "default"}
REPORTS_FROM_REPLICA = "reports" in DATABASES
# The statements of one report read side by side on this many connections of their own
# (waymark.core.parallel_reads): each app process may hold this many more database connections.
WAYMARK_REPORT_THREADS = env.int("WAYMARK_REPORT_THREADS", default=2)
DATABASE_ROUTERS = ["waymark.core.db_router.ReportsReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Applications --------------------------------------------------------------------------
INSTALLED_APPS = [
    "waymark.web.apps.WaymarkAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "csp",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    # Waymark's own apps, one per domain noun.
    "waymark.core",
    "waymark.accounts",
    "waymark.organisations",
    "waymark.audit",
    "waymark.people",
    "waymark.risk",
    "waymark.incidents",
    "waymark.routing",
    "waymark.matching",
    "waymark.referrals",
    "waymark.cases",
    "waymark.support",
    "waymark.housing",
    "waymark.outcomes",
    "waymark.perpetrators",
    "waymark.journey",
    "waymark.marac.apps.MaracConfig",
    "waymark.training",
    "waymark.strategy",
    "waymark.refuge",
    "waymark.commissioning",
    "waymark.interchange",
    "waymark.operations",
    "waymark.api",
    "waymark.web",  # the site: admin, middleware, error pages, home page, `manage.py report`
    "waymark.breakglass",
    "waymark.dataprotection",
]
if not PRODUCTION:
    # The demo (``manage.py seed_demo``, ``demo_totp``) creates logins with known passwords: it is
    # not installed in production, so its commands do not exist there (docs/demo.md).
    INSTALLED_APPS.append("waymark.demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "waymark.web.middleware.RequestIdMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's, but a view that only reads the session never writes it back (core/sessions.py).
    "waymark.core.sessions.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "waymark.web.middleware.AbsoluteSessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "waymark.web.middleware.NoStoreMiddleware",
    "waymark.web.middleware.AccessPolicyMiddleware",
    # An uncaught ValidationError (the date guard on every model) is a 400 page, not a 500.
    "waymark.web.errors.ValidationErrorMiddleware",
    # Axes last, as its docs require: it turns lockouts into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "waymark.config.urls"
WSGI_APPLICATION = "waymark.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "waymark.web.context_processors.navigation",
            ],
        },
    }
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Authentication ------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"
PASSWORD_RESET_TIMEOUT = 60 * 60  # reset links last at most an hour

ACCOUNT_ADAPTER = "waymark.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell the user when their password or MFA changes
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# A reset request queues the same job whatever address was typed (waymark/accounts/password_reset.py).
ACCOUNT_FORMS = {"reset_password": "waymark.accounts.password_reset.QueuedResetPasswordForm"}
# allauth's limits stay on: wrong MFA codes (5 per 5 minutes per user), reset emails, password
# changes. Wrong passwords are django-axes's (AccountAdapter.pre_authenticate skips allauth's);
# sign-in attempts per IP are generous because partner offices share one address.
ACCOUNT_RATE_LIMITS = {"login": "120/m/ip"}
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
MFA_ADAPTER = "waymark.accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION  # http://127.0.0.1 in development only
MFA_TOTP_ISSUER = "Waymark"
MFA_RECOVERY_CODE_COUNT = 10

# Lockout: 5 failures for the same account from the same IP locks that pair for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
# Per account and address, and per account across every address: five failures for one account
# lock it wherever the next guess comes from (a second address no longer gets five more).
# Unlock: manage.py unlock_account <email> (docs/security.md).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_USERNAME_FORM_FIELD = "login"
# Axes stores a keyed hash of the normalised address, never what was typed (waymark/accounts/lockout.py).
AXES_USERNAME_CALLABLE = "waymark.accounts.lockout.axes_username"
AXES_SENSITIVE_PARAMETERS = ["login", "username", "ip_address"]
# Fifteen minutes from the lock, as the lockout page says; trying again meanwhile does not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list("AXES_IP_HEADERS", default=["REMOTE_ADDR"])
AXES_VERBOSE = False

# Sessions: 15 minutes idle, 10 hours absolute from sign-in (AbsoluteSessionTimeoutMiddleware).
# The server record's expiry is renewed by a request when its last renewal is a minute old, not by
# every request (waymark/core/sessions.py): a session ends between 14 and 15 idle minutes.
SESSION_COOKIE_AGE = 15 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_INTERVAL = timedelta(minutes=1)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=10)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# --- Transport and browser security --------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-waymark-session"
    CSRF_COOKIE_NAME = "__Host-waymark-csrf"

# No inline script anywhere; nothing from third parties.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Static files --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- Email ---------------------------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
if PRODUCTION:
    vars().update(env.email("EMAIL_URL", default="smtp://localhost:25"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Waymark <no-reply@waymark.invalid>")
# Links in emails (sent by the worker, outside any request) start with this.
WAYMARK_BASE_URL = env.str("WAYMARK_BASE_URL", default="")
if PRODUCTION and not WAYMARK_BASE_URL:
    # Left to the default, a password reset link (built by the worker, which has no request to take
    # a host from) would point at the machine the worker runs on.
    raise ImproperlyConfigured(
        "Production needs WAYMARK_BASE_URL, the service's address: every link in the emails the worker "
        "sends (password resets among them) starts with it."
    )
WAYMARK_BASE_URL = WAYMARK_BASE_URL or "http://127.0.0.1:8000"

# --- Cache: shared by every app server (used for one-time MFA codes), so the database. -----
# "default": one-time codes, rate limits, lockouts and the search-sweep detector: security state.
# "figures": each quarter's withheld figures (``outcomes.disclosure.withheld_in_units``,
# content-addressed), thousands of entries a new set of counts adds to. Apart, so that culling a
# full figures cache can never evict a rate limit or a lockout (a cull drops keys in key order).
CACHES = {
    "default": env.cache("CACHE_URL", default="dbcache://waymark_cache" if PRODUCTION else "locmemcache://"),
    "figures": env.cache(
        "FIGURES_CACHE_URL",
        default="dbcache://waymark_figures_cache?max_entries=50000"
        if PRODUCTION
        else "locmemcache://figures?max_entries=20000",
    ),
}
# --- Background tasks ----------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- REST API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "waymark.api.tokens.ServiceTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only, size- and depth-limited (waymark/api/permissions.py), for every API view.
    "DEFAULT_PARSER_CLASSES": ["waymark.api.permissions.LimitedJSONParser"],
    # A ValidationError raised below the serializer (an action, the date guard) is a 400, not a 500.
    "EXCEPTION_HANDLER": "waymark.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["waymark.api.tokens.ApiCallerThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api": env.str("API_RATE", default="1200/hour"),
        # Known-person searches, per user and per API token, pages and API alike (waymark/matching/throttle.py).
        "person_search_burst": env.str("PERSON_SEARCH_BURST_RATE", default="30/min"),
        "person_search_sustained": env.str("PERSON_SEARCH_SUSTAINED_RATE", default="400/day"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Waymark API",
    "DESCRIPTION": "People search, referrals and risk assessments, under the same access rules as the web interface.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # One schema name for the yes/no/not-known answers shared by the safe-contact fields
    # (otherwise drf-spectacular warns, and check --deploy --fail-level WARNING fails).
    "ENUM_NAME_OVERRIDES": {"YesNoUnknownEnum": "waymark.referrals.choices.YesNoUnknown"},
}

# --- Limits --------------------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- Locale --------------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
# "2 December 2026" everywhere (waymark/config/formats/en_GB/formats.py).
FORMAT_MODULE_PATH = ["waymark.config.formats"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Logging: never record field values; request ids tie log lines to audit events. --------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "waymark.core.logging.RequestIdFilter"},
        "secret_paths": {"()": "waymark.core.logging.SecretPathFilter"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "secret_paths"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django logs request bodies' context on errors at this logger: keep it to status lines.
        "django.request": {"level": "ERROR", "propagate": True},
        "django.security.DisallowedHost": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}

# --- Waymark's own configuration -----------------------------------------------------------
WAYMARK_PHASE = env.str("WAYMARK_PHASE", default="Beta")
WAYMARK_PARTNERSHIP_NAME = env.str("WAYMARK_PARTNERSHIP_NAME", default="Southmere Domestic Abuse Partnership")
# Referrals: the agency that receives them (its ``ref``), and where "Exit this page" on the
# public self-referral form goes (a neutral site that gives nothing away).
REFERRALS_RECEIVING_AGENCY_REF = env.str("REFERRALS_RECEIVING_AGENCY_REF", default="SASS")
SELFREFERRAL_EXIT_URL = env.str("SELFREFERRAL_EXIT_URL", default="https://www.bbc.co.uk/weather")

# MARAC: which repeat rule is the partnership's headline ("local": victim discussed at any earlier
# meeting; "12_month": the national rule), and the recommended repeat range it is checked against.
MARAC_HEADLINE_REPEAT_RULE = env.str("MARAC_HEADLINE_REPEAT_RULE", default="local")
MARAC_RECOMMENDED_REPEAT_RANGE = (
    env.float("MARAC_RECOMMENDED_REPEAT_MIN", default=0.28),
    env.float("MARAC_RECOMMENDED_REPEAT_MAX", default=0.40),
)
# MARAC referrals made directly (not from a case) record the people named as held by this agency:
# the MARAC coordination team, who link them to existing records.
MARAC_AGENCY_REF = env.str("MARAC_AGENCY_REF", default="SCS")
# MARAC meetings: days between regular meetings, and how many cases an agenda holds.
MARAC_MEETING_INTERVAL_DAYS = env.int("MARAC_MEETING_INTERVAL_DAYS", default=14)
MARAC_MEETING_CAPACITY = env.int("MARAC_MEETING_CAPACITY", default=16)
# MARAC national benchmarks: cases a year per 10,000 adult (16+) women, against the borough's
# adult female population (ONS mid-year estimate; set it for your area), referrals a year per
# full-time IDVA, and MARAC cases a year per full-time administrator.
MARAC_ADULT_FEMALE_POPULATION = env.int("MARAC_ADULT_FEMALE_POPULATION", default=128_000)
MARAC_CASES_PER_10000_WOMEN_BENCHMARK = env.float("MARAC_CASES_PER_10000_WOMEN_BENCHMARK", default=40.0)
MARAC_REFERRALS_PER_IDVA = env.int("MARAC_REFERRALS_PER_IDVA", default=100)
MARAC_CASES_PER_ADMINISTRATOR = env.int("MARAC_CASES_PER_ADMINISTRATOR", default=400)
# MARAC: the national repeat rule's window in calendar months ("within 12 months of the pair's last
# referral"), which flag and tag also uses.
MARAC_REPEAT_WINDOW_MONTHS = env.int("MARAC_REPEAT_WINDOW_MONTHS", default=12)

# Casework: the first-contact service standard (working days from referral, England and Wales
# bank holidays excluded), how often outcomes are reviewed, and the caseload benchmark per
# full-time worker.
CASES_FIRST_CONTACT_WORKING_DAYS = env.int("CASES_FIRST_CONTACT_WORKING_DAYS", default=2)
CASES_REVIEW_INTERVAL_MONTHS = env.int("CASES_REVIEW_INTERVAL_MONTHS", default=3)
CASES_CASELOAD_BENCHMARK = (
    env.int("CASES_CASELOAD_BENCHMARK_MIN", default=60),
    env.int("CASES_CASELOAD_BENCHMARK_MAX", default=80),
)
# Legal orders: how many days before expiry the caseworker is alerted.
SUPPORT_ORDER_EXPIRY_ALERT_DAYS = env.int("SUPPORT_ORDER_EXPIRY_ALERT_DAYS", default=28)
# Outcomes: a fall in risk counts when the reassessment is within this many days of engagement.
OUTCOMES_RISK_REDUCTION_WINDOW_DAYS = env.int("OUTCOMES_RISK_REDUCTION_WINDOW_DAYS", default=90)

# Small-number suppression on every aggregate a commissioner, partnership lead or the board sees
# (waymark/core/disclosure.py): counts 1 to N-1 withheld, with secondary suppression; optionally
# every shown count rounded to the nearest DISCLOSURE_ROUND_TO (0: no rounding).
DISCLOSURE_SUPPRESS_BELOW = env.int("DISCLOSURE_SUPPRESS_BELOW", default=10)
DISCLOSURE_ROUND_TO = env.int("DISCLOSURE_ROUND_TO", default=0)
# Commissioning: the home panel warns of contracts ending within this many days.
COMMISSIONING_CONTRACT_END_ALERT_DAYS = env.int("COMMISSIONING_CONTRACT_END_ALERT_DAYS", default=365)
# Perpetrator programme: sessions in a standard enrolment (the borough's programme is 26 weeks).
PERPETRATOR_PROGRAMME_SESSIONS = env.int("PERPETRATOR_PROGRAMME_SESSIONS", default=26)
# ... and how many of them a participant may miss and still complete.
PERPETRATOR_PROGRAMME_ALLOWED_ABSENCES = env.int("PERPETRATOR_PROGRAMME_ALLOWED_ABSENCES", default=3)
