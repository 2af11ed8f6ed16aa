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

MASK = "***"
# scheme://<credentials>@ : the credentials run to the last "@" before the address ends (white
# space or a quote ends it; an unescaped "/" or ":" in a password does not).
_CREDENTIALS = re.compile(
    r"(?P<scheme>\b[a-z][a-z0-9+.-]*://)(?P<cred>[^\s'\"<>]*)@(?=[^\s'\"<>@]*(?:[\s'\"<>]|$))",
    re.I,
)
_UNESCAPED = re.compile(r"[@/:]|%(?![0-9A-Fa-f]{2})")
_URI_NAME = re.compile(r"_(URI|URL|URIS|URLS|DSN)$", re.I)
_SECRET_NAME = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|CREDENTIALS?)$", re.I)


def mask_uri(text: str) -> str:
    """`text` with the password of every URI in it replaced by ***; the user name stays (it
    tells which account), a user-only credential is masked whole."""

    def hide(m: re.Match) -> str:
        cred = m["cred"]
        user, sep, _ = cred.partition(":")
        return f"{m['scheme']}{user}:{MASK}@" if sep else f"{m['scheme']}{MASK}@"

    return _CREDENTIALS.sub(hide, text)


def mask_setting(name: str, value: Any) -> str:
    """A setting's value as it may be shown or stored: secrets by name masked whole, URIs and
    URLs (and any text holding one) with their password masked."""
    text = str(value)
    if _SECRET_NAME.search(name) and text:
        return MASK
    return mask_uri(text)


def mask_settings(settings: dict[str, Any]) -> dict[str, str]:
    return {str(name): mask_setting(str(name), value) for name, value in settings.items()}


def is_uri_setting(name: str) -> bool:
    return bool(_URI_NAME.search(name))


def mongo_uri_problem(uri: str) -> str | None:
    """None when pymongo accepts `uri`; otherwise one line saying why, password masked.

    pymongo's own message is not shown: for a URI it cannot split it may quote the address."""
    from pymongo.errors import ConfigurationError, InvalidURI
    from pymongo.uri_parser import parse_uri

    found = _CREDENTIALS.search(uri)
    if found and _UNESCAPED.search(found["cred"].partition(":")[0] + found["cred"].partition(":")[2]):
        return (f"MONGO_URI {mask_uri(uri)} is not a valid MongoDB URI: its user name or password "
                "holds @ : / or % unescaped; percent-escape them (urllib.parse.quote_plus)")
    if uri.startswith("mongodb+srv://"):
        return None  # checking it needs a DNS query; the driver says what is wrong at connect
    try:
        parse_uri(uri)
    except InvalidURI as exc:
        reason = mask_uri(str(exc))
        if mask_uri(uri) != uri or "escaped" in reason:
            reason += ("; a user name or password holding @ : / or % must be percent-escaped "
                       "(urllib.parse.quote_plus)")
        return f"MONGO_URI {mask_uri(uri)} is not a valid MongoDB URI: {reason}"
    except (ConfigurationError, ValueError) as exc:
        return f"MONGO_URI {mask_uri(uri)} is not usable: {mask_uri(str(exc))}"
    return None


def public_name(exc: BaseException) -> str:
    """The exception's kind as a reader should see it: the first public class in its
    hierarchy (a driver's private `_OperationCancelled` is shown as what it derives from)."""
    for cls in type(exc).__mro__:
        if not cls.__name__.startswith("_"):
            return cls.__name__
    return "error"
