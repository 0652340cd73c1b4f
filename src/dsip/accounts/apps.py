from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "dsip.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from dsip.accounts import auth_audit  # noqa: F401  (connects Django's auth signals to the audit log)
