"""Where the crawler keeps things and which database it talks to, read from the environment.

Every command and spider reads these through here, so one variable changes them all.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """CRAWLER_DATA_DIR, default ./var: the embedded database, spills and job state live here."""
    return Path(os.environ.get("CRAWLER_DATA_DIR") or "var").resolve()


def mongo_uri_from_env() -> str | None:
    """MONGO_URI when the user named a server; None means the embedded default."""
    return os.environ.get("MONGO_URI") or None


def mongo_db_name() -> str:
    return os.environ.get("MONGO_DB") or "news"


def tools_dir() -> Path:
    """Where scripts/install.sh builds FerretDB (CRAWLER_TOOLS_DIR, default <project>/.tools)."""
    env = os.environ.get("CRAWLER_TOOLS_DIR")
    return Path(env).resolve() if env else PROJECT_ROOT / ".tools"


def mask_uri(uri: str) -> str:
    """A connection string with its password replaced, safe for logs, errors and run records
    (crawler.redact is the one rule)."""
    from crawler.redact import mask_uri as mask

    return mask(uri)
