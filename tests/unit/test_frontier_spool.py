"""The frontier's private folders: removed by their owner at close, by the next crawl when the
owner died, never while the owner runs."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from crawler.frontier import spool


def _age(path, seconds=600):
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_spool_is_a_private_folder_removed_at_close(tmp_path):
    first, second = spool.Spool(tmp_path), spool.Spool(tmp_path)
    assert first.path != second.path and first.path.parent == tmp_path
    (first.path / "p0").write_bytes(b"queued")
    first.close()
    first.close()  # twice is harmless
    assert not first.path.exists() and second.path.is_dir()
    second.close()
    assert list(tmp_path.iterdir()) == []


def test_sweep_leaves_a_folder_whose_owner_runs(tmp_path):
    live = spool.Spool(tmp_path)
    _age(live.path)
    assert spool.sweep(tmp_path) == []
    assert live.path.is_dir()
    live.close()


def test_sweep_removes_the_folder_of_a_process_that_died(tmp_path):
    code = ("import sys, os; from pathlib import Path; from crawler.frontier import spool; "
            "s = spool.Spool(Path(sys.argv[1])); (s.path / 'p0').write_bytes(b'x'); "
            "print(s.path); sys.stdout.flush(); os._exit(0)")  # exits without close(): a kill
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                         text=True, check=True)
    left = tmp_path / out.stdout.strip().rsplit("/", 1)[-1]
    assert left.is_dir()
    assert spool.sweep(tmp_path) == []  # too young: its owner may still be taking its lock
    _age(left)
    assert spool.sweep(tmp_path) == [left]
    assert not left.exists()


def test_sweep_removes_an_old_folder_without_a_lock_file(tmp_path):
    stray = tmp_path / "123-abc"
    stray.mkdir()
    _age(stray)
    assert spool.sweep(tmp_path) == [stray]


def test_sweep_of_a_missing_root_is_empty(tmp_path):
    assert spool.sweep(tmp_path / "absent") == []
