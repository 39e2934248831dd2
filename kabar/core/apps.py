from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kabar.core"
    label = "core"

    def ready(self):
        from . import purge

        purge.connect()
