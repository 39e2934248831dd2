from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "kabar.news"
    label = "news"
    verbose_name = _("News")

    def ready(self):
        from . import purge, signals, tasks  # noqa: F401, PLC0415 - models are ready only now

        purge.connect()
        tasks.connect()
