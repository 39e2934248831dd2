"""Language selection that ignores Accept-Language: Indonesian unless the reader chose."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class SiteLanguageMiddleware:
    """Activate the language from the language-switch cookie, else the site default.

    Django's LocaleMiddleware also honours the browser's Accept-Language header; we do not,
    so the site is Indonesian first and an anonymous page is the same for every reader who
    has not picked a language (which keeps cached pages correct). The choice is made with
    a plain link (kabar.core.language), so it works on pages served from the page cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        # The language cookie picks the words on the page: caches must keep a copy for each.
        patch_vary_headers(response, ["Cookie"])
        translation.deactivate()
        return response
