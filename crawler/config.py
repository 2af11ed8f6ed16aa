"""Everything the crawler reads from the environment, in one module: where it keeps things,
which database it talks to, and which settings the operator overrides (CRAWLER_<SETTING>,
applied to Scrapy's settings by crawler.environment).

Every command and spider reads these through here, so one variable changes them all.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


ENV_PREFIX = "CRAWLER_"
# Variables that configure the process around a crawl, not a Scrapy setting.
PROCESS_VARIABLES = frozenset({
    "CRAWLER_DATA_DIR", "CRAWLER_TOOLS_DIR", "CRAWLER_FERRETDB", "CRAWLER_DB_SYNC",
    "CRAWLER_DB_PORT", "CRAWLER_PROFILES",
})


def env(name: str) -> str | None:
    """One environment variable; unset and empty are alike (None)."""
    return os.environ.get(name) or None


def setting_overrides(defined: Iterable[str],
                      environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The settings the environment sets, by setting name.

    CRAWLER_<NAME> sets the setting NAME, whether Scrapy, a plug-in or this project defines it
    (CRAWLER_DEPTH_LIMIT sets DEPTH_LIMIT); a setting whose own name starts with CRAWLER_ (one
    of `defined`) is set by that very name (CRAWLER_MAX_DEPTH). REDIS_URL is also read under
    its own name, as scrapy-redis documents it. A value is JSON when it parses as JSON (numbers,
    booleans, objects for dict settings), else the plain string."""
    environ = os.environ if environ is None else environ
    defined = set(defined)
    out: dict[str, Any] = {}
    if environ.get("REDIS_URL"):
        out["REDIS_URL"] = environ["REDIS_URL"]
    for key, raw in environ.items():
        if not key.startswith(ENV_PREFIX) or key in PROCESS_VARIABLES or raw == "":
            continue
        name = key if key in defined else key[len(ENV_PREFIX):]
        if name:
            out[name] = _value(raw)
    return out


def _value(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


APP_NAME = "news-aggregator-crawler"


def data_dir() -> Path:
    """Where the embedded database, spills, job state and schedule state live: one place
    whatever the current directory, so every command finds the same database.

    CRAWLER_DATA_DIR wins. Otherwise a source checkout (the project root holds scrapy.cfg,
    as after `git clone` and `make demo`) keeps them in <project>/var, beside .venv and
    .tools, where `make clean` finds them; an installed package (no scrapy.cfg beside it)
    uses the platform's user data directory, $XDG_DATA_HOME/news-aggregator-crawler
    (default ~/.local/share/...), since site-packages is no place for data."""
    chosen = env("CRAWLER_DATA_DIR")
    if chosen:
        return Path(chosen).expanduser().resolve()
    return default_data_dir()


def default_data_dir() -> Path:
    if (PROJECT_ROOT / "scrapy.cfg").is_file():
        return PROJECT_ROOT / "var"
    return user_data_dir()


def user_data_dir() -> Path:
    """The platform's per-user data directory for this application (XDG on Linux and BSD,
    ~/Library/Application Support on macOS, %LOCALAPPDATA% on Windows)."""
    home = Path.home()
    if sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    elif os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / APP_NAME


def data_dir_origin() -> str:
    """Why data_dir() is where it is, for `crawler db status`."""
    if env("CRAWLER_DATA_DIR"):
        return "CRAWLER_DATA_DIR"
    if (PROJECT_ROOT / "scrapy.cfg").is_file():
        return "the project checkout"
    return "the user data directory"


def mongo_uri_from_env() -> str | None:
    """MONGO_URI when the user named a server; None means the embedded default."""
    return env("MONGO_URI")


def mongo_db_name() -> str:
    return env("MONGO_DB") or "news"


def tools_dir() -> Path:
    """Where scripts/install.sh builds FerretDB (CRAWLER_TOOLS_DIR, default <project>/.tools)."""
    folder = env("CRAWLER_TOOLS_DIR")
    return Path(folder).resolve() if folder else PROJECT_ROOT / ".tools"


def ferretdb_path() -> str | None:
    """CRAWLER_FERRETDB: a FerretDB executable chosen by the operator."""
    return env("CRAWLER_FERRETDB")


def db_sync_mode() -> str:
    """CRAWLER_DB_SYNC: SQLite's `synchronous` for the embedded database (default normal)."""
    return (env("CRAWLER_DB_SYNC") or "normal").strip().lower()


def db_port() -> int:
    """CRAWLER_DB_PORT: the embedded database's port; 0 means any free one."""
    return int(env("CRAWLER_DB_PORT") or 0)

