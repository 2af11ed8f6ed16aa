"""Whether pymongo accepts a MONGO_URI, said in one line with the password masked."""

from __future__ import annotations

import re

from pymongo.errors import ConfigurationError, InvalidURI
from pymongo.uri_parser import parse_uri

from crawler.redact import CREDENTIALS, mask_uri

_UNESCAPED = re.compile(r"[@/:]|%(?![0-9A-Fa-f]{2})")


def mongo_uri_problem(uri: str) -> str | None:
    """None when pymongo accepts `uri`; otherwise one line saying why, password masked.

    pymongo's own message is not shown: for a URI it cannot split it may quote the address."""
    found = CREDENTIALS.search(uri)
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
