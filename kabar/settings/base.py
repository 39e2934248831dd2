"""Every Kabar setting; the environment only supplies secrets and switches integrations on."""

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# Runtime data (SQLite database, media) lives under var/ unless KABAR_DATA_DIR says otherwise.
DATA_DIR = Path(os.environ.get("KABAR_DATA_DIR", PACKAGE_DIR.parent / "var")).resolve()

SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS: list[str] = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "kabar.core",
    "kabar.news",
    "kabar.discussion",
    "kabar.ingest",
    "kabar.search",
    "kabar.api",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

# The page cache sits near the top so a hit skips everything below it; what it stores is the
# response as the middleware under it left it (security headers included). Compression is
# above it only to compress what the cache passes by (it stores its own gzip and brotli copies).
MIDDLEWARE = [
    "kabar.core.compression.CompressionMiddleware",
    "kabar.core.page_cache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "kabar.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kabar.core.dbguard.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kabar.core.middleware.SiteLanguageMiddleware",
    "kabar.core.memo.SiteMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Bad input in an admin address (a page number, a chooser's ids) answered 400 or 404.
    "kabar.core.admin_input.AdminInputMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Innermost: an old WordPress address (a 404 here, or /?p=ID) answers 301 in one hop.
    "kabar.ingest.middleware.LegacyRedirectMiddleware",
]

ROOT_URLCONF = "kabar.urls"
WSGI_APPLICATION = "kabar.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "kabar.news.context_processors.site_chrome",
            ],
        },
    },
]

# SQLite in WAL mode with immediate transactions and a busy timeout, so concurrent
# commenters queue for the write lock instead of failing with "database is locked".
SQLITE_OPTIONS = {
    "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"),
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}

# PostgreSQL: parameters bound by the server, not quoted into the SQL in Python, so each
# query keeps one text and psycopg prepares it once it has run five times on a connection
# (Django turns preparing off unless told). Under the comment-POST load this took a fifth
# of the CPU per comment (client quoting, and the server parsing and planning each query
# anew: 0.5 ms of planning for the commenter's 0.2 ms read). A pooler that cannot keep
# prepared statements (PgBouncer in transaction mode before 1.21, or without
# max_prepared_statements) needs KABAR_DB_PREPARED=false (settings/production).
POSTGRES_OPTIONS = {"server_side_binding": True, "prepare_threshold": 5}
# Django's backend with a health check that does not ask the server while the connection
# has not heard from it (kabar/core/postgresql/base.py): a round trip fewer per request.
POSTGRES_ENGINE = "kabar.core.postgresql"


def with_engine_options(database, *, prepared=True):
    """`database` (a DATABASES entry) with Kabar's options for its engine: SQLITE_OPTIONS,
    or POSTGRES_OPTIONS under the address's own (preparing off unless `prepared`) and
    Django's PostgreSQL backend replaced by POSTGRES_ENGINE."""
    engine = database["ENGINE"]
    if engine.endswith("sqlite3"):
        return {**database, "OPTIONS": SQLITE_OPTIONS}
    if engine.endswith("postgresql"):
        off = {} if prepared else {"prepare_threshold": None}
        options = {**POSTGRES_OPTIONS, **off, **database.get("OPTIONS", {})}
        if engine == "django.db.backends.postgresql":
            engine = POSTGRES_ENGINE
        return {**database, "ENGINE": engine, "OPTIONS": options}
    return database


DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "kabar.sqlite3",
        "OPTIONS": SQLITE_OPTIONS,
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# "pages" holds the page cache, apart from "default" (rate-limit counters and the like) so
# that many pages never push a counter out. Production: Redis, or files (settings/production).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "kabar",
    },
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "kabar-pages",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Indonesian first; English complete. The reader's choice is a cookie set by the
# language switch; the browser's Accept-Language is not consulted, so a page is the
# same for every anonymous reader who has not chosen.
LANGUAGE_CODE = "id"
LANGUAGES = [
    ("id", "Bahasa Indonesia"),
    ("en", "English"),
]
# Kabar's own catalogues first; then its Indonesian for Wagtail's admin (Wagtail's own is
# id_ID, never loaded for "id", and incomplete): scripts/wagtail_messages.py checks it against
# the installed Wagtail. Earlier entries win, and both win over the apps' catalogues.
LOCALE_PATHS = [PACKAGE_DIR / "locale", PACKAGE_DIR / "locale_wagtail"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# Uploaded images served by Kabar itself (kabar/urls.py): the demo's; production leaves
# them to the web server or storage in front.
KABAR_SERVE_MEDIA = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names and .gz/.br copies made by collectstatic (`kabar serve`, `kabar demo`);
    # WhiteNoise serves the copy the client accepts, with a year-long immutable lifetime.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

WAGTAIL_SITE_NAME = "Kabar"
# The site's public address; production and dev settings set it (KABAR_SITE_URL).
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
# A reader's language choice lasts a year, not only until the browser closes.
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
# Sent with a reader's own visits and links from elsewhere, not with other sites' requests
# (Django sets no SameSite on it unless told).
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Wagtail's database backend; on SQLite with a query's quotes read as FTS5 reads them.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "kabar.search.backends"}}
# What editors may upload as documents, and what a WordPress site's files become: what a
# newsroom publishes for download (reports, rulings, budgets, recordings of an interview).
# Never markup, SVG, scripts or programs (kabar.ingest.wordpress.files.NEVER_DOCUMENTS).
WAGTAILDOCS_EXTENSIONS = [
    "csv", "doc", "docx", "epub", "key", "m4a", "mp3", "odp", "ods", "odt", "oga", "ogg",
    "pdf", "ppt", "pptx", "rtf", "txt", "wav", "xls", "xlsx", "zip",
]  # fmt: skip
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# No avatar requests to gravatar.com from the admin (privacy; the admin's CSP allows none).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"avif": "webp"}

