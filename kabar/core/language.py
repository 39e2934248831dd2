"""The language switch: a plain link per language to this view, which sets the language cookie
and sends the reader back to the page they were on.

Why a cookie set by a GET link, not Django's set_language (a POST) nor language prefixes in
URLs: a POST needs a CSRF token, which a page shared from the page cache cannot carry, so
every anonymous reader was refused. Prefixes (/en/berita/...) would change every address
that old links, feeds and the imported WordPress redirects point at; and what the switch
changes is the interface around an article, not the article (written in one language), so
there is no second version for search engines to index. The page
cache already keys pages by this cookie (kabar.core.page_cache.lookup, and nginx's
proxy_cache_key in deploy/), so each page is kept once per language. The link works with and
without JavaScript; it is rel="nofollow", and this view's answer is never cached.

Setting a preference is all a request here can do, so it needs no CSRF protection: the
worst a link on another site can do is switch a reader's interface language.
"""

from django.conf import global_settings, settings
from django.http import HttpResponseRedirect
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import to_locale
from django.views.decorators.http import require_safe

LANGUAGE_PARAMETER = "language"
NEXT_PARAMETER = "next"


def _next_path(request):
    """The `next` path if it is a path on this site, else the home page: never another host
    (an open redirect), another scheme (javascript:) or a relative path."""
    target = request.GET.get(NEXT_PARAMETER, "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts=set(), require_https=request.is_secure()
    ):
        return target
    return "/"


@require_safe
def switch_language(request):
    """Set the language cookie to `language` (when it is one of LANGUAGES) and redirect to
    `next`, query string included."""
    response = HttpResponseRedirect(_next_path(request))
    language = request.GET.get(LANGUAGE_PARAMETER)
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    add_never_cache_headers(response)
    return response


# The languages an article may be written in (its lang attribute, its metadata), which are
# not the interface's (settings.LANGUAGES): a newsroom writing in Javanese or Thai may run
# its site in Indonesian. Django's list, and the languages of Indonesia and its neighbours
# that it lacks.
REGIONAL_LANGUAGES = [
    ("ace", _("Acehnese")),
    ("ban", _("Balinese")),
    ("bjn", _("Banjar")),
    ("bug", _("Buginese")),
    ("fil", _("Filipino")),
    ("jv", _("Javanese")),
    ("mad", _("Madurese")),
    ("min", _("Minangkabau")),
    ("su", _("Sundanese")),
    ("tet", _("Tetum")),
]
# Codes other systems write for a language Django names otherwise.
LANGUAGE_ALIASES = {
    "zh": "zh-hans",
    "zh-cn": "zh-hans",
    "zh-sg": "zh-hans",
    "zh-my": "zh-hans",
    "zh-tw": "zh-hant",
    "zh-hk": "zh-hant",
    "zh-mo": "zh-hant",
    "tl": "fil",
    "in": "id",  # Java's old code for Indonesian
    "jw": "jv",  # Java's old code for Javanese
}


def content_languages():
    """(code, name) of every language an article may be written in, by name."""
    # Django's names are marked for its catalogue, not translated: here they are.
    named = {code: _(name) for code, name in global_settings.LANGUAGES}
    named.update(REGIONAL_LANGUAGES)
    named.update(settings.LANGUAGES)
    return sorted(named.items(), key=lambda item: str(item[1]))


def content_language(code):
    """The article language `code` names (en-US: en, zh_TW: zh-hant, zh-Hans-CN: zh-hans,
    th-TH: th), or None: the code, then each shorter prefix of it, or what they stand for."""
    parts = (code or "").strip().lower().replace("_", "-").split("-")
    known = {known for known, _name in content_languages()}
    for end in range(len(parts), 0, -1):
        candidate = "-".join(parts[:end])
        for named in (candidate, LANGUAGE_ALIASES.get(candidate)):
            if named in known:
                return named
    return None


# Django names Chinese by script; Google News and Open Graph want a country's code.
_CHINESE = {"zh-hans": ("zh-cn", "zh_CN"), "zh-hant": ("zh-tw", "zh_TW")}


def iso_language(code):
    """An article language as Google News' sitemaps name it (ISO 639: the language's own
    subtag; zh-cn or zh-tw for Chinese)."""
    return _CHINESE[code][0] if code in _CHINESE else code.split("-")[0]


def open_graph_locale(code):
    """An article language as Open Graph's og:locale takes it (ll_CC where Kabar knows the
    country, else the language's own subtag)."""
    return _CHINESE[code][1] if code in _CHINESE else to_locale(code)
