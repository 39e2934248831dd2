from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionConfig(AppConfig):
    name = "kabar.discussion"
    label = "discussion"
    verbose_name = _("Reader discussion")

    def ready(self):
        from . import receivers  # noqa: PLC0415 - models are ready only now

        receivers.connect()
