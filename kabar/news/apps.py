from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "kabar.news"
    label = "news"
    verbose_name = _("News")

    def ready(self):
        # Models are ready only now.
        from . import breaking, live, purge, signals, tasks  # noqa: F401, PLC0415

        purge.connect()
        tasks.connect()
        live.connect()
        breaking.connect()
