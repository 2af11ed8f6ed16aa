"""A FerretDB of a test's own, which the test can kill and start again (same data, same port).

Processes are tracked by the pid `embedded_db.up` returns, not by embedded_db's state file:
FerretDB writes its own state.json into the same --state-dir and can overwrite it, after which
`embedded_db.down` no longer finds the server (reported to the lead)."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

from crawler.storage import embedded_db


class OwnFerretDB:
    def __init__(self, home: Path):
        self.home = home
        state = embedded_db.up(home)
        self.port = state.port
        self.pid: int | None = state.pid

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    def kill(self, timeout: float = 15.0) -> None:
        """The database goes away abruptly (SIGKILL); returns once its port is closed."""
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            self.pid = None
        with contextlib.suppress(FileNotFoundError):
            (self.home / "ferretdb" / "state.json").unlink()
        deadline = time.monotonic() + timeout
        while embedded_db._port_answers(self.port, 0.2):
            assert time.monotonic() < deadline, "FerretDB did not stop"
            time.sleep(0.05)

    def pause(self) -> None:
        """The database hangs (SIGSTOP): its port still accepts connections, nothing answers."""
        assert self.pid is not None, "FerretDB is not running"
        os.kill(self.pid, signal.SIGSTOP)

    def resume(self) -> None:
        """The hung database answers again (SIGCONT), with whatever it had queued."""
        assert self.pid is not None, "FerretDB is not running"
        os.kill(self.pid, signal.SIGCONT)

    def start(self) -> None:
        """Back on the same port with the same data."""
        state = embedded_db.up(self.home, port=self.port)
        self.pid = state.pid

    def close(self) -> None:
        self.kill()
