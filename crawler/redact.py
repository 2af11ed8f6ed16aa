"""Secrets (and private names) out of everything the crawler prints or stores.

Connection strings carry passwords (MongoDB, Redis, proxies, any ``*_URI``/``*_URL`` setting), and
they reach logs, run records, `crawler runs`, crontab lines and error messages. Everything that
shows a setting or an exception text passes through here, so there is one rule to get right.

A password may hold ``@``, ``:``, ``/`` or ``%`` (escaped or not): the credentials are everything
between ``scheme://`` and the *last* ``@`` of the address, and the user name ends at the first
``:``. Masking a little too much (a path holding ``@``) is preferred to printing a password.
"""

from __future__ import annotations

import re
from typing import Any

from crawler.error_names import public_name  # noqa: F401 (one import for messages' helpers)

MASK = "***"
# scheme://<credentials>@ : the credentials run to the last "@" before the address ends (white
# space or a quote ends it; an unescaped "/" or ":" in a password does not).
CREDENTIALS = re.compile(
    r"(?P<scheme>\b[a-z][a-z0-9+.-]*://)(?P<cred>[^\s'\"<>]*)@(?=[^\s'\"<>@]*(?:[\s'\"<>]|$))",
    re.I,
)
_URI_NAME = re.compile(r"_(URI|URL|URIS|URLS|DSN)$", re.I)
# A setting whose name says it holds a secret, anywhere in the name (HTTP_PASSWORD,
# AWS_SECRET_ACCESS_KEY, CRAWLER_WEB_TOKEN): masked whole.
_SECRET_NAME = re.compile(
    r"PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL", re.I)


def mask_uri(text: str) -> str:
    """`text` with the password of every URI in it replaced by ***; the user name stays (it
    tells which account), a user-only credential is masked whole."""

    def hide(m: re.Match) -> str:
        cred = m["cred"]
        user, sep, _ = cred.partition(":")
        return f"{m['scheme']}{user}:{MASK}@" if sep else f"{m['scheme']}{MASK}@"

    return CREDENTIALS.sub(hide, text)


def mask_setting(name: str, value: Any) -> str:
    """A setting's value as it may be shown or stored: secrets by name masked whole, URIs and
    URLs (and any text holding one) with their password masked."""
    text = str(value)
    if _SECRET_NAME.search(name) and text:
        return MASK
    return mask_uri(text)


def mask_settings(settings: dict[str, Any] | None) -> dict[str, str]:
    """Name -> value as it may be shown or stored, names sorted for a stable display."""
    return {str(name): mask_setting(str(name), value)
            for name, value in sorted((settings or {}).items())}


def is_uri_setting(name: str) -> bool:
    return bool(_URI_NAME.search(name))
