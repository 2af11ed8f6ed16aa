"""Secrets out of settings shown on a run's page.

A value is masked when its name says it is a secret (PASSWORD, TOKEN, SECRET, KEY, ...), and any
connection string inside any value loses its password (crawler.config.mask_uri), so a MONGO_URI
or REDIS_URL given with -s never shows its password.
"""

from __future__ import annotations

import re
from typing import Any

from crawler.config import mask_uri

SECRET_NAME = re.compile(r"PASS(WORD|WD)?|SECRET|TOKEN|API_?KEY|PRIVATE|CREDENTIAL|AUTH", re.I)
MASK = "***"


def mask_value(name: str, value: Any) -> str:
    text = str(value)
    if SECRET_NAME.search(name) and text:
        return MASK
    return mask_uri(text)


def mask_settings(settings: dict[str, Any] | None) -> dict[str, str]:
    """Name -> printable value, secrets masked; names sorted for a stable page."""
    return {str(k): mask_value(str(k), v) for k, v in sorted((settings or {}).items())}
