from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "kabar.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self):
        from . import backends, receivers  # noqa: PLC0415 - models are ready only now

        receivers.connect()
        backends.filter_images_by_tag_name()
