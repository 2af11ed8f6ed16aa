"""The embedded default database: FerretDB on SQLite under the data directory.

With no MONGO_URI the crawler must still work on a fresh machine, so it runs its own
MongoDB-wire server. It is started once and left running (like any database server) so that
hourly runs reuse it; `crawler db down` stops it. State (pid, port) lives in
<data dir>/ferretdb/server.json (FerretDB's own state.json lives in state/, which it
rewrites at will); a file lock keeps two commands from starting two servers.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from crawler import config
from crawler.processes import pid_alive

START_TIMEOUT = 30.0
# Our record of the running server. Not "state.json": FerretDB writes a file of that name into
# its --state-dir and would overwrite ours, leaving servers nobody can stop.
SERVER_FILE = "server.json"


class EmbeddedDBError(RuntimeError):
    """The embedded server cannot be used; the message says what to do."""


class PortTaken(EmbeddedDBError):
    """The port asked for belongs to another program."""


class NotOurs(EmbeddedDBError):
    """server.json names a process that is not this data directory's FerretDB."""


@dataclass
class ServerState:
    pid: int
    port: int

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"


def _home(data_dir: Path | None = None) -> Path:
    return (data_dir or config.data_dir()) / "ferretdb"


server_home = _home


def _cmdline(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def is_our_server(pid: int, home: Path) -> bool:
    """True when `pid` is FerretDB serving this data directory: its executable is a ferretdb
    and its arguments name this home's state directory. A pid alone proves nothing (after a
    reboot it may be any program's)."""
    argv = _cmdline(pid)
    if not argv:
        return False
    try:
        exe = os.readlink(f"/proc/{pid}/exe")
    except OSError:
        exe = argv[0]
    named_ferretdb = "ferretdb" in Path(exe).name.lower() or "ferretdb" in Path(argv[0]).name.lower()
    return named_ferretdb and f"--state-dir={home / 'state'}" in argv


def describe_process(pid: int) -> str:
    argv = _cmdline(pid)
    return " ".join(argv)[:80] if argv else "no such process"


def _listening_inodes(port: int) -> set[str]:
    """Socket inodes listening on 127.0.0.1:`port` (from /proc/net/tcp)."""
    inodes = set()
    with contextlib.suppress(OSError):
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            cols = line.split()
            local, state, inode = cols[1], cols[3], cols[9]
            if state == "0A" and int(local.split(":")[1], 16) == port:
                inodes.add(inode)
    return inodes


def _listens(pid: int, port: int) -> bool:
    """True when process `pid` holds the socket listening on `port`."""
    inodes = _listening_inodes(port)
    if not inodes:
        return False
    with contextlib.suppress(OSError):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                link = os.readlink(fd)
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return True
    return False


def ferretdb_binary() -> Path:
    """CRAWLER_FERRETDB, else the project's tool folder, else `ferretdb` on PATH."""
    chosen = config.ferretdb_path()
    if chosen:
        return Path(chosen)
    built = config.tools_dir() / "bin" / "ferretdb"
    if built.exists():
        return built
    found = shutil.which("ferretdb")
    if found:
        return Path(found)
    raise EmbeddedDBError(
        f"FerretDB is not built (looked in {built} and on PATH). Run `make setup` (needs the Go "
        "toolchain), or set MONGO_URI to a MongoDB server you run."
    )


def _sync_mode() -> str:
    """SQLite's `synchronous` for the embedded database (CRAWLER_DB_SYNC, default "normal").

    In WAL mode, "normal" skips the fsync on every commit: a killed FerretDB or crawler loses
    nothing, an operating-system crash or power cut may lose the last commits (the database
    stays consistent). Update statements are much faster so (figures in docs/operations.md).
    "full" fsyncs every commit."""
    mode = config.db_sync_mode()
    if mode not in ("normal", "full", "extra", "off"):
        raise EmbeddedDBError(f"CRAWLER_DB_SYNC={mode!r}: use normal or full")
    return mode


def _port_answers(port: int, timeout: float = 0.5) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout):
        return True
    return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _read_state(home: Path) -> ServerState | None:
    try:
        raw = json.loads((home / SERVER_FILE).read_text())
        return ServerState(int(raw["pid"]), int(raw["port"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def last_port(home: Path) -> int | None:
    """The port the server of this home last listened on (kept after `db down`), so a server
    started again comes back where running crawls look for it."""
    try:
        return int(json.loads((home / SERVER_FILE).read_text())["port"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


@contextlib.contextmanager
def _locked(home: Path):
    home.mkdir(parents=True, exist_ok=True)
    with open(home / "lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _binary_stamp(binary: Path) -> str:
    try:
        st = binary.stat()
    except OSError:
        return str(binary)
    return f"{binary}:{st.st_size}:{st.st_mtime_ns}"


def _warn_if_rebuilt(home: Path) -> None:
    """The server stays up between runs: after `make setup` rebuilt FerretDB (a new version or
    patch) it keeps running the old build until restarted. Say so rather than restart it under
    a crawl that may be using it."""
    try:
        recorded = json.loads((home / SERVER_FILE).read_text()).get("binary")
        current = _binary_stamp(ferretdb_binary())
    except (OSError, ValueError, AttributeError, EmbeddedDBError):
        return
    if recorded != current:
        logging.getLogger(__name__).warning(
            "the embedded database runs an older FerretDB build than %s; `crawler db down` "
            "(between crawls) restarts it with the new one", current.split(":")[0])


def running(data_dir: Path | None = None) -> ServerState | None:
    """The server this data directory owns, if it is up and answering."""
    home = _home(data_dir)
    state = _read_state(home)
    if state and pid_alive(state.pid) and is_our_server(state.pid, home) \
            and _port_answers(state.port):
        return state
    return None


def up(data_dir: Path | None = None, port: int | None = None) -> ServerState:
    """Start the server (or find it already running) and return where it listens."""
    home = _home(data_dir)
    with _locked(home):
        state = running(data_dir)
        if state:
            _warn_if_rebuilt(home)
            return state
        binary = ferretdb_binary()
        asked = port or config.db_port() or None
        if asked is not None:
            port = asked
            if _port_answers(port):
                raise PortTaken(
                    f"port {port} on 127.0.0.1 is in use by another program: stop it, or start "
                    "the embedded database on another port (CRAWLER_DB_PORT), or set MONGO_URI."
                )
        else:
            previous = last_port(home)
            port = previous if previous and not _port_answers(previous) else _free_port()
        sqlite_dir = home / "sqlite"
        sqlite_dir.mkdir(parents=True, exist_ok=True)
        (home / "state").mkdir(exist_ok=True)
        log_path = home / "ferretdb.log"
        cmd = [
            str(binary),
            "--handler=sqlite",
            f"--sqlite-url=file:{sqlite_dir}/?_pragma=synchronous({_sync_mode()})",
            f"--listen-addr=127.0.0.1:{port}",
            "--debug-addr=-",
            "--telemetry=disable",
            f"--state-dir={home / 'state'}",
            "--log-level=error",
        ]
        with open(log_path, "ab") as log:
            try:
                proc = subprocess.Popen(
                    cmd,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                    start_new_session=True,  # outlives the command that started it
                    close_fds=True,
                )
            except OSError as exc:
                raise EmbeddedDBError(f"cannot run {binary}: {exc.strerror}. Run `make setup`.") from None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                if _port_answers(port):
                    raise PortTaken(
                        f"port {port} on 127.0.0.1 was taken by another program as FerretDB "
                        "started: set CRAWLER_DB_PORT to a free port, or set MONGO_URI.")
                tail = _tail(log_path)
                raise EmbeddedDBError(
                    f"FerretDB exited at start (status {proc.returncode}); its log {log_path} ends:"
                    f"\n{tail}\nIf the port was taken, set CRAWLER_DB_PORT; or set MONGO_URI."
                )
            if _port_answers(port, 0.2) and _listens(proc.pid, port) and proc.poll() is None:
                state = ServerState(proc.pid, port)
                (home / SERVER_FILE).write_text(json.dumps(
                    {"pid": proc.pid, "port": port, "binary": _binary_stamp(binary)}))
                return state
            time.sleep(0.05)
        proc.terminate()
        raise EmbeddedDBError(
            f"FerretDB did not answer on 127.0.0.1:{port} within {START_TIMEOUT:.0f}s; "
            f"see {log_path}."
        )


def down(data_dir: Path | None = None, timeout: float = 10.0) -> bool:
    """Stop the server; True if one was running. Only a process that is this home's FerretDB
    is signalled (NotOurs otherwise); the port is kept for the next start."""
    home = _home(data_dir)
    with _locked(home):
        state = _read_state(home)
        if state is None:
            return False
        with contextlib.suppress(OSError):
            (home / SERVER_FILE).write_text(json.dumps({"port": state.port}))
        if not pid_alive(state.pid):
            return False
        if not is_our_server(state.pid, home):
            raise NotOurs(
                f"the recorded pid {state.pid} is not this data directory's FerretDB (it is: "
                f"{describe_process(state.pid)}): left alone; the stale record was cleared")
        with contextlib.suppress(ProcessLookupError):
            os.kill(state.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and pid_alive(state.pid):
            with contextlib.suppress(ChildProcessError):
                os.waitpid(state.pid, os.WNOHANG)
            time.sleep(0.05)
        if pid_alive(state.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(state.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):  # reap it when we started it ourselves
            os.waitpid(state.pid, os.WNOHANG)
        return True


def _tail(path: Path, lines: int = 8) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def resolve_uri(start: bool = True) -> str:
    """MONGO_URI if set; otherwise the embedded server's URI, started on demand."""
    uri = config.mongo_uri_from_env()
    if uri:
        return uri
    if not start:
        state = running()
        if state is None:
            raise EmbeddedDBError("the embedded database is not running: `crawler db up` starts it.")
        return state.uri
    return up().uri