LOGIN_URL = "wagtailadmin_login"

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = "Kabar <redaksi@localhost>"

# Background tasks (django-tasks). Wagtail's own tasks keep running inline ("default");
# Kabar's mail goes through a queue kept in the database ("kabar"), so a slow or failing
# mail server never holds up a reader's request and failed sends are retried with backoff.
# The embedded default runs that queue's worker as a thread inside each web process
# (started by kabar/wsgi.py); a growing newsroom sets KABAR_TASK_WORKER=external and runs
# `kabar worker` as its own process instead.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "kabar": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}
KABAR_TASKS_IN_PROCESS = os.environ.get("KABAR_TASK_WORKER", "in-process") == "in-process"
# Finished rows of the task queue are deleted after this many days (by the hourly retention
# task; the mail delivery log is kept apart).
KABAR_TASK_RESULTS_KEEP_DAYS = 14

KABAR_MAIL = {
    # A failed send is tried again after BACKOFF_SECONDS, then twice that, and so on,
    # up to MAX_ATTEMPTS tries in all; then the delivery log shows it as failed.
    "MAX_ATTEMPTS": 5,
    "BACKOFF_SECONDS": 60,
    "BACKOFF_MAX_SECONDS": 60 * 60,
    # How long an email confirmation link works.
    "CONFIRM_MAX_AGE": 60 * 60 * 24 * 7,
    # At most this many confirmation mails to one address a day (a subscription each).
    "CONFIRM_PER_DAY": 3,
}

SESSION_COOKIE_HTTPONLY = True
# Django's database sessions; a forged key is no key (kabar/core/sessions.py).
SESSION_ENGINE = "kabar.core.sessions"
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

# Reader discussion.
KABAR_COMMENTS = {
    # Deepest reply level; a reply to a comment at this level attaches beside it.
    "THREAD_DEPTH": 5,
    # The moderators' mail about comments waits this long, gathering the comments that
    # follow into one message (a digest) per moderator.
    "STAFF_DIGEST_SECONDS": 120,
    # How long the "your comment is awaiting moderation" cookie lets its author see it.
    "PENDING_COOKIE_AGE": 60 * 60 * 24 * 7,
    # "Save my name, email, and website in this browser" lasts this long.
    "COMMENTER_COOKIE_AGE": 60 * 60 * 24 * 365,
    # Flood and burst limits on comment posts (per client address and per email; the
    # flood interval itself is a discussion setting). Benchmarks switch them off.
    "RATE_LIMITS": True,
    "CLIENT_BURST_COMMENTS": 5,
    "CLIENT_BURST_SECONDS": 10 * 60,
    # The learned spam score holds a comment from this score up; it marks it spam only
    # from the second figure up and when another spam check agrees.
    "LEARNED_HOLD_AT": 0.8,
    "LEARNED_SPAM_AT": 0.99,
    # Marked spam at this score when a content check that holds by itself (a pitch, a
    # disguised word, advertising in the name, email or website) agrees.
    "LEARNED_SPAM_WITH_EVIDENCE_AT": 0.9,
}

# Networks (CIDR) of our own reverse proxies / load balancers: only from these is
# X-Forwarded-For believed when finding a reader's address. Empty: REMOTE_ADDR is the
# reader. Production reads KABAR_TRUSTED_PROXIES (comma-separated).
KABAR_TRUSTED_PROXIES: list[str] = []

# Fronts.
KABAR_SECTION_PAGE_SIZE = 20

