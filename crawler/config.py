"""Where the crawler keeps things and which database it talks to, read from the environment.

Every command and spider reads these through here, so one variable changes them all.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


APP_NAME = "news-aggregator-crawler"


def data_dir() -> Path:
    """Where the embedded database, spills, job state and schedule state live: one place
    whatever the current directory, so every command finds the same database.

    CRAWLER_DATA_DIR wins. Otherwise a source checkout (the project root holds scrapy.cfg,
    as after `git clone` and `make demo`) keeps them in <project>/var, beside .venv and
    .tools, where `make clean` finds them; an installed package (no scrapy.cfg beside it)
    uses the platform's user data directory, $XDG_DATA_HOME/news-aggregator-crawler
    (default ~/.local/share/...), since site-packages is no place for data."""
    env = os.environ.get("CRAWLER_DATA_DIR")
    if env:
        return Path(env).expanduser().resolve()
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
    if os.environ.get("CRAWLER_DATA_DIR"):
        return "CRAWLER_DATA_DIR"
    if (PROJECT_ROOT / "scrapy.cfg").is_file():
        return "the project checkout"
    return "the user data directory"


def mongo_uri_from_env() -> str | None:
    """MONGO_URI when the user named a server; None means the embedded default."""
    return os.environ.get("MONGO_URI") or None


def mongo_db_name() -> str:
    return os.environ.get("MONGO_DB") or "news"


def tools_dir() -> Path:
    """Where scripts/install.sh builds FerretDB (CRAWLER_TOOLS_DIR, default <project>/.tools)."""
    env = os.environ.get("CRAWLER_TOOLS_DIR")
    return Path(env).resolve() if env else PROJECT_ROOT / ".tools"


_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^:/@]*):(?P<pw>[^@/]*)@", re.I)


def mask_uri(uri: str) -> str:
    """A connection string with its password replaced, safe for logs, errors and run records."""
    return _PASSWORD.sub(lambda m: f"{m['scheme']}{m['user']}:***@", uri)
