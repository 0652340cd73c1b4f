from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dsip.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.core.checks import Tags, register

        from dsip.core.checks import check_field_keys

        register(check_field_keys, Tags.security)
