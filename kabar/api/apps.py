from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kabar.api"
    label = "api"
    verbose_name = "Kabar API"

    def ready(self):
        # Views import the discussion's models: only now are they ready.
        from kabar.core.page_cache import cache_by_query  # noqa: PLC0415

        from .endpoint import OWN_HEADER  # noqa: PLC0415
        from .views.threads import COUNT_PARAMETERS, THREAD_PARAMETERS  # noqa: PLC0415

        # An anonymous reader's thread and counts are everyone's: kept in the page cache,
        # by their query and the Origin; a request with the own proof is the reader's own.
        cache_by_query("api:threads", THREAD_PARAMETERS, private_headers=[OWN_HEADER])
        cache_by_query("api:counts", COUNT_PARAMETERS, private_headers=[OWN_HEADER])