# Page cache for anonymous readers (kabar/core/page_cache.py): articles, fronts, author and tag
# pages, feeds and sitemaps, purged by kabar/core/purge.py whenever they change.
KABAR_PAGE_CACHE = {
    "ENABLED": True,
    "ALIAS": "pages",
    # An entry's lifetime if nothing purges it first.
    "TIMEOUT": 60 * 60,
    # s-maxage sent to shared caches in front (nginx micro-cache, CDN); raise it only when
    # they are purged too (KABAR_PURGE_URL / Cloudflare in production).
    "SHARED_MAX_AGE": 1,
    # Query parameters that select a page of the same view: kept in the cache key.
    "PAGE_PARAMETERS": ["page", "cpage"],
    # Parameters no view reads (campaign tags, click ids): left out of the key. Any other
    # parameter (search, replytocom, ...) makes the request bypass the cache.
    "IGNORED_PARAMETERS": ["utm_*", "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid"],
    # Views whose responses are stored, besides Wagtail pages; those under LISTS are
    # purged whenever any article or comment changes.
    "LISTS": [
        "robots",
        "sitemap",
        "sitemap_news",
        "sitemap_pages",
        "sitemap_tags",
        "sitemap_authors",
        "news:author",
        "news:tag",
        "news:feed",
        "news:feed_atom",
        "news:section_feed",
        "news:section_feed_atom",
        "news:ninjs_feed",
        "news:ninjs_article",
        "discussion:feed",
        "discussion:feed_atom",
        "discussion:article_feed",
        "discussion:article_feed_atom",
    ],
    # Never looked up or stored.
    "EXCLUDED_PREFIXES": ["/admin/", "/static/", "/media/", "/documents/", "/i18n/"],
    # Bytes of entries each process keeps in its own memory in front of a shared cache.
    "LOCAL_BYTES": 32 * 1024 * 1024,
}
# Approved comment threads rendered once per change (kabar/discussion/fragments.py), for
# the article pages the page cache does not answer.
KABAR_THREAD_CACHE = {
    "ENABLED": True,
    "ALIAS": "default",
    # An entry's lifetime if no comment change replaces it first.
    "TIMEOUT": 60 * 60,
}
# A request carrying any of these cookies gets a page of its own: the cache is bypassed and
# the response never stored. (kabar_commenter is only read by the page's script: the page
# is the same with it, so it does not count.)
KABAR_PRIVATE_COOKIES = ["sessionid", "kabar_own", "kabar_pending", "messages"]

# Security headers (kabar/core/security.py). The public site allows no inline script or
# style; the Wagtail admin needs both, so it gets the looser ADMIN policy.
KABAR_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)
KABAR_CSP_ADMIN = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob: https:; media-src 'self' https:; frame-src 'self' https:; "
    "frame-ancestors 'self'; form-action 'self'; base-uri 'self'; object-src 'none'"
)
KABAR_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), browsing-topics=()"
)
# Guessing limits (kabar.core.guessing), each counted in windows of SECONDS; once one is
# reached, further attempts are refused (HTTP 429) until its window has passed.
# Admin sign-in: failures for one username from one address (FAILURES), for one username
# from anywhere (USERNAME_FAILURES: higher, so that one address cannot lock the real owner
# out) and from one address for any username (ADDRESS_FAILURES).
KABAR_LOGIN_THROTTLE = {
    "FAILURES": 5,
    "USERNAME_FAILURES": 50,
    "ADDRESS_FAILURES": 20,
    "SECONDS": 15 * 60,
}
# A protected page's password form: wrong passwords from one address (FAILURES) and for one
# page's password from anywhere (PAGE_FAILURES).
KABAR_PAGE_PASSWORD_THROTTLE = {"FAILURES": 10, "PAGE_FAILURES": 100, "SECONDS": 15 * 60}
# The admin's password reset: mails to one account (MAILS) and requests from one address
# (ADDRESS_MAILS); over either, the same answer and no mail.
KABAR_PASSWORD_RESET_THROTTLE = {"MAILS": 3, "ADDRESS_MAILS": 10, "SECONDS": 60 * 60}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_faults_brief": {"()": "kabar.core.logfilters.ClientFaultsBrief"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_faults_brief"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"kabar": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

# WordPress imports from the admin: the largest export accepted (Django streams uploads
# over FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file; DATA_UPLOAD_MAX_MEMORY_SIZE does not
# count files), and the folder under which an operator may place a copy of wp-content/uploads
# for the import to read (None: the admin form has no uploads field).
KABAR_IMPORT_MAX_UPLOAD_SIZE = 2 * 1024**3
KABAR_IMPORT_UPLOADS_ROOT = None

# Editorial workflow ("Tinjauan redaksi", made by news/migrations/0004_roles.py).
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_WORKFLOW_CANCEL_ON_PUBLISH = True
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = False
# A locked page binds everyone but whoever locked it; concurrent-editing notices every 10 s.
WAGTAILADMIN_GLOBAL_EDIT_LOCK = False
WAGTAIL_EDITING_SESSION_PING_INTERVAL = 10_000
