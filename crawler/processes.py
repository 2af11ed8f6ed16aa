"""Whether a process is still running, by pid: one answer for every module that asks."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any


def pid_alive(pid: Any) -> bool:
    """True while the process runs (or exists under another user); False for no such pid, a
    pid that is not a number, or a zombie (it has ended: only its exit status is left)."""
    try:
        number = int(pid)
        os.kill(number, 0)
    except (ProcessLookupError, ValueError, TypeError):
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{number}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return True
