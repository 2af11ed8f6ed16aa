"""A real small filesystem for tests of a disk that fills up or cannot be written: a tmpfs
mounted for the test, so the code under test meets the kernel's own ENOSPC and EROFS (and its
buffering), not an injected exception."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def tmpfs(path: Path, size: str, read_only: bool = False) -> Iterator[Path]:
    path.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if read_only else "")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}): needs root")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(directory: Path, leave: int) -> Path:
    """Fill the filesystem of `directory` until `leave` bytes are free."""
    st = os.statvfs(directory)
    free = st.f_bavail * st.f_frsize
    filler = directory / "filler"
    # Unbuffered: when the crawl writes meanwhile, the disk has less room than statvfs said, and
    # a buffered file kept the bytes it refused and raised ENOSPC again at close, outside the
    # suppress (on a 64 kB tmpfs, 7 closes in 50 did).
    with open(filler, "wb", buffering=0) as fh, contextlib.suppress(OSError):
        fh.write(b"\0" * max(0, free - leave))
    return filler
