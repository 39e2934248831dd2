from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kabar.core"
    label = "core"
