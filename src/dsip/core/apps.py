from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dsip.core"
    label = "core"
    verbose_name = "Core"
