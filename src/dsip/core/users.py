"""Looking up the account a management command names (``--as USERNAME``, ``--user``, a positional name).

Operators read either language and a command runs with whatever language the
shell has, so command errors carry both (``bilingual``), Chinese first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy as _

from dsip.core.errors import both_languages

if TYPE_CHECKING:  # core is the shared kernel: it does not import accounts at run time
    from dsip.accounts.models import User


def bilingual(message: Any, params: dict[str, Any] | None = None) -> str:
    """A lazy message in Chinese and English (``params`` filled into each), once when both read the same."""
    texts = both_languages(message)
    if params is not None:
        texts = {lang: text % params for lang, text in texts.items()}
    return " / ".join(dict.fromkeys([texts["zh-hans"], texts["en"]]))


def user_by_username_or_error(username: str) -> User:
    """The user with this username (its org unit loaded), or a CommandError naming it in both languages."""
    user = get_user_model().objects.select_related("org_unit").filter(username=username).first()
    if user is None:
        raise CommandError(bilingual(_("No user named “%(username)s”."), {"username": username}))
    return user
